import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { infoNCE, mine, minee } from '@mi/bounds';
import { deriveRandom } from '@mi/core';
import { jointCritic, mineeCritic } from '@mi/critics';
import { correlatedGaussian } from '@mi/datasets';
import type { Critic, Dataset, Sampler } from '@mi/spec';
import { train } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sampleWithoutReplacement } from './data-stream';

/** Row r of this dataset is the pair (r, 1000 + r): every value names its row and its side. */
function labelledRows(size: number): Dataset {
  return {
    kind: 'dataset',
    name: 'labelled rows',
    shape: { x: [1], y: [1] },
    size,
    trueMI: undefined,
    gather: (indices) => ({
      x: tf.tensor2d(Float32Array.from(indices), [indices.length, 1]),
      y: tf.tensor2d(
        Float32Array.from(indices, (r) => 1000 + r),
        [indices.length, 1],
      ),
    }),
  };
}

interface Rows {
  readonly x: number[];
  readonly y: number[];
}

/** The rows each call of `critic.pairs` saw, and the x rows of each `shiftedPairs` call. */
function recordCalls(critic: Critic): { pairs: Rows[]; shiftedX: number[] } {
  const seen = { pairs: [] as Rows[], shiftedX: [] as number[] };
  const pairs = critic.pairs.bind(critic);
  critic.pairs = (x, y) => {
    seen.pairs.push({ x: Array.from(x.dataSync()), y: Array.from(y.dataSync()) });
    return pairs(x, y);
  };
  const shiftedPairs = critic.shiftedPairs?.bind(critic);
  if (shiftedPairs !== undefined) {
    critic.shiftedPairs = (x, y) => {
      seen.shiftedX.push(...x.dataSync());
      return shiftedPairs(x, y);
    };
  }
  return seen;
}

const smallCritic = (seed: number) =>
  jointCritic({ xFeatures: 1, yFeatures: 1, hiddenUnits: [4], seed });

