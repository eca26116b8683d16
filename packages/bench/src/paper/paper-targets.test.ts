import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  getPaperTarget,
  listPaperTargets,
  PaperTargetUnavailableError,
  type PeerRow,
  paperTargetIds,
  paperTargets,
  ResultsFolder,
  runPaperTarget,
  validatePaperSettings,
} from '@mi/bench';
import { builtinBounds, createBoundRegistry } from '@mi/bounds';
import { NoSuchPluginError } from '@mi/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mi-paper-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the catalogue of paper targets', () => {
  it('holds every table and figure the issue names, each with a description and a cost', () => {
    expect(paperTargetIds).toEqual([
      '003-table2',
      '003-table2-separable',
      '000-table1',
      '000-fig1',
      '000-fig2',
      '000-fig4',
      '000-fig8',
      '004-fig1',
      '004-fig2',
      '004-fig3',
      '004-fig4',
      '004-fig5',
      '004-fig7',
      '001-mg',
      '001-hg',
      '002-fig1',
      '002-fig2',
    ]);
    for (const summary of listPaperTargets()) {
      expect(paperTargets[summary.id]?.id).toBe(summary.id);
      expect(summary.description.length).toBeGreaterThan(20);
      expect(summary.cost).not.toBe('');
    }
    expect(Object.isFrozen(paperTargets)).toBe(true);
  });

  it('gives every target at least three seeds by default and valid settings in both presets', () => {
    for (const id of paperTargetIds) {
      const target = getPaperTarget(id);
      const paper = target.settings('paper');
      expect(paper.seeds.length, id).toBeGreaterThanOrEqual(3);
      expect(paper.parts.length, id).toBeGreaterThan(0);
      expect(target.settings('paper', [7]).seeds).toEqual([7]);
      // Every bound, critic and classical estimator the settings name is registered.
      validatePaperSettings(target, paper);
      validatePaperSettings(target, target.settings('quick'));
    }
  });

  it('names the unknown id and lists the known ones', () => {
    expect(() => getPaperTarget('003-table3')).toThrow(NoSuchPluginError);
    expect(() => getPaperTarget('003-table3')).toThrow(
      `no paper target named '003-table3'; known paper targets: ${paperTargetIds.join(', ')}`,
    );
  });

  it('stops a target before any run when a bound it needs is not registered', async () => {
    const bounds = createBoundRegistry(builtinBounds.filter((b) => b.id !== 'ccmi'));
    const target = getPaperTarget('000-table1');
    expect(() => validatePaperSettings(target, target.settings('paper'), { bounds })).toThrow(
      PaperTargetUnavailableError,
    );
    const folder = await ResultsFolder.open(join(root, 'unavailable'));
    const failure = await runPaperTarget(
      '000-table1',
      { quick: true, registries: { bounds } },
      { folder },
    ).catch((error: unknown) => error);
    expect(PaperTargetUnavailableError.isInstance(failure)).toBe(true);
    expect(NoSuchPluginError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toMatch(
      /^paper target 000-table1 needs the bound 'ccmi', which is not registered; known bounds: dv, /,
    );
    expect(folder.all()).toHaveLength(0);
  });
});

describe('the one-hot figures follow the papers’ protocol', () => {
  const onehotIds = ['000-fig1', '000-fig2', '000-fig4', '000-fig8'].concat([
    '004-fig1',
    '004-fig2',
    '004-fig3',
    '004-fig4',
    '004-fig5',
  ]);

  it('train every bound with n shifted marginal pairs per batch, and say so', () => {
    for (const id of onehotIds) {
      const target = getPaperTarget(id);
      expect(target.protocolNotes, id).toContain(
        "marginals: n shifted pairs per batch as the papers' shuffled samples",
      );
      for (const preset of ['paper', 'quick'] as const) {
        for (const part of target.settings(preset).parts) {
          const bounds = (part.options as { bounds: readonly string[] }).bounds;
          expect(bounds.length, id).toBeGreaterThan(0);
          for (const bound of bounds) expect(bound, `${id} ${preset}`).toMatch(/marginals=shifted/);
        }
      }
    }
  });

  it('train MINE as dv (no moving-average gradient), and keep 3000 steps for 004-fig3', () => {
    const boundsOf = (id: string) =>
      getPaperTarget(id)
        .settings('paper')
        .parts.flatMap((part) => (part.options as { bounds: readonly string[] }).bounds);
    expect(boundsOf('000-fig1')).toEqual(['dv:marginals=shifted']);
    expect(boundsOf('004-fig1')).toEqual(['dv:marginals=shifted', 'nwj:marginals=shifted']);
    expect(boundsOf('004-fig3')).toEqual(['dv:marginals=shifted', 'nwj:marginals=shifted']);
    expect(boundsOf('004-fig5')).toEqual(['remine:marginals=shifted', 'renwj:marginals=shifted']);
    for (const id of onehotIds)
      expect(
        boundsOf(id).some((b) => b.startsWith('mine')),
        id,
      ).toBe(false);
    const fig3 = getPaperTarget('004-fig3');
    expect((fig3.settings('paper').parts[0]?.options as { steps: number }).steps).toBe(3000);
    expect((fig3.protocolNotes ?? []).join('\n')).toContain('empty plot after 23k iterations');
  });

  it('build S&E Table 2’s joint critic with the three hidden layers of the authors’ code', () => {
    const hiddenOf = (id: string, preset: 'paper' | 'quick') =>
      getPaperTarget(id)
        .settings(preset)
        .parts.map((part) => (part.options as { hiddenUnits: readonly number[] }).hiddenUnits);
    expect(hiddenOf('003-table2', 'paper')).toEqual([
      [256, 256, 256],
      [256, 256, 256],
    ]);
    // The quick preset keeps its tiny critic; the separable counterpart and the other tables
    // that share the staircase protocol keep two layers.
    expect(hiddenOf('003-table2', 'quick')).toEqual([[8], [8]]);
    expect(hiddenOf('003-table2-separable', 'paper')[0]).toEqual([256, 256]);
    expect(hiddenOf('004-fig7', 'paper')[0]).toEqual([256, 256]);
    expect((getPaperTarget('003-table2').protocolNotes ?? []).join('\n')).toContain(
      'concat(x, y) → 256 → 256 → 256 → 1',
    );
  });
});

