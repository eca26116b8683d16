import { readFile } from 'node:fs/promises';
import { type BenchmarkContext, parseShard, ResultsFolder } from '@mi/bench';
import type { Output } from '../output';
import { userPath } from '../user-directory';

/** The options every benchmark command shares. */
export interface BenchmarkCliOptions {
  /** The results folder. */
  readonly out?: string;
  /** `i/N`: run only shard i of N of the sweep. */
  readonly shard?: string;
}

/**
 * Opens the results folder (`--out`, else `defaultOut`), runs a benchmark in it for the shard
 * asked for, with progress on stderr, and returns the benchmark's result and the folder.
 */
export async function runWithResults<Result>(
  cli: BenchmarkCliOptions,
  defaultOut: string,
  output: Output,
  signal: AbortSignal,
  run: (context: BenchmarkContext) => Promise<Result>,
): Promise<Result & { folder: string }> {
  const shard = cli.shard === undefined ? undefined : parseShard(cli.shard);
  const folder = await ResultsFolder.open(userPath(cli.out ?? defaultOut));
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
