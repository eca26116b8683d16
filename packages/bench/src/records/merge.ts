import { copyFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchmarkRecord, DataFormatError, FileWriteError } from '@mi/spec';
import { ResultsFolder, readRecords, type SkippedRecord } from './results-folder';

/**
 * Joins the results folders of a sharded sweep into one: every record once (by run id, first
 * occurrence wins), and their traces. The caller then writes the benchmark's report from the
 * merged folder, which equals the report of the unsharded run. Damaged lines of any
 * `results.jsonl` (the inputs' or the output's) are left out and listed in `skipped`; a folder
 * that does not exist is a `DataFormatError`.
 */
export async function mergeResults(
  inputs: readonly string[],
  output: string,
): Promise<{ folder: ResultsFolder; records: BenchmarkRecord[]; skipped: SkippedRecord[] }> {
  for (const input of inputs) {
    const isFolder = await stat(input).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      throw new DataFormatError({
        file: input,
        detail: 'not a folder: merge joins results folders (each holding a results.jsonl)',
      });
    }
  }
  const folder = await ResultsFolder.open(output);
  const skipped = [...folder.skipped];
  for (const input of inputs) {
    const read = await readRecords(join(input, 'results.jsonl'));
    skipped.push(...read.skipped);
    for (const record of read.records) {
      if (folder.has(record.runId)) continue;
      await folder.append(record);
    }
    let traces: string[] = [];
    try {
      traces = await readdir(join(input, 'traces'));
    } catch {
      traces = [];
    }
    for (const file of traces.filter((f) => f.endsWith('.json'))) {
      const target = join(output, 'traces', file);
      await copyFile(join(input, 'traces', file), target).catch((cause: unknown) => {
        throw new FileWriteError({
          path: target,
          what: `the trace ${file}`,
          kept: `the ${folder.all().length} runs merged so far in ${join(output, 'results.jsonl')} are kept`,
          cause,
        });
      });
    }
  }
  return { folder, records: folder.all(), skipped };
}
