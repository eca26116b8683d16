import { createBound, infoNCE } from '@mi/bounds';
import { deriveRandom } from '@mi/core';
import { separableCritic } from '@mi/critics';
import { correlatedGaussian, sampleDataset } from '@mi/datasets';
import type { Bound } from '@mi/spec';
import { train } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

/**
 * A probe whose estimate on a batch of n pairs is log n (the InfoNCE ceiling) and which records
 * every n it sees: the held-out value then says which chunk sizes were averaged, exactly.
 */
function batchSizeProbe(seen: number[]): Bound {
  return createBound({
    id: 'batch-size-probe',
    config: {},
    compute: ({ scores }) => {
      const n = scores.shape[0] as number;
      seen.push(n);
      return {
        loss: tf.mul(tf.mean(scores), 0),
        estimate: tf.scalar(Math.log(n)),
        terms: {},
        state: {},
      };
    },
  });
}

async function heldOut(size: number, fraction: number, batchSize: number) {
  const seen: number[] = [];
  const critic = separableCritic({
    xFeatures: 2,
    yFeatures: 2,
    hiddenUnits: [4],
    embeddingSize: 2,
    seed: 31,
  });
  const result = await train({
    critic,
    bound: batchSizeProbe(seen),
    data: sampleDataset(correlatedGaussian({ dimension: 2, mi: 0.5 }), { size, seed: 31 }),
    steps: 4,
    batchSize,
    seed: 31,
    validation: { fraction, every: 2 },
    // The probe counts its calls in JavaScript, which a compiled step (tfjs-node) does not make.
    graph: false,
  });
  critic.dispose();
  return { result, seen };
}

describe('held-out estimate', () => {
  it('evaluates chunks of the batch size, the last one overlapping, never a short one (34 rows, n = 16)', async () => {
    // 100 rows, 34 held out, batches of 16: rows 0–15, 16–31 and, for the remainder of 2, rows
    // 18–33. A 2-row chunk averaged in would give (2 log 16 + log 2)/3 = 2.079, not log 16 = 2.773.
    const { result, seen } = await heldOut(100, 0.34, 16);
    expect(result.validationHistory.map((v) => v.step)).toEqual([2, 4]);
    for (const { estimate } of result.validationHistory) {
      expect(estimate).toBeCloseTo(Math.log(16), 6);
    }
    expect(result.estimateKind).toBe('validationFinal');
    expect(result.estimate).toBeCloseTo(Math.log(16), 6);
    // 4 training batches and 2 evaluations of 3 chunks, all of 16 rows.
    expect(seen).toEqual(new Array(4 + 2 * 3).fill(16));
  });

  it('evaluates a held-out split smaller than one batch whole (10 rows, n = 16)', async () => {
    const { result, seen } = await heldOut(50, 0.2, 16);
    expect(result.estimate).toBeCloseTo(Math.log(10), 6);
    expect(seen.filter((n) => n !== 16)).toEqual([10, 10]);
  });
});

describe('test split and the best weights', () => {
  it('scores the weights of the best validation value on the test split, and leaves them in the critic', async () => {
    const size = 240;
    const batchSize = 16;
    const seed = 41;
    const data = sampleDataset(correlatedGaussian({ dimension: 2, mi: 1 }), { size, seed });
    const critic = separableCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [8], seed });
    const bound = infoNCE();
    const snapshots = new Map<number, number[][]>();
    const result = await train({
      critic,
      bound,
      data,
      steps: 60,
      batchSize,
      seed,
      optimizer: { kind: 'adam', learningRate: 0.05 },
      validation: { fraction: 0.25, testFraction: 0.25, every: 10 },
      callbacks: {
        onValidation: ({ step }) => {
          snapshots.set(
            step,
            critic.trainableVariables.map((v) => Array.from(v.dataSync())),
          );
        },
      },
    });
    expect(result.estimateKind).toBe('test');
    expect(result.estimateReason).toMatch(/test split \(never used for selection\)/);
    // The best step is the argmax of the validation history.
    const best = result.validationHistory.reduce((a, b) => (b.estimate > a.estimate ? b : a));
    expect(result.estimates.bestStep).toBe(best.step);
    expect(result.estimates.validationBest).toBe(best.estimate);
    // The critic ends with the weights it had at that step.
    const weights = critic.trainableVariables.map((v) => Array.from(v.dataSync()));
    expect(snapshots.has(best.step)).toBe(true);
    expect(weights).toEqual(snapshots.get(best.step));
    // The test estimate, recomputed from the split's definition: validation rows first, then test
    // rows, of a permutation drawn from the 'split' stream; chunks of the batch size.
    const permutation = deriveRandom(seed, 'split').permutation(size);
    const testRows = permutation.slice(60, 120);
    const values: number[] = [];
    for (let start = 0; start < testRows.length; start += batchSize) {
      const from = Math.min(start, testRows.length - batchSize);
      const chunk = data.gather(testRows.subarray(from, from + batchSize));
      const value = tf.tidy(
        () => bound.compute({ scores: critic.scores(chunk.x, chunk.y) }, {}).estimate,
      );
      values.push(value.dataSync()[0] as number);
      tf.dispose([value, chunk.x, chunk.y]);
    }
    expect(values).toHaveLength(4);
    expect(result.estimate).toBeCloseTo(values.reduce((a, b) => a + b) / values.length, 5);
    critic.dispose();
  });

  it('rejects splits that leave no training rows', async () => {
    const critic = separableCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [4], seed: 1 });
    await expect(
      train({
        critic,
        bound: infoNCE(),
        data: sampleDataset(correlatedGaussian({ dimension: 2, mi: 1 }), { size: 40, seed: 1 }),
        steps: 2,
        batchSize: 4,
        validation: { fraction: 0.5, testFraction: 0.5 },
      }),
    ).rejects.toThrow(
      "train: invalid option 'validation.testFraction': expected a fraction that leaves training rows (validation + test = 1), received 0.5",
    );
    critic.dispose();
  });
});
