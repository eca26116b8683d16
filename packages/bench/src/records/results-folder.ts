import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchmarkRecord, DataFormatError } from '@mi/spec';
import { stableStringify } from './run-id';

/** A run's traces: series of numbers and single values, saved as JSON. */
export type Trace = Readonly<Record<string, ArrayLike<number> | number | string>>;

/**
 * A benchmark's results folder: `results.jsonl` (one line per finished run, appended, so an
 * interrupted sweep resumes by skipping the run ids it holds and shards merge by concatenation),
 * `report.md`, figures (SVG and PNG) and per-run traces under `traces/`. Every file other than
 * the append-only log is written atomically (temporary file, then rename).
 */
export class ResultsFolder {
  private constructor(
    readonly directory: string,
    private readonly records: Map<string, BenchmarkRecord>,
  ) {}

  /** Opens (creating if needed) a folder and reads the runs it already holds. */
  static async open(directory: string): Promise<ResultsFolder> {
    await mkdir(join(directory, 'traces'), { recursive: true });
    const records = new Map<string, BenchmarkRecord>();
    for (const record of await readRecords(join(directory, 'results.jsonl')))
      records.set(record.runId, record);
    return new ResultsFolder(directory, records);
  }

  /** Whether a run already finished (resume). */
  has(runId: string): boolean {
    return this.records.has(runId);
  }

  /** Every finished run, in the order they were first recorded. */
  all(): BenchmarkRecord[] {
    return [...this.records.values()];
  }

  /** Appends a finished run: one `appendFile` of one complete line. */
  async append(record: BenchmarkRecord): Promise<void> {
    this.records.set(record.runId, record);
    await appendFile(join(this.directory, 'results.jsonl'), `${stableStringify(record)}\n`);
  }

  /** Writes a file under the folder atomically. */
  async write(name: string, data: string | Uint8Array): Promise<string> {
    const path = join(this.directory, name);
    const temporary = `${path}.tmp-${process.pid}`;
    await writeFile(temporary, data);
    await rename(temporary, path);
    return path;
  }

  /** Saves a run's traces (arrays of numbers) as JSON under `traces/<runId>.json`. */
  async writeTrace(runId: string, trace: Trace): Promise<void> {
    const plain = Object.fromEntries(
      Object.entries(trace).map(([k, v]) => [
        k,
        typeof v === 'object' ? Array.from(v as ArrayLike<number>) : v,
      ]),
    );
    await this.write(join('traces', `${runId}.json`), stableStringify(plain));
  }

  /** Reads a run's traces back, or undefined when the folder has none (e.g. merged records only). */
  async readTrace(runId: string): Promise<Record<string, number[] | number | string> | undefined> {
    try {
      return JSON.parse(await readFile(join(this.directory, 'traces', `${runId}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  }
}

/** Reads a `results.jsonl`; a missing file is empty; a malformed line is a `DataFormatError`. */
export async function readRecords(path: string): Promise<BenchmarkRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
  const records: BenchmarkRecord[] = [];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === '') continue;
    try {
      const record = JSON.parse(line) as BenchmarkRecord;
      if (typeof record.runId !== 'string' || typeof record.benchmark !== 'string')
        throw new DataFormatError({ file: path, row: k + 1, detail: 'missing runId or benchmark' });
      records.push(record);
    } catch (cause) {
      // A last line cut off by an interrupted write is dropped; anything else is an error.
      if (k === lines.length - 1 || lines.slice(k + 1).every((l) => l.trim() === '')) continue;
      throw new DataFormatError({
        file: path,
        row: k + 1,
        detail: `not a benchmark record: ${(cause as Error).message}`,
        cause,
      });
    }
  }
  return records;
}