/** What each quick report must print of the paper (published numbers, its statements). */
const PUBLISHED_IN_REPORT: Readonly<Record<string, readonly string[]>> = {
  '003-table2': ['_0.25_', '_0.72_', '_99.0_', 'true MI − mean estimate'],
  '003-table2-separable': ['PyTorch reference'],
  '000-table1': ['_-0.65_', '_-4.35_', '_> 100_', 'mean estimate − true MI'],
  '000-fig1': ['≈ 1.39 (log 4)', '> 0.5'],
  '000-fig2': ['≈ 1.39'],
  '000-fig4': ['≈ -2.00', '≈ 4.00'],
  '000-fig8': ['≈ -50.0', '> 0.5'],
  '004-fig1': ['< 0.5', '> 0.5'],
  '004-fig2': ['> 1.39'],
  '004-fig3': ['> 10'],
  '004-fig4': ['≈ 2.00'],
  '004-fig5': ['< 10'],
  '004-fig7': ['not < 0', 'ReInfoNCE'],
  '001-mg': ['≈ 2.0e+4', '≈ 7.0e+4'],
  '001-hg': ['≈ 6.0e+3', '> 25000 (or never)'],
  '002-fig1': ['MINE ≈ truth', 'KSG'],
  '002-fig2': ['R²', 'MINE ≈ truth'],
};

describe('each target, quick preset, end to end', () => {
  it.each(
    paperTargetIds,
  )('%s writes a report with the published numbers and verdicts', async (id) => {
    const folder = await ResultsFolder.open(join(root, id));
    const result = await runPaperTarget(id, { quick: true }, { folder });
    expect(result.trained).toBeGreaterThan(0);
    expect(result.skipped).toBe(0);
    const report = await readFile(result.report, 'utf8');
    expect(report).toContain(`mi bench paper ${id} --quick`);
    expect(report).toContain('## Verdict rule');
    expect(report).toContain('- seeds: 1, 2 (2)');
    expect(report).toMatch(/backend of this call: \w+/);
    expect(report).toMatch(/wall time of this call: [\d.]+ (s|min)/);
    for (const text of PUBLISHED_IN_REPORT[id] ?? []) expect(report, id).toContain(text);
    // Every row finds the runs the call just trained (a row's match asks only what they hold).
    expect(report, id).not.toContain('(no runs)');
    const { reproduced, differs, none } = result.comparison.verdicts;
    expect(reproduced + differs + none, id).toBeGreaterThan(0);
    expect(report).toContain(`**Verdicts**: ${reproduced} reproduced, ${differs} differ`);
  });

  it('resumes: a second call finds every run finished and trains nothing', async () => {
    // The first call trains the runs when this test runs alone; with the file, they are there.
    await runPaperTarget(
      '004-fig1',
      { quick: true },
      { folder: await ResultsFolder.open(join(root, '004-fig1')) },
    );
    const folder = await ResultsFolder.open(join(root, '004-fig1'));
    const result = await runPaperTarget('004-fig1', { quick: true }, { folder });
    expect(result.trained).toBe(0);
    expect(result.skipped).toBe(4);
    expect(await readFile(result.report, 'utf8')).toContain(
      'this call trained 0 and found 4 finished',
    );
  });

  it('prints the PyTorch reference beside the separable rows when given', async () => {
    // Trains the quick runs when this test runs alone; with the file, they are there.
    await runPaperTarget(
      '003-table2-separable',
      { quick: true },
      { folder: await ResultsFolder.open(join(root, '003-table2-separable')) },
    );
    const folder = await ResultsFolder.open(join(root, '003-table2-separable'));
    const peer: PeerRow = {
      source: 'PyTorch reference',
      task: 'gaussian',
      critic: 'separable',
      stepsPerLevel: 4000,
      bound: 'infonce',
      label: 'infonce',
      bias: [0.31, 1.07, 2.37, 4.05, 5.92],
      variance: [0.04, 0.03, 0.02, 0.01, 0.0],
      mse: [0.14, 1.17, 5.63, 16.4, 35.05],
    };
    const result = await runPaperTarget(
      '003-table2-separable',
      { quick: true, peers: [peer] },
      { folder },
    );
    expect(result.trained).toBe(0);
    const report = await readFile(result.report, 'utf8');
    expect(report).toContain(
      '| _PyTorch reference: infonce_ | _bias_ | _0.31_ | _1.07_ | _2.37_ | _4.05_ | _5.92_ |  |',
    );
  });
});
