import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InvalidArgumentError } from '@mi/spec';
import type { BenchmarkContext } from '../benchmark-context';
import { runClassicalStaircase } from '../gaussian/classical-staircase';
import { runGaussianBenchmark } from '../gaussian/gaussian-benchmark';
import type { PeerRow } from '../gaussian/peer-results';
import { runMineEstimatesBenchmark } from '../mine-estimates/mine-estimates-benchmark';
import { runMineeBenchmark } from '../minee/minee-benchmark';
import { runOnehotBenchmark } from '../onehot/onehot-benchmark';
import type { BenchmarkRegistries } from '../specs';
import { getPaperTarget, paperTargetIds, paperTargets } from './catalogue';
import { writePaperReport } from './paper-report';
import {
  type PaperComparison,
  type PaperPart,
  type PaperPreset,
  type PaperSettings,
  validatePaperSettings,
} from './paper-target';

/** Options of {@link runPaperTarget}. */
export interface PaperRunOptions {
  /** The quick preset (seconds, a smoke test) instead of the paper's settings. */
  readonly quick?: boolean;
  /** Seeds to run instead of the preset's (the paper's settings default to 1, 2, 3). */
  readonly seeds?: readonly number[];
  /** Where bound and critic names are looked up (built-ins plus plugins). Default: the built-ins. */
  readonly registries?: BenchmarkRegistries;
  /** PyTorch reference rows ({@link readPeerResults}) for the tables that print them. */
  readonly peers?: readonly PeerRow[];
  /**
   * Write the report from the runs the folder holds and train nothing: for a sweep finished in
   * part, over sessions. Each row then has the seeds it has, and the report says so.
   */
  readonly reportOnly?: boolean;
}

/** What {@link runPaperTarget} gives back. */
export interface PaperRunResult {
  readonly target: string;
  readonly settings: PaperSettings;
  readonly comparison: PaperComparison;
  /** The report's path. */
  readonly report: string;
  /** Figures of the benchmarks the target ran (SVG and PNG paths). */
  readonly figures: readonly string[];
  /** Runs trained by this call, and runs found finished in the folder (resume). */
  readonly trained: number;
  readonly skipped: number;
  readonly wallSeconds: number;
}

/** Each benchmark a part may name, run with the caller's registries; returns its figures. */
async function runPart(
  part: PaperPart,
  registries: BenchmarkRegistries | undefined,
  context: BenchmarkContext,
): Promise<readonly string[]> {
  const withRegistries = registries === undefined ? {} : { registries };
  switch (part.benchmark) {
    case 'gaussian':
      return (await runGaussianBenchmark({ ...part.options, ...withRegistries }, context)).figures;
    case 'gaussian-classical':
      await runClassicalStaircase(part.options, context);
      return [];
    case 'onehot':
      return (await runOnehotBenchmark({ ...part.options, ...withRegistries }, context)).figures;
    case 'minee':
      return (await runMineeBenchmark({ ...part.options, ...withRegistries }, context)).figures;
    case 'mine-estimates':
      return (await runMineEstimatesBenchmark({ ...part.options, ...withRegistries }, context))
        .figures;
  }
}

/**
 * Reproduces one table or figure of the five papers (see {@link paperTargets}): validates that
 * every bound, critic and classical estimator it names is registered, runs its sweeps through the
 * existing benchmarks in the context's results folder (finished runs are skipped, so a call
 * resumes; `context.shard` keeps every N-th run of each sweep), then writes `report.md`: our
 * numbers beside the published ones with a verdict per row and the rule behind it, the sign
 * convention, settings, seeds, backend and wall time, and links to the figures.
 *
 * @example
 * ```ts
 * const folder = await ResultsFolder.open('results/paper/003-table2');
 * const { report, comparison } = await runPaperTarget('003-table2', { quick: true }, { folder });
 * ```
 * @throws `NoSuchPluginError` for an unknown id (listing the known ones);
 *   `PaperTargetUnavailableError` when a name the target needs is not registered.
 */
export async function runPaperTarget(
  id: string,
  options: PaperRunOptions,
  context: BenchmarkContext,
): Promise<PaperRunResult> {
  const target = getPaperTarget(id);
  const preset: PaperPreset = options.quick ? 'quick' : 'paper';
  const settings = target.settings(preset, options.seeds);
  validatePaperSettings(target, settings, options.registries);
  const started = performance.now();
  let trained = 0;
  let skipped = 0;
  const counting: BenchmarkContext = {
    ...context,
    onRunStart: (run) => {
      trained += 1;
      context.onRunStart?.(run);
    },
    onRunSkipped: (run) => {
      skipped += 1;
      context.onRunSkipped?.(run);
    },
  };
  const figures: string[] = [];
  if (options.reportOnly && context.folder.all().length === 0) {
    throw new InvalidArgumentError({
      functionName: 'runPaperTarget',
      parameter: 'folder',
      value: context.folder.directory,
      expected: `a results folder holding runs of ${target.id} (a report-only call trains nothing)`,
    });
  }
  if (options.reportOnly) {
    // The figures the benchmarks drew when they last ran in this folder.
    const drawn = (await readdir(context.folder.directory)).filter((f) => /\.(svg|png)$/.test(f));
    figures.push(...drawn.sort().map((f) => join(context.folder.directory, f)));
  } else {
    for (const part of settings.parts) {
      if (context.signal?.aborted) break;
      figures.push(...(await runPart(part, options.registries, counting)));
    }
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const comparison = target.compare(context.folder.all(), {
    settings,
    peers: options.peers ?? [],
  });
  const uniqueFigures = [...new Set(figures)];
  const report = await writePaperReport(context.folder, {
    target,
    settings,
    comparison,
    figures: uniqueFigures.filter((f) => f.endsWith('.svg')).map((f) => basename(f)),
    run: { trained, skipped, wallSeconds, shard: context.shard, reportOnly: options.reportOnly },
  });
  return {
    target: target.id,
    settings,
    comparison,
    report,
    figures: uniqueFigures,
    trained,
    skipped,
    wallSeconds,
  };
}

/** One line of the catalogue, for `mi bench paper --list`. */
export interface PaperTargetSummary {
  readonly id: string;
  readonly paper: string;
  readonly artefact: string;
  readonly description: string;
  readonly cost: string;
}

/** The catalogue in order: id, paper, artefact, description and expected cost of each target. */
export function listPaperTargets(): PaperTargetSummary[] {
  return paperTargetIds.map((id) => {
    const { paper, artefact, description, cost } = paperTargets[id] as PaperTargetSummary;
    return { id, paper, artefact, description, cost };
  });
}
