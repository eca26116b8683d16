import { createBound } from '@mi/bounds';
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
  });
  critic.dispose();
  return { result, seen };
}

describe('held-out estimate', () => {
  it('evaluates chunks of the batch size and drops a short last chunk (34 rows, n = 16: 16 + 16, not + 2)', async () => {
    // 100 rows, 34 held out, batches of 16: chunks of 16, 16 and a remainder of 2. Averaging the
    // 2-row chunk in would give (2 log 16 + log 2)/3 = 2.079 instead of log 16 = 2.773.
    const { result, seen } = await heldOut(100, 0.34, 16);
    expect(result.validationHistory.map((v) => v.step)).toEqual([2, 4]);
    for (const { estimate } of result.validationHistory) {
      expect(estimate).toBeCloseTo(Math.log(16), 6);
    }
    expect(result.estimateKind).toBe('validationFinal');
    expect(result.estimate).toBeCloseTo(Math.log(16), 6);
    // 4 training batches and 2 evaluations of 2 chunks, all of 16 rows.
    expect(seen).toEqual(new Array(4 + 2 * 2).fill(16));
  });

  it('evaluates a held-out split smaller than one batch whole (10 rows, n = 16)', async () => {
    const { result, seen } = await heldOut(50, 0.2, 16);
    expect(result.estimate).toBeCloseTo(Math.log(10), 6);
    expect(seen.filter((n) => n !== 16)).toEqual([10, 10]);
  });
});
