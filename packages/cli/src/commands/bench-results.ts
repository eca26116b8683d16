import { readFile } from 'node:fs/promises';
import { type BenchmarkContext, ResultsFolder, type Shard } from '@mi/bench';
import type { Output } from '../output';
import { userPath } from '../user-directory';

/** The options every benchmark command shares. */
export interface BenchmarkCliOptions {
  /** The results folder. */
  readonly out?: string;
  /** `--shard i/N`: run only shard i of N of the sweep. */
  readonly shard?: Shard;
}

/**
 * Opens the results folder (`--out`, else `defaultOut`), runs a benchmark in it for the shard
 * asked for, with progress on stderr, and returns the benchmark's result and the folder. Damaged
 * lines of its `results.jsonl` are noted on stderr: their runs are run again.
 */
export async function runWithResults<Result>(
  cli: BenchmarkCliOptions,
  defaultOut: string,
  output: Output,
  signal: AbortSignal,
  run: (context: BenchmarkContext) => Promise<Result>,
): Promise<Result & { folder: string }> {
  const { shard } = cli;
  const folder = await ResultsFolder.open(userPath(cli.out ?? defaultOut));
  noteSkipped(output, folder.skipped, 'its run is run again');
  const progress = output.progress();
  const result = await run({
    folder,
    signal,
    ...(shard ? { shard } : {}),
    ...progress,
  }).finally(() => progress.stop());
  return { ...result, folder: folder.directory };
}

/** Prints a benchmark's report (or, with `--json`, the report's paths and records). */
export async function printReport(
  output: Output,
  benchmark: string,
  result: {
    readonly folder: string;
    readonly report: string;
    readonly figures: readonly string[];
    readonly records: readonly { runId: string; params: unknown; metrics: unknown }[];
  },
): Promise<void> {
  if (output.json) {
    output.result(
      JSON.stringify(
        {
          benchmark,
          folder: result.folder,
          report: result.report,
          figures: result.figures,
          records: result.records,
        },
        null,
        2,
      ),
    );
    return;
  }
  output.result(await readFile(result.report, 'utf8'));
  output.result(`report: ${result.report}`);
  for (const figure of result.figures) output.result(`figure: ${figure}`);
}

/** Notes each damaged line of a `results.jsonl` that was skipped, with what happens instead. */
export function noteSkipped(
  output: Output,
  skipped: readonly { file: string; line: number; reason: string }[],
  instead: string,
): void {
  for (const { file, line, reason } of skipped) {
    output.note(`warning: ${file}, line ${line}, skipped: ${reason}; ${instead}`);
  }
}
