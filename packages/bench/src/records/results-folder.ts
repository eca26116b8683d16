import { createHash } from 'node:crypto';
import {
  appendFile,
  mkdir,
  readFile,
  rename,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchmarkRecord, FileWriteError } from '@mi/spec';
import { stableStringify } from './run-id';

/** A run's traces: series of numbers and single values, saved as JSON. */
export type Trace = Readonly<Record<string, ArrayLike<number> | number | string>>;

/** A line of a `results.jsonl` that was not read as a record, and why. */
export interface SkippedRecord {
  readonly file: string;
  /** 1-based, as editors show it. */
  readonly line: number;
  readonly reason: string;
}

const RESULTS = 'results.jsonl';

/**
 * A benchmark's results folder: `results.jsonl` (one line per finished run, appended, so an
 * interrupted sweep resumes by skipping the run ids it holds and shards merge by concatenation),
 * `report.md`, figures (SVG and PNG) and per-run traces under `traces/`. Every file other than
 * the append-only log is written atomically (temporary file, then rename). Each line carries a
 * checksum of its record (`recordChecksum`); a line that is damaged is skipped on reading and
 * listed in `skipped`, so its run is simply run again. A write that fails (a full disk, a
 * read-only folder) throws a `FileWriteError` and leaves what was written before as it was.
 */
export class ResultsFolder {
  private constructor(
    readonly directory: string,
    private readonly records: Map<string, BenchmarkRecord>,
    /** Lines of `results.jsonl` that were damaged and not read (their runs count as not done). */
    readonly skipped: readonly SkippedRecord[],
    /** The file ends in the middle of a line (an interrupted write): start the next on a new one. */
    private needsNewline: boolean,
  ) {}

  /** Opens (creating if needed) a folder and reads the runs it already holds. */
  static async open(directory: string): Promise<ResultsFolder> {
    try {
      await mkdir(join(directory, 'traces'), { recursive: true });
    } catch (cause) {
      throw new FileWriteError({
        path: directory,
        what: 'the results folder',
        kept: 'nothing was written',
        cause,
      });
    }
    const { records, skipped, endsMidLine } = await readResults(join(directory, RESULTS));
    const byId = new Map<string, BenchmarkRecord>();
    for (const record of records) byId.set(record.runId, record);
    return new ResultsFolder(directory, byId, skipped, endsMidLine);
  }

  /** Whether a run already finished (resume). */
  has(runId: string): boolean {
    return this.records.has(runId);
  }

  /** Every finished run, in the order they were first recorded. */
  all(): BenchmarkRecord[] {
    return [...this.records.values()];
  }

  /**
   * Appends a finished run: one `appendFile` of one complete line with its checksum. When the
   * write fails, the file is cut back to its length before it, so no partial line is left.
   */
  async append(record: BenchmarkRecord): Promise<void> {
    const path = join(this.directory, RESULTS);
    const line = `${this.needsNewline ? '\n' : ''}${recordLine(record)}\n`;
    const before = await stat(path).then(
      (s) => s.size,
      () => undefined,
    );
    try {
      await appendFile(path, line);
    } catch (cause) {
      if (before !== undefined) await truncate(path, before).catch(() => undefined);
      throw new FileWriteError({
        path,
        what: `the record of run ${record.runId}`,
        kept: `${this.keptRuns()}; run the command again to resume`,
        cause,
      });
    }
    this.needsNewline = false;
    this.records.set(record.runId, record);
  }

  /** Writes a file under the folder atomically; a failure leaves any earlier version as it was. */
  async write(name: string, data: string | Uint8Array): Promise<string> {
    const path = join(this.directory, name);
    const temporary = `${path}.tmp-${process.pid}`;
    try {
      await writeFile(temporary, data);
      await rename(temporary, path);
    } catch (cause) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new FileWriteError({
        path,
        what: name,
        kept: `any earlier ${name} is unchanged, and ${this.keptRuns()}`,
        cause,
      });
    }
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

  private keptRuns(): string {
    const n = this.records.size;
    return `the ${n} finished run${n === 1 ? '' : 's'} in ${join(this.directory, RESULTS)} ${n === 1 ? 'is' : 'are'} kept`;
  }
}

/**
 * The checksum a `results.jsonl` line carries: the first 16 hex digits of the SHA-256 of the
 * record's canonical JSON ({@link stableStringify}) without the checksum itself.
 */
export function recordChecksum(record: BenchmarkRecord): string {
  const { checksum: _checksum, ...content } = record as BenchmarkRecord & { checksum?: unknown };
  return createHash('sha256').update(stableStringify(content)).digest('hex').slice(0, 16);
}

/** A record as a `results.jsonl` line (without the newline): its canonical JSON and checksum. */
export function recordLine(record: BenchmarkRecord): string {
  return stableStringify({ ...record, checksum: recordChecksum(record) });
}

/**
 * Reads a `results.jsonl`; a missing file is empty. A line that is not JSON, not a benchmark
 * record (`runId`, `benchmark`, `params`, `metrics`) or fails its checksum is skipped and listed
 * with its line number and the reason; lines without a checksum (files written before checksums)
 * are read as they are.
 */
export async function readRecords(
  path: string,
): Promise<{ records: BenchmarkRecord[]; skipped: SkippedRecord[] }> {
  const { records, skipped } = await readResults(path);
  return { records, skipped };
}

async function readResults(path: string): Promise<{
  records: BenchmarkRecord[];
  skipped: SkippedRecord[];
  endsMidLine: boolean;
}> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      return { records: [], skipped: [], endsMidLine: false };
    }
    throw error;
  }
  const records: BenchmarkRecord[] = [];
  const skipped: SkippedRecord[] = [];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === '') continue;
    const last = lines.slice(k + 1).every((l) => l.trim() === '');
    const reason = checkLine(line, last);
    if (typeof reason === 'string') skipped.push({ file: path, line: k + 1, reason });
    else records.push(reason);
  }
  return { records, skipped, endsMidLine: text.length > 0 && !text.endsWith('\n') };
}

/** The record on a line, or why it is not one. */
function checkLine(line: string, last: boolean): BenchmarkRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    return last
      ? 'the line is cut off (an interrupted write)'
      : `not JSON (${(cause as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'not a benchmark record: not a JSON object';
  }
  const fields = value as Record<string, unknown>;
  for (const [name, type] of [
    ['runId', 'string'],
    ['benchmark', 'string'],
    ['params', 'object'],
    ['metrics', 'object'],
  ] as const) {
    const field = fields[name];
    if (typeof field !== type || field === null || Array.isArray(field)) {
      return `not a benchmark record: '${name}' is missing or not ${type === 'string' ? 'a string' : 'an object'}`;
    }
  }
  const { checksum, ...record } = fields;
  if (checksum !== undefined) {
    const actual = recordChecksum(record as unknown as BenchmarkRecord);
    if (checksum !== actual) {
      return `checksum mismatch (the line says ${JSON.stringify(checksum)}, its content gives "${actual}"): the line was changed after it was written`;
    }
  }
  return record as unknown as BenchmarkRecord;
}
