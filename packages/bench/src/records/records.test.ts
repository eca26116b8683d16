import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeResults, parseShard, ResultsFolder } from '@mi/bench';
import type { BenchmarkRecord } from '@mi/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from './results-folder';
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
  it('appends records, remembers them across opens, and ignores a torn last line', async () => {
    const directory = join(root, 'a');
    const folder = await ResultsFolder.open(directory);
    await folder.append(record('r1', 1));
    await folder.append(record('r2', 2));
    // An interrupted append leaves a partial line: it is dropped, the rest is kept.
    await appendFile(join(directory, 'results.jsonl'), '{"benchmark":"test","runId":"r3","par');
    const reopened = await ResultsFolder.open(directory);
    expect(reopened.has('r1')).toBe(true);
    expect(reopened.has('r3')).toBe(false);
    expect(reopened.all().map((r) => r.metrics['value'])).toEqual([1, 2]);
  });

  it('reports a corrupt line in the middle with its row', async () => {
    const path = join(root, 'bad.jsonl');
    await appendFile(
      path,
      `${JSON.stringify(record('r1', 1))}\nnot json\n${JSON.stringify(record('r2', 2))}\n`,
    );
    await expect(readRecords(path)).rejects.toThrow(`${path} (row 2): not a benchmark record`);
  });

  it('writes files atomically and keeps traces', async () => {
    const folder = await ResultsFolder.open(join(root, 'b'));
    await folder.write('report.md', '# hi\n');
    expect(await readFile(join(root, 'b', 'report.md'), 'utf8')).toBe('# hi\n');
    await folder.writeTrace('r1', { estimate: new Float32Array([1, 2]), ceiling: 3 });
    expect(await folder.readTrace('r1')).toEqual({ estimate: [1, 2], ceiling: 3 });
    expect(await folder.readTrace('nope')).toBeUndefined();
  });

  it('merges shards into one folder, each run once', async () => {
    const a = await ResultsFolder.open(join(root, 'shard1'));
    const b = await ResultsFolder.open(join(root, 'shard2'));
    await a.append(record('r1', 1));
    await a.writeTrace('r1', { estimate: [1] });
    await b.append(record('r2', 2));
    await b.append(record('r1', 1));
    const { records } = await mergeResults(
      [join(root, 'shard1'), join(root, 'shard2')],
      join(root, 'merged'),
    );
    expect(records.map((r) => r.runId)).toEqual(['r1', 'r2']);
    const merged = await ResultsFolder.open(join(root, 'merged'));
    expect(await merged.readTrace('r1')).toEqual({ estimate: [1] });
  });
});
