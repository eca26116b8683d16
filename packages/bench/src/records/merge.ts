import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchmarkRecord } from '@mi/spec';
import { ResultsFolder, readRecords } from './results-folder';

/**
 * Joins the results folders of a sharded sweep into one: every record once (by run id, first
 * occurrence wins), and their traces. The caller then writes the benchmark's report from the
 * merged folder, which equals the report of the unsharded run.
 */
export async function mergeResults(
  inputs: readonly string[],
  output: string,
): Promise<{ folder: ResultsFolder; records: BenchmarkRecord[] }> {
  const folder = await ResultsFolder.open(output);
  for (const input of inputs) {
    for (const record of await readRecords(join(input, 'results.jsonl'))) {
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
      await copyFile(join(input, 'traces', file), join(output, 'traces', file));
    }
  }
  return { folder, records: folder.all() };
}
