import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeResults, parseShard, ResultsFolder } from '@mi/bench';
import { type BenchmarkRecord, FileWriteError } from '@mi/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords, recordChecksum, recordLine } from './results-folder';
import { runId, stableStringify } from './run-id';
import { selectShard } from './shard';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mi-records-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const record = (id: string, value: number): BenchmarkRecord => ({
  benchmark: 'test',
  runId: id,
  params: { id },
  metrics: { value },
  environment: {},
  finishedAt: '2026-01-01T00:00:00.000Z',
});

describe('run ids', () => {
  it('are deterministic and independent of key order', () => {
    expect(stableStringify({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
    expect(runId('gaussian', { a: 1, b: 2 })).toBe(runId('gaussian', { b: 2, a: 1 }));
    expect(runId('gaussian', { a: 1 })).not.toBe(runId('onehot', { a: 1 }));
    expect(runId('gaussian', { a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('shards', () => {
  it('parses i/N and splits a sweep round-robin, covering every run once', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    const runs = [0, 1, 2, 3, 4, 5, 6];
    const parts = [1, 2, 3].map((index) => selectShard(runs, { index, count: 3 }));
    expect(parts).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);
    expect(parts.flat().sort()).toEqual(runs);
  });

  it.each(['0/2', '3/2', '1', 'a/b', '1/0'])('rejects %s', (text) => {
    expect(() => parseShard(text)).toThrow(
      `parseShard: invalid option '--shard': expected 'i/N' with 1 <= i <= N, e.g. 2/4, received "${text}"`,
    );
  });
});

describe('results folder', () => {
  it('appends records, remembers them across opens, and skips a torn last line', async () => {
    const directory = join(root, 'a');
    const folder = await ResultsFolder.open(directory);
    await folder.append(record('r1', 1));
    await folder.append(record('r2', 2));
    // An interrupted append leaves a partial line: it is skipped, the rest is kept.
    await appendFile(join(directory, 'results.jsonl'), '{"benchmark":"test","runId":"r3","par');
    const reopened = await ResultsFolder.open(directory);
    expect(reopened.has('r1')).toBe(true);
    expect(reopened.has('r3')).toBe(false);
    expect(reopened.all().map((r) => r.metrics['value'])).toEqual([1, 2]);
    expect(reopened.skipped).toEqual([
      {
        file: join(directory, 'results.jsonl'),
        line: 3,
        reason: 'the line is cut off (an interrupted write)',
      },
    ]);
    // The next record starts on a line of its own, so the torn one does not swallow it.
    await reopened.append(record('r3', 3));
    const again = await ResultsFolder.open(directory);
    expect(again.all().map((r) => r.runId)).toEqual(['r1', 'r2', 'r3']);
    expect(again.skipped.map((s) => s.line)).toEqual([3]);
  });

  it('writes each record with the checksum of its canonical JSON', async () => {
    const directory = join(root, 'checksum');
    const folder = await ResultsFolder.open(directory);
    await folder.append(record('r1', 1));
    // The canonical JSON of record('r1', 1), keys sorted, written out by hand.
    const canonical =
      '{"benchmark":"test","environment":{},"finishedAt":"2026-01-01T00:00:00.000Z","metrics":{"value":1},"params":{"id":"r1"},"runId":"r1"}';
    const checksum = createHash('sha256').update(canonical).digest('hex').slice(0, 16);
    expect(recordChecksum(record('r1', 1))).toBe(checksum);
    expect(await readFile(join(directory, 'results.jsonl'), 'utf8')).toBe(
      `{"benchmark":"test","checksum":"${checksum}","environment":{},"finishedAt":"2026-01-01T00:00:00.000Z","metrics":{"value":1},"params":{"id":"r1"},"runId":"r1"}\n`,
    );
    // Records come back without the checksum field.
    expect((await ResultsFolder.open(directory)).all()).toEqual([record('r1', 1)]);
  });

  it('skips damaged lines with file, line and reason, keeps the rest, and reruns their runs', async () => {
    const path = join(root, 'damaged', 'results.jsonl');
    const changed = JSON.parse(recordLine(record('r2', 2)));
    changed.metrics.value = 20;
    const old = JSON.stringify(record('r5', 5)); // no checksum: written before checksums
    const noParams = JSON.stringify({ ...record('r6', 6), params: undefined });
    await mkdir(join(root, 'damaged'), { recursive: true });
    await writeFile(
      path,
      [
        recordLine(record('r1', 1)),
        JSON.stringify(changed),
        'not json',
        '[1, 2]',
        old,
        noParams,
        JSON.stringify({ ...JSON.parse(recordLine(record('r7', 7))), runId: 7 }),
        '',
      ].join('\n'),
    );
    const { records, skipped } = await readRecords(path);
    expect(records.map((r) => r.runId)).toEqual(['r1', 'r5']);
    expect(skipped).toEqual([
      {
        file: path,
        line: 2,
        reason: `checksum mismatch (the line says "${recordChecksum(record('r2', 2))}", its content gives "${recordChecksum({ ...record('r2', 2), metrics: { value: 20 } })}"): the line was changed after it was written`,
      },
      {
        file: path,
        line: 3,
        reason: `not JSON (Unexpected token 'o', "not json" is not valid JSON)`,
      },
      { file: path, line: 4, reason: 'not a benchmark record: not a JSON object' },
      {
        file: path,
        line: 6,
        reason: "not a benchmark record: 'params' is missing or not an object",
      },
      {
        file: path,
        line: 7,
        reason: "not a benchmark record: 'runId' is missing or not a string",
      },
    ]);
    const folder = await ResultsFolder.open(join(root, 'damaged'));
    expect(folder.has('r2')).toBe(false);
    await folder.append(record('r2', 2));
    expect((await ResultsFolder.open(join(root, 'damaged'))).has('r2')).toBe(true);
  });

  it('writes files atomically and keeps traces', async () => {
    const folder = await ResultsFolder.open(join(root, 'b'));
    await folder.write('report.md', '# hi\n');
    expect(await readFile(join(root, 'b', 'report.md'), 'utf8')).toBe('# hi\n');
    await folder.writeTrace('r1', { estimate: new Float32Array([1, 2]), ceiling: 3 });
    expect(await folder.readTrace('r1')).toEqual({ estimate: [1, 2], ceiling: 3 });
    expect(await folder.readTrace('nope')).toBeUndefined();
  });

  it('merges shards into one folder, each run once, listing damaged lines', async () => {
    const a = await ResultsFolder.open(join(root, 'shard1'));
    const b = await ResultsFolder.open(join(root, 'shard2'));
    await a.append(record('r1', 1));
    await a.writeTrace('r1', { estimate: [1] });
    await b.append(record('r2', 2));
    await b.append(record('r1', 1));
    await appendFile(join(root, 'shard2', 'results.jsonl'), 'garbage\n');
    await b.append(record('r3', 3));
    const { records, skipped } = await mergeResults(
      [join(root, 'shard1'), join(root, 'shard2')],
      join(root, 'merged'),
    );
    expect(records.map((r) => r.runId)).toEqual(['r1', 'r2', 'r3']);
    expect(skipped).toEqual([
      {
        file: join(root, 'shard2', 'results.jsonl'),
        line: 3,
        reason: `not JSON (Unexpected token 'g', "garbage" is not valid JSON)`,
      },
    ]);
    const merged = await ResultsFolder.open(join(root, 'merged'));
    expect(await merged.readTrace('r1')).toEqual({ estimate: [1] });
    await expect(mergeResults([join(root, 'no-such-shard')], join(root, 'm2'))).rejects.toThrow(
      `${join(root, 'no-such-shard')}: not a folder: merge joins results folders (each holding a results.jsonl)`,
    );
  });
});

describe('results folder under write faults', () => {
  // ENOSPC for real: the file being written (or its temporary `<file>.tmp-<pid>`, known because
  // the test runs in the writing process) is a link to /dev/full. A folder in the way stands for a
  // read-only target (EISDIR): chmod does not stop root, who runs these tests.
  const full = !existsSync('/dev/full');

  it.skipIf(full)('a full disk while appending a record: the file stays as it was', async () => {
    const directory = join(root, 'full-append');
    const folder = await ResultsFolder.open(directory);
    await folder.append(record('r1', 1));
    const results = join(directory, 'results.jsonl');
    const before = await readFile(results, 'utf8');
    await rename(results, `${results}.real`);
    await symlink('/dev/full', results);
    const failure = await folder.append(record('r2', 2)).catch((error: unknown) => error);
    await rm(results);
    await rename(`${results}.real`, results);
    expect(FileWriteError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toBe(
      `could not write the record of run r2 to ${results}: no space left on the device (ENOSPC); the 1 finished run in ${results} is kept; run the command again to resume`,
    );
    expect(folder.has('r2')).toBe(false);
    expect(await readFile(results, 'utf8')).toBe(before);
  });

  it.skipIf(full)(
    'a full disk while writing the report: the old report and the runs stay',
    async () => {
      const directory = join(root, 'full-report');
      const folder = await ResultsFolder.open(directory);
      await folder.append(record('r1', 1));
      await folder.append(record('r2', 2));
      await folder.write('report.md', '# old\n');
      const report = join(directory, 'report.md');
      await symlink('/dev/full', `${report}.tmp-${process.pid}`);
      await expect(folder.write('report.md', '# new\n')).rejects.toThrow(
        `could not write report.md to ${report}: no space left on the device (ENOSPC); any earlier report.md is unchanged, and the 2 finished runs in ${join(directory, 'results.jsonl')} are kept`,
      );
      expect(await readFile(report, 'utf8')).toBe('# old\n');
      expect(existsSync(`${report}.tmp-${process.pid}`)).toBe(false);
      expect((await ResultsFolder.open(directory)).all().map((r) => r.runId)).toEqual(['r1', 'r2']);
    },
  );

  it('a folder in the way of a trace: a FileWriteError naming the file', async () => {
    const directory = join(root, 'blocked-trace');
    const folder = await ResultsFolder.open(directory);
    const trace = join(directory, 'traces', 'r1.json');
    await mkdir(`${trace}.tmp-${process.pid}`);
    const failure = await folder
      .writeTrace('r1', { estimate: [1] })
      .catch((error: unknown) => error);
    expect(FileWriteError.isInstance(failure)).toBe(true);
    expect((failure as FileWriteError).systemCode).toBe('EISDIR');
    expect((failure as Error).message).toBe(
      `could not write traces/r1.json to ${trace}: a folder is in the way (EISDIR); any earlier traces/r1.json is unchanged, and the 0 finished runs in ${join(directory, 'results.jsonl')} are kept`,
    );
  });

  it('a file where the results folder should be', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    await expect(ResultsFolder.open(file)).rejects.toThrow(
      `could not write the results folder to ${file}: a file is in the way of a folder (ENOTDIR); nothing was written`,
    );
  });
});