describe("train's marginalPairs: 'resampled'", () => {
  it('scores the batch and n pairs drawn apart from it: training rows only, no repeats within a side, x′ and y′ independent', async () => {
    const critic = smallCritic(1);
    const seen = recordCalls(critic);
    const before = tf.memory().numTensors;
    const steps = 200;
    await train({
      critic,
      bound: mine({ marginals: 'shifted' }),
      data: labelledRows(40),
      steps,
      batchSize: 8,
      seed: 3,
      marginalPairs: 'resampled',
      validation: { fraction: 0.25, every: 1000 },
      graph: false,
    });
    expect(tf.memory().numTensors).toBe(before);
    critic.dispose();
    // Per training step: the joint batch, then the marginal sample. The held-out passes read
    // the validation batches' own shifted pairs.
    const training = seen.pairs;
    expect(training).toHaveLength(2 * steps);
    const heldOutRows = new Set(seen.shiftedX);
    expect(heldOutRows.size).toBe(10);
    let matched = 0;
    for (let k = 0; k < steps; k++) {
      const joint = training[2 * k] as Rows;
      const marginal = training[2 * k + 1] as Rows;
      // The joint pairs are rows: y = 1000 + x.
      expect(joint.y).toEqual(joint.x.map((r) => 1000 + r));
      const xRows = marginal.x;
      const yRows = marginal.y.map((v) => v - 1000);
      for (const rows of [xRows, yRows]) {
        expect(new Set(rows).size).toBe(8);
        for (const r of rows) expect(heldOutRows.has(r)).toBe(false);
      }
      matched += xRows.filter((r, i) => yRows[i] === r).length;
    }
    // Independent sides pair a row with itself with probability 1/30 (30 training rows):
    // 1600 pairs give 53 ± 7; the batch's shifted pairs would give 0, the joint pairs 1600.
    expect(matched).toBeGreaterThan(25);
    expect(matched).toBeLessThan(85);
  });

  it('pairs x of one fresh sampler batch with y of another', async () => {
    const draws: number[] = [];
    const sampler: Sampler = {
      kind: 'sampler',
      name: 'numbered batches',
      shape: { x: [1], y: [1] },
      trueMI: undefined,
      sample: (n) => {
        const k = draws.length;
        draws.push(n);
        return { x: tf.fill([n, 1], k), y: tf.fill([n, 1], 100 + k) };
      },
    };
    const critic = smallCritic(2);
    const seen = recordCalls(critic);
    const before = tf.memory().numTensors;
    await train({
      critic,
      bound: mine({ marginals: 'shifted' }),
      data: sampler,
      steps: 2,
      batchSize: 4,
      marginalPairs: 'resampled',
      graph: false,
    });
    expect(tf.memory().numTensors).toBe(before);
    critic.dispose();
    expect(draws).toEqual([4, 4, 4, 4, 4, 4]);
    // Step 1: batch 0 is the joint sample, x from batch 1 and y from batch 2 the marginal one.
    expect(seen.pairs.map((call) => [call.x[0], call.y[0]])).toEqual([
      [0, 100],
      [1, 102],
      [3, 103],
      [4, 105],
    ]);
  });

  it("gives the bound T on the resampled pairs: one step's DV estimate from the recorded rows", async () => {
    const critic = smallCritic(4);
    const seen = recordCalls(critic);
    const result = await train({
      critic,
      bound: mine({ marginals: 'shifted', decay: 0.01 }),
      data: labelledRows(30),
      steps: 1,
      batchSize: 6,
      seed: 5,
      marginalPairs: 'resampled',
      // A step too small to move a float32 weight: the critic after the run is the one it scored with.
      optimizer: { kind: 'sgd', learningRate: 1e-30 },
      graph: false,
    });
    const [joint, marginal] = seen.pairs as [Rows, Rows];
    const score = (x: number[], y: number[]) =>
      Array.from(
        critic.pairs(tf.tensor2d(x, [x.length, 1]), tf.tensor2d(y, [y.length, 1])).dataSync(),
      );
    const t = score(joint.x, joint.y);
    const tMarginal = score(marginal.x, marginal.y);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    // DV: E_P[T] − log E_Q[e^T], here in float64 from the critic's own outputs.
    const expected = mean(t) - Math.log(mean(tMarginal.map(Math.exp)));
    expect(result.traces.estimate[0]).toBeCloseTo(expected, 5);
    critic.dispose();
  });

  it('draws the same pairs from the same seed, and other pairs than the shifted ones', async () => {
    const estimates = async (marginalPairs: 'shifted' | 'resampled') => {
      const critic = smallCritic(6);
      const result = await train({
        critic,
        bound: mine({ marginals: 'shifted' }),
        data: labelledRows(50),
        steps: 5,
        batchSize: 5,
        seed: 7,
        marginalPairs,
        graph: false,
      });
      critic.dispose();
      return Array.from(result.traces.estimate);
    };
    const first = await estimates('resampled');
    expect(await estimates('resampled')).toEqual(first);
    expect(await estimates('shifted')).not.toEqual(first);
  });

  it('resumes from a checkpoint bit for bit: the marginal draws come from the saved data stream', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'mi-resampled-'));
    const common = {
      bound: mine({ marginals: 'shifted', decay: 0.1 }),
      data: labelledRows(60),
      batchSize: 6,
      seed: 10,
      marginalPairs: 'resampled',
    } as const;
    const straight = smallCritic(10);
    const full = await train({ ...common, critic: straight, steps: 16 });
    const first = smallCritic(10);
    await train({ ...common, critic: first, steps: 8, checkpoint: { directory, every: 8 } });
    first.dispose();
    const resumed = smallCritic(10);
    const rest = await train({ ...common, critic: resumed, steps: 16, resumeFrom: directory });
    expect(Array.from(rest.estimates.perBatch)).toEqual(Array.from(full.estimates.perBatch));
    straight.dispose();
    resumed.dispose();
    await rm(directory, { recursive: true, force: true });
  });

  it('refuses what it cannot serve, naming the option', async () => {
    const data = correlatedGaussian({ dimension: 1, mi: 0.5 });
    const critic = smallCritic(8);
    const base = { critic, data, steps: 2, batchSize: 4, marginalPairs: 'resampled' as const };
    await expect(train({ ...base, bound: infoNCE() })).rejects.toThrow(
      /train: invalid option 'marginalPairs'.*'shifted' \(the default\) for bound 'infonce'/,
    );
    await expect(train({ ...base, bound: mine() })).rejects.toThrow(
      /invalid option 'marginalPairs'.*bound 'mine', which reads the score matrix/,
    );
    await expect(
      train({ ...base, bound: mine({ marginals: 'shifted' }), histogramSteps: [0] }),
    ).rejects.toThrow(/invalid option 'histogramSteps'.*no histograms with marginalPairs/);
    await expect(
      train({
        ...base,
        bound: mine({ marginals: 'shifted' }),
        observe: { every: 1, callback: () => undefined },
      }),
    ).rejects.toThrow(/invalid option 'observe'.*no observer with marginalPairs/);
    await expect(
      train({
        ...base,
        bound: mine({ marginals: 'shifted' }),
        marginalPairs: 'independent' as 'resampled',
      }),
    ).rejects.toThrow(/invalid option 'marginalPairs'.*"independent"/);
    critic.dispose();
    const entropic = mineeCritic({ xFeatures: 1, yFeatures: 1, hiddenUnits: [4], seed: 9 });
    await expect(train({ ...base, critic: entropic, bound: minee() })).rejects.toThrow(
      /invalid option 'marginalPairs'/,
    );
    entropic.dispose();
  });
});

describe('sampleWithoutReplacement', () => {
  it('draws distinct entries of the pool; all of them, in some order, when n is its size', () => {
    const random = deriveRandom(1, 'test');
    const pool = Int32Array.from({ length: 12 }, (_, k) => 100 + 3 * k);
    for (let trial = 0; trial < 50; trial++) {
      const drawn = Array.from(sampleWithoutReplacement(random, pool, 5));
      expect(new Set(drawn).size).toBe(5);
      for (const value of drawn) expect(pool).toContain(value);
    }
    const all = Array.from(sampleWithoutReplacement(random, pool, 12)).sort((a, b) => a - b);
    expect(all).toEqual(Array.from(pool));
  });

  it('gives every entry every position with the same frequency (chi-square over 24 000 draws)', () => {
    const random = deriveRandom(2, 'test');
    const pool = Int32Array.from({ length: 6 }, (_, k) => k);
    const counts = Array.from({ length: 3 }, () => new Array<number>(6).fill(0));
    const draws = 24_000;
    for (let trial = 0; trial < draws; trial++) {
      const drawn = sampleWithoutReplacement(random, pool, 3);
      for (const [position, value] of drawn.entries()) {
        const row = counts[position] as number[];
        row[value] = (row[value] as number) + 1;
      }
    }
    const expected = draws / 6;
    for (const row of counts) {
      const chiSquare = row.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
      // 5 degrees of freedom: P(χ² > 20.5) = 0.001.
      expect(chiSquare).toBeLessThan(20.5);
    }
  });
});
