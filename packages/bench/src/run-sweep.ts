import type { BenchmarkRecord } from '@mi/spec';
import type { BenchmarkContext } from './benchmark-context';
import { benchmarkEnvironment } from './environment';
import type { Trace } from './records/results-folder';
import { selectShard } from './records/shard';

/** One planned run of a sweep. */
export interface PlannedRun {
  /** The benchmark it belongs to (`gaussian`, `onehot`, `minee`): the record's `benchmark`. */
  readonly benchmark: string;
  /** Deterministic id from the run's parameters (see `runId`): finished runs are skipped. */
  readonly runId: string;
  /** The parameters stored in the run's record. */
  readonly params: Readonly<Record<string, unknown>>;
  /** What progress output calls the run. */
  readonly label: string;
  /** Training steps, for progress bars. */
  readonly steps: number;
}

/** What one finished run gives back: its metrics and, optionally, traces for the figures. */
export interface RunOutcome {
  readonly metrics: Readonly<Record<string, number | null>>;
  /** Saved under `traces/<runId>.json` before the record is appended. */
  readonly trace?: Trace;
}

/**
 * The loop every sweep shares: keeps the context's shard of `runs`; for each run, skips it when
 * the results folder already holds it (resume), else announces it, trains it with `runOne`,
 * writes its trace, appends its record (one line of `results.jsonl`) and announces the end.
 * `runOne` returns `undefined` when training was aborted: nothing is recorded and the sweep
 * stops, as it does when the context's signal is aborted between runs.
 */
export async function runSweep<Run extends PlannedRun>(
  runs: readonly Run[],
  context: BenchmarkContext,
  runOne: (run: Run) => Promise<RunOutcome | undefined>,
): Promise<void> {
  const selected = selectShard(runs, context.shard);
  let index = 0;
  for (const run of selected) {
    if (context.signal?.aborted) break;
    if (context.folder.has(run.runId)) {
      context.onRunSkipped?.({ runId: run.runId, label: run.label });
      index += 1;
      continue;
    }
    context.onRunStart?.({
      runId: run.runId,
      label: run.label,
      index,
      total: selected.length,
      steps: run.steps,
    });
    const outcome = await runOne(run);
    if (outcome === undefined) break;
    const record: BenchmarkRecord = {
      benchmark: run.benchmark,
      runId: run.runId,
      params: run.params,
      metrics: outcome.metrics,
      environment: benchmarkEnvironment(),
      finishedAt: new Date().toISOString(),
    };
    if (outcome.trace) await context.folder.writeTrace(run.runId, outcome.trace);
    await context.folder.append(record);
    await context.onRunEnd?.({ runId: run.runId, label: run.label, record });
    index += 1;
  }
}
