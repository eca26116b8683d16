import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paperTargetIds } from '@mi/bench';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMi } from '../../test/run-mi';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mi-cli-paper-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const mi = runMi;
const targets = paperTargetIds.join(', ');

describe('mi bench paper', () => {
  it('rejects an unknown target with exit 2 and one line that names the argument and lists the targets', async () => {
    const { stdout, stderr, exitCode } = await mi('bench', 'paper', '003-table3');
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `mi: <target> 003-table3: no paper target named '003-table3'; known paper targets: ${targets}\n`,
    );
    const json = await mi('--json', 'bench', 'paper', 'nope');
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stderr).error.code).toBe('MI_INVALID_ARGUMENT');
  });

  it('asks for a target when none is given', async () => {
    const { stderr, exitCode } = await mi('bench', 'paper');
    expect(exitCode).toBe(2);
    expect(stderr).toBe(
      `mi: missing argument '<target>': expected one of ${targets} (or --list)\n`,
    );
  });

  it('rejects bad option values before running anything', async () => {
    const seeds = await mi('bench', 'paper', '004-fig3', '--seeds', 'x');
    expect(seeds.exitCode).toBe(2);
    expect(seeds.stderr).toContain("invalid option '--seeds'");
    const shard = await mi('bench', 'paper', '004-fig3', '--shard', '3/2');
    expect(shard.exitCode).toBe(2);
    expect(shard.stderr).toContain("invalid option '--shard'");
  });

  it('--list prints the catalogue with descriptions and costs, as text or JSON', async () => {
    const { stdout, exitCode } = await mi('bench', 'paper', '--list');
    expect(exitCode).toBe(0);
    for (const id of paperTargetIds) expect(stdout).toContain(`${id}  `);
    expect(stdout).toContain("cost (paper's settings, 3 seeds, 2 cores, tfjs-node): 36 runs");
    const json = await mi('--json', 'bench', 'paper', '--list');
    const list = JSON.parse(json.stdout) as { id: string; cost: string }[];
    expect(list.map((t) => t.id)).toEqual([...paperTargetIds]);
  });

  it('runs a target --quick into --out, prints the verdicts, and resumes', async () => {
    const out = join(root, 'fig3');
    const first = await mi('bench', 'paper', '004-fig3', '--quick', '--out', out);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^004-fig3: \d+ reproduced, \d+ differ, \d+ without a verdict \(4 runs trained, 0 found finished\)\n/,
    );
    await access(join(out, 'report.md'));
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain(
      'Choi & Lee 2022 (004), Fig. 3',
    );
    const again = await mi('--json', 'bench', 'paper', '004-fig3', '--quick', '--out', out);
    expect(again.exitCode).toBe(0);
    const result = JSON.parse(again.stdout);
    expect([result.trained, result.skipped]).toEqual([0, 4]);
    expect(result.settings.seeds).toEqual([1, 2]);
    expect(result.report).toBe(join(out, 'report.md'));
  });

  it('--report-only writes the report from the runs in the folder and trains nothing', async () => {
    const fig3 = (...args: string[]) => mi('bench', 'paper', '004-fig3', ...args);
    const out = join(root, 'fig3-part');
    const part = await fig3('--quick', '--seeds', '1', '--out', out);
    expect(part.exitCode, part.stderr).toBe(0);
    expect(part.stdout).toContain('(2 runs trained, 0 found finished)');
    // The preset's two seeds: seed 2 is missing and stays missing.
    const report = await mi(
      '--json',
      'bench',
      'paper',
      '004-fig3',
      '--quick',
      '--report-only',
      '--out',
      out,
    );
    expect(report.exitCode, report.stderr).toBe(0);
    const result = JSON.parse(report.stdout);
    expect([result.trained, result.skipped]).toEqual([0, 0]);
    expect(result.settings.seeds).toEqual([1, 2]);
    expect(result.figures.length).toBeGreaterThan(0);
    for (const figure of result.figures) await access(figure);
    const text = await readFile(join(out, 'report.md'), 'utf8');
    expect(text).toContain('- runs in the folder: 2; this call trained nothing (report only');
    const results = await readFile(join(out, 'results.jsonl'), 'utf8');
    expect(results.trim().split('\n')).toHaveLength(2);
    const empty = await fig3('--report-only', '--out', join(root, 'none'));
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain('a results folder holding runs of 004-fig3');
    const sharded = await fig3('--report-only', '--shard', '1/2', '--out', out);
    expect(sharded.exitCode).toBe(2);
    expect(sharded.stderr).toContain("invalid option '--shard'");
  });
});
