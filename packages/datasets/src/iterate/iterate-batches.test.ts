import { correlatedGaussian, iterateBatches, tabularDataset } from '@mi/datasets';
import { expectNoTensorLeak } from '@mi/test-utils';
import { describe, expect, it } from 'vitest';

const data = tabularDataset({
  x: Array.from({ length: 10 }, (_, k) => [k]),
  y: Array.from({ length: 10 }, (_, k) => [10 * k]),
});

describe('iterateBatches', () => {
  it('yields every row once per epoch in a new seeded order', async () => {
    const epochs: number[][] = [[], []];
    const sizes: number[] = [];
    await expectNoTensorLeak(() => {
      for (const batch of iterateBatches(data, { batchSize: 4, seed: 1, epochs: 2 })) {
        const xs = Array.from(batch.x.dataSync());
        const ys = Array.from(batch.y.dataSync());
        for (const [k, v] of ys.entries()) expect(v).toBe(10 * (xs[k] as number));
        expect(Array.from(batch.indices ?? [])).toEqual(xs);
        (epochs[batch.epoch] as number[]).push(...xs);
        sizes.push(xs.length);
        batch.x.dispose();
        batch.y.dispose();
      }
    });
    expect(sizes).toEqual([4, 4, 2, 4, 4, 2]);
    for (const epoch of epochs)
      expect([...epoch].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(epochs[0]).not.toEqual(epochs[1]);
    const again: number[] = [];
    for (const batch of iterateBatches(data, { batchSize: 4, seed: 1, epochs: 2 })) {
      again.push(...batch.x.dataSync());
      batch.x.dispose();
      batch.y.dispose();
    }
    expect(again).toEqual([...(epochs[0] as number[]), ...(epochs[1] as number[])]);
  });

  it('drops the remainder and caps the steps when asked', () => {
    const steps: number[] = [];
    for (const batch of iterateBatches(data, {
      batchSize: 4,
      seed: 2,
      epochs: 3,
      dropRemainder: true,
      steps: 5,
    })) {
      expect(batch.x.shape).toEqual([4, 1]);
      steps.push(batch.step);
      batch.x.dispose();
      batch.y.dispose();
    }
    expect(steps).toEqual([0, 1, 2, 3, 4]);
  });

  it('draws fresh samples from a sampler, reproducibly by seed', () => {
    const task = correlatedGaussian({ dimension: 2, rho: 0.5 });
    const draw = (seed: number) => {
      const values: number[][] = [];
      for (const batch of iterateBatches(task, { batchSize: 3, seed, steps: 3 })) {
        values.push(Array.from(batch.x.dataSync()));
        batch.x.dispose();
        batch.y.dispose();
      }
      return values;
    };
    const first = draw(7);
    expect(first).toHaveLength(3);
    expect(first[0]).not.toEqual(first[1]);
    expect(draw(7)).toEqual(first);
    expect(draw(8)).not.toEqual(first);
  });

  it('rejects a batch larger than the data and bad options', () => {
    expect(() => iterateBatches(data, { batchSize: 11, seed: 1 })).toThrow(
      "iterateBatches: invalid option 'batchSize': expected at most the 10 rows of arrays, received 11",
    );
    expect(() => iterateBatches(data, { batchSize: 0, seed: 1 })).toThrow(
      "iterateBatches: invalid option 'batchSize': expected an integer >= 1, received 0",
    );
    expect(() => iterateBatches({} as typeof data, { batchSize: 1, seed: 1 })).toThrow(
      "iterateBatches: invalid option 'source': expected a Dataset (kind 'dataset') or a Sampler (kind 'sampler'), received object Object",
    );
  });
});
