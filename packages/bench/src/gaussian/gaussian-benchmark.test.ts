import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mergeResults,
  mineeMethods,
  ResultsFolder,
  readPeerResults,
  runGaussianBenchmark,
  runMineeBenchmark,
  runOnehotBenchmark,
  staircaseMarkdown,
  writeGaussianReport,
} from '@mi/bench';
import { builtinCritics, createCriticRegistry, separableCriticPlugin } from '@mi/critics';
import { InvalidArgumentError, NoSuchBoundError, NoSuchCriticError } from '@mi/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convergenceSteps } from '../minee/minee-benchmark';
import { levelWindow } from './gaussian-benchmark';
import { staircaseTables } from './gaussian-report';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mi-bench-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// A tiny staircase: d = 2, two levels of 12 steps, a small separable critic.
const tiny = {
  bounds: ['nwj', 'infonce'],
  critic: 'separable' as const,
  seeds: [1, 2],
  dimension: 2,
  levels: [0.5, 1],
  stepsPerLevel: 12,
  batchSize: 8,
  hiddenUnits: [8],
  embeddingSize: 4,
};

describe('gaussian staircase benchmark', () => {
  it('windows: the last half of each level by default', () => {
    expect(levelWindow(0, 4000, 'last-half')).toEqual([2000, 4000]);
    expect(levelWindow(2, 4000, 'all')).toEqual([8000, 12000]);
    expect(levelWindow(1, 4000, 500)).toEqual([7500, 8000]);
  });

  it('writes one record per run with per-level stats, a report and figures, and resumes', async () => {
    const folder = await ResultsFolder.open(join(root, 'full'));
    const started: string[] = [];
    const { tables } = await runGaussianBenchmark(tiny, {
      folder,
      onRunStart: (r) => started.push(r.label),
    });
    expect(started).toHaveLength(4);
    const records = folder.all();
    expect(records).toHaveLength(4);
    for (const r of records) {
      for (const level of [0.5, 1]) {
        const bias = r.metrics[`bias@${level}`] as number;
        const variance = r.metrics[`variance@${level}`] as number;
        expect(r.metrics[`mse@${level}`]).toBeCloseTo(bias * bias + variance, 6);
      }
    }
    expect(tables[0]?.rows.map((row) => `${row.bound}/${row.stat}/${row.seeds}`)).toEqual([
      'nwj/bias/2',
      'nwj/variance/2',
      'nwj/mse/2',
      'infonce/bias/2',
      'infonce/variance/2',
      'infonce/mse/2',
    ]);
    await access(join(root, 'full', 'report.md'));
    await access(join(root, 'full', 'staircase-gaussian-separable-12.svg'));
    await access(join(root, 'full', 'staircase-gaussian-separable-12.png'));
    // A second call finds every run done and trains nothing.
    const skipped: string[] = [];
    await runGaussianBenchmark(tiny, {
      folder: await ResultsFolder.open(join(root, 'full')),
      onRunStart: (r) => started.push(r.label),
      onRunSkipped: (r) => skipped.push(r.label),
    });
    expect(started).toHaveLength(4);
    expect(skipped).toHaveLength(4);
  });

  it('two shards merged give the same records as the unsharded run', async () => {
    // Its own unsharded run, so the test does not rely on the folder another test writes.
    const full = await ResultsFolder.open(join(root, 'unsharded'));
    await runGaussianBenchmark(tiny, { folder: full });
    for (const index of [1, 2]) {
      await runGaussianBenchmark(tiny, {
        folder: await ResultsFolder.open(join(root, `shard${index}`)),
        shard: { index, count: 2 },
      });
    }
    const { folder } = await mergeResults(
      [join(root, 'shard1'), join(root, 'shard2')],
      join(root, 'merged'),
    );
    const metrics = (f: ResultsFolder) =>
      Object.fromEntries(f.all().map((r) => [r.runId, r.metrics['mse@1']]));
    expect(metrics(folder)).toEqual(metrics(full));
    const { tables } = await writeGaussianReport(folder);
    expect(tables[0]?.rows).toHaveLength(6);
  });

  it('rejects an unknown bound or critic, or bad critic options, before training anything', async () => {
    const folder = await ResultsFolder.open(join(root, 'bad'));
    await expect(
      runGaussianBenchmark({ ...tiny, bounds: ['smiley'] }, { folder }),
    ).rejects.toBeInstanceOf(NoSuchBoundError);
    await expect(
      runGaussianBenchmark({ ...tiny, critic: 'cosine' }, { folder }),
    ).rejects.toBeInstanceOf(NoSuchCriticError);
    // The benchmark supplies the input widths and the seed; a spec may not set them.
    await expect(
      runGaussianBenchmark({ ...tiny, critic: 'joint:xFeatures=3' }, { folder }),
    ).rejects.toThrow("no 'xFeatures' in the critic spec");
    await expect(
      runGaussianBenchmark({ ...tiny, critic: 'joint:width=3' }, { folder }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(folder.all()).toHaveLength(0);
  });

  it('trains a plugin critic, which gets its spec options, xFeatures, yFeatures and seed only', async () => {
    const received: Record<string, unknown>[] = [];
    const plugin = {
      ...separableCriticPlugin,
      id: 'my-separable',
      create: (options: Record<string, unknown>) => {
        received.push(options);
        return separableCriticPlugin.create(options as never);
      },
    };
    const critics = createCriticRegistry([...builtinCritics, plugin]);
    const folder = await ResultsFolder.open(join(root, 'plugin-critic'));
    const { tables } = await runGaussianBenchmark(
      {
        ...tiny,
        seeds: [3],
        bounds: ['nwj'],
        critic: 'my-separable:embeddingSize=2',
        registries: { critics },
      },
      { folder },
    );
    // The staircase's hiddenUnits and embeddingSize are for the built-in critics only.
    expect(received.at(-1)).toEqual({ xFeatures: 2, yFeatures: 2, seed: 3, embeddingSize: 2 });
    expect(tables[0]?.critic).toBe('my-separable:embeddingSize=2');
    const [record] = folder.all();
    expect(record?.params['critic']).toBe('my-separable:embeddingSize=2');
    expect(record?.params['hiddenUnits']).toBeUndefined();
  });
});

describe('one-hot and MI-NEE benchmarks (tiny)', () => {
  it('records the drift terms, joint/non-joint outputs and the batch sweep', async () => {
    const folder = await ResultsFolder.open(join(root, 'onehot'));
    const { records, figures } = await runOnehotBenchmark(
      {
        classes: 4,
        bounds: ['mine', 'remine'],
        driftBatchSizes: [8],
        sweepBatchSizes: [4, 8],
        steps: 20,
      },
      { folder },
    );
    expect(records).toHaveLength(6);
    const drift = records.find(
      (r) => r.params['kind'] === 'drift' && r.params['bound'] === 'remine',
    );
    expect(drift?.metrics['trueMI']).toBeCloseTo(Math.log(4), 10);
    expect(typeof drift?.metrics['finalJointOutput']).toBe('number');
    // Drift, outputs, output histograms, estimate histograms, batch sweep.
    expect(figures.filter((f) => f.endsWith('.png'))).toHaveLength(5);
    expect(typeof drift?.metrics['jointTermDrift']).toBe('number');
  });

  it('counts the steps to within 10% of the truth', async () => {
    expect(convergenceSteps([0, 1, 2, 3, 4], [0, 0.95, 0.5, 0.92, 1.05], 1)).toEqual({
      first: 1,
      settled: 3,
    });
    expect(convergenceSteps([0, 1], [0, 0.5], 1)).toEqual({ first: undefined, settled: undefined });
    const folder = await ResultsFolder.open(join(root, 'minee'));
    const { records } = await runMineeBenchmark(
      {
        tasks: [{ kind: 'mg', rho: 0.9, learningRate: 1e-3, referenceFactor: 2 }],
        sampleSize: 40,
        batchSize: 10,
        steps: 20,
        hiddenUnits: [8],
      },
      { folder },
    );
    expect(records.map((r) => r.params['method'])).toEqual(['minee', 'mine']);
    // Every run names its specs, so MINE over n marginal pairs is not taken for a finished run of
    // the all-pairs MINE of earlier folders, nor a run on the paper code's networks for one on
    // PyTorch's default initialisation.
    expect(records.map((r) => [r.params['bound'], r.params['critic']])).toEqual([
      ['minee', 'minee:activation=elu;initStd=0.02'],
      [
        'mine:decay=0.01;marginals=shifted',
        'joint:activation=elu;hiddenUnits=300,300;initStd=0.02',
      ],
    ]);
    expect(records[0]?.metrics['trueMI']).toBeCloseTo(0.408443, 5);
  });

  it("tells MINE on resampled marginal pairs from MINE on the batch's shifted pairs", async () => {
    const folder = await ResultsFolder.open(join(root, 'minee-marginals'));
    const { records, report } = await runMineeBenchmark(
      {
        tasks: [{ kind: 'mg', rho: 0.9, learningRate: 1e-3, referenceFactor: 2 }],
        sampleSize: 40,
        batchSize: 10,
        steps: 6,
        hiddenUnits: [8],
        methods: [mineeMethods.mine, mineeMethods['mine-shifted']],
      },
      { folder },
    );
    expect(records.map((r) => [r.params['method'], r.params['marginalPairs']])).toEqual([
      ['mine', 'resampled'],
      ['mine', undefined],
    ]);
    // The shifted runs' parameters are those of the runs made before resampling existed, so
    // their folders resume; the resampled run is another run.
    expect('marginalPairs' in (records[1]?.params ?? {})).toBe(false);
    expect(records[0]?.runId).not.toBe(records[1]?.runId);
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(report, 'utf8');
    expect(text).toMatch(/\| MG\(0\.9\) \| mine \| resampled \|/);
    expect(text).toMatch(/\| MG\(0\.9\) \| mine \| shifted \|/);
  });

  it('refuses resampled marginal pairs for a bound that reads the score matrix, before training', async () => {
    const folder = await ResultsFolder.open(join(root, 'minee-bad-marginals'));
    await expect(
      runMineeBenchmark(
        {
          sampleSize: 40,
          batchSize: 10,
          steps: 6,
          methods: [{ name: 'nwj', bound: 'nwj', critic: 'joint', marginalPairs: 'resampled' }],
        },
        { folder },
      ),
    ).rejects.toThrow(
      /invalid option 'methods'.*marginalPairs 'resampled' \(bound 'nwj' reads the score matrix\)/,
    );
    expect(folder.all()).toHaveLength(0);
  });

  it('compares any bound and critic as a method', async () => {
    const folder = await ResultsFolder.open(join(root, 'minee-methods'));
    const { records } = await runMineeBenchmark(
      {
        tasks: [{ kind: 'mg', rho: 0.9, learningRate: 1e-3, referenceFactor: 2 }],
        sampleSize: 40,
        batchSize: 10,
        steps: 6,
        hiddenUnits: [8],
        methods: [mineeMethods.mine, { bound: 'nwj', critic: 'separable:embeddingSize=4' }],
      },
      { folder },
    );
    expect(records.map((r) => r.params['method'])).toEqual([
      'mine',
      'nwj / separable:embeddingSize=4',
    ]);
    expect(records[1]?.params['critic']).toBe('separable:embeddingSize=4');
  });
});

describe('PyTorch reference rows', () => {
  it('prints a peer run of the same protocol beside ours, and rejects other files', async () => {
    const { writeFile } = await import('node:fs/promises');
    const peerFile = join(root, 'peer.json');
    const level = (mi: number, bias: number) => ({
      mi,
      mean: mi - bias,
      bias,
      var: 0.1,
      mse: bias * bias + 0.1,
      n: 6,
      n_nonfinite: 0,
    });
    await writeFile(
      peerFile,
      JSON.stringify({
        task: 'gaussian',
        critic: 'separable',
        iters_per_level: 12,
        runs: {
          nwj: {
            estimates: {
              nwj: { last_half: [level(0.5, 0.1), level(1, 0.2)] },
              unknown_estimate: { last_half: [] },
            },
          },
        },
      }),
    );
    const peers = await readPeerResults(peerFile);
    expect(peers.map((p) => p.bound)).toEqual(['nwj']);
    // Records of its own (one seed is enough for a table), not another test's folder.
    const folder = await ResultsFolder.open(join(root, 'peer-rows'));
    await runGaussianBenchmark({ ...tiny, seeds: [1] }, { folder });
    const table = staircaseTables(folder.all()).find((t) => t.critic === 'separable')!;
    const markdown = staircaseMarkdown(table, [], peers);
    expect(markdown).toContain('| _PyTorch reference: nwj_ | _bias_ | _0.10_ | _0.20_ |');
    expect(markdown).toContain('| _PyTorch reference: nwj_ | _mse_ | _0.11_ | _0.14_ |');
    await writeFile(join(root, 'other.json'), '{"hello": 1}');
    await expect(readPeerResults(join(root, 'other.json'))).rejects.toThrow(
      'not a results file of the PyTorch reference staircase',
    );
  });
});
