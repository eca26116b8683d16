// Results that cannot be written (a full disk, something in the way) and results files that were
// damaged: the CLI says what failed and where, keeps finished runs, and carries on where it can.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMi } from '../test/run-mi';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mi-faults-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const mi = runMi;

/** A staircase of one run (one bound, one level, one seed) that trains in a moment. */
const tiny = (out: string) => [
  'bench',
  'gaussian',
  '--critic',
  'separable',
  '--bounds',
  'infonce',
  '--dimension',
  '2',
  '--levels',
  '1',
  '--steps-per-level',
  '3',
  '--batch-size',
  '8',
  '--hidden',
  '4',
  '--out',
  out,
];

describe('results that cannot be written', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'a full disk while writing the report: exit 6, the finished run is kept and skipped next time',
    async () => {
      const out = join(root, 'full');
      await mkdir(out, { recursive: true });
      const report = join(out, 'report.md');
      // The report's temporary file points at /dev/full: ENOSPC on write, as on a full disk.
      await symlink('/dev/full', `${report}.tmp-${process.pid}`);
      const failed = await mi('--quiet', ...tiny(out));
      expect(failed.stderr).toBe(
        `mi: could not write report.md to ${report}: no space left on the device (ENOSPC); any earlier report.md is unchanged, and the 1 finished run in ${join(out, 'results.jsonl')} is kept\n`,
      );
      expect(failed.exitCode).toBe(6);
      expect(existsSync(report)).toBe(false);
      expect((await readFile(join(out, 'results.jsonl'), 'utf8')).split('\n')).toHaveLength(2);
      // With space again, the run is not repeated and the report is written.
      const again = await mi(...tiny(out));
      expect(again.exitCode).toBe(0);
      expect(again.stderr).toContain('skip (already in results): ');
      expect(existsSync(report)).toBe(true);
    },
  );

  it('a file where the results folder should be: exit 6, nothing written', async () => {
    const file = join(root, 'not-a-folder');
    await writeFile(file, 'x');
    const { stderr, exitCode } = await mi('--json', ...tiny(file));
    expect(JSON.parse(stderr)).toEqual({
      error: {
        code: 'MI_FILE_WRITE',
        message: `could not write the results folder to ${file}: a file is in the way of a folder (ENOTDIR); nothing was written`,
        exitCode: 6,
      },
    });
    expect(exitCode).toBe(6);
    expect(await readFile(file, 'utf8')).toBe('x');
  });
});

describe('a damaged results.jsonl', () => {
  it('skips the damaged line with a warning and runs that run again', async () => {
    const out = join(root, 'damaged');
    expect((await mi('--quiet', ...tiny(out))).exitCode).toBe(0);
    const results = join(out, 'results.jsonl');
    const line = (await readFile(results, 'utf8')).trim();
    const changed = JSON.parse(line);
    changed.metrics.bias = 0;
    await writeFile(results, `${JSON.stringify(changed)}\n`);
    const { stderr, exitCode } = await mi(...tiny(out));
    expect(exitCode).toBe(0);
    const warning = stderr.split('\n').find((l) => l.startsWith('warning: '));
    expect(warning).toMatch(
      new RegExp(
        `^warning: ${results.replaceAll('/', '\\/')}, line 1, skipped: checksum mismatch \\(the line says "[0-9a-f]{16}", its content gives "[0-9a-f]{16}"\\): the line was changed after it was written; its run is run again$`,
      ),
    );
    expect(stderr).not.toContain('skip (already in results)');
    const lines = (await readFile(results, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] as string).runId).toBe(changed.runId);
  });

  it('merge leaves damaged lines out, lists them, and writes the report', async () => {
    const shard = join(root, 'shard');
    expect((await mi('--quiet', ...tiny(shard))).exitCode).toBe(0);
    const results = join(shard, 'results.jsonl');
    await writeFile(results, `${await readFile(results, 'utf8')}{"runId":\n`);
    const { stdout, stderr, exitCode } = await mi(
      '--json',
      'bench',
      'merge',
      shard,
      '--out',
      join(root, 'merged'),
    );
    expect(exitCode).toBe(0);
    expect(stderr).toBe(
      `warning: ${results}, line 2, skipped: the line is cut off (an interrupted write); left out of the merge\n`,
    );
    expect(JSON.parse(stdout)).toEqual({
      folder: join(root, 'merged'),
      runs: 1,
      reports: [join(root, 'merged', 'report.md')],
      skipped: [{ file: results, line: 2, reason: 'the line is cut off (an interrupted write)' }],
    });
  });
});

describe('the committed benchmark results', () => {
  // Written before records carried checksums: they are read as they are.
  const docs = resolve(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    '..',
    'docs',
    'benchmarks',
  );
  const files = [
    ['gaussian-joint-4000.results.jsonl', 3],
    ['gaussian-separable-4000.results.jsonl', 3],
    ['minee-mg-0.9.results.jsonl', 2],
  ] as const;
  it.each(files)('mi bench merge reads %s (%i runs) and writes its report', async (file, runs) => {
    const shard = join(root, 'docs', file);
    await mkdir(shard, { recursive: true });
    await copyFile(join(docs, file), join(shard, 'results.jsonl'));
    const out = join(root, 'docs-merged', file);
    const { stdout, stderr, exitCode } = await mi('bench', 'merge', shard, '--out', out);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`merged ${runs} runs into ${out}\nreport: ${join(out, 'report.md')}\n`);
  });
});
