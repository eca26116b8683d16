import { createRandom } from '@mi/core';
import type { TabularData } from '@mi/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { estimateMutualInformation } from './estimate-mutual-information';

/** y = x₀ + N(0, 0.5²) with x ~ N(0, I₃): I = ½ log 5 = 0.805 nats. */
function x0PlusNoise(rows: number, seed: number): TabularData {
  const random = createRandom(seed);
  const x = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 3; k++) x[r * 3 + k] = random.normal();
    y[r] = (x[r * 3] as number) + 0.5 * random.normal();
  }
  return {
    source: 'x0-plus-noise',
    x: { rows, columns: 3, data: x },
    y: { rows, columns: 1, data: y },
    xColumns: [0, 1, 2],
    yColumns: [0],
    droppedRows: 0,
    droppedRowNumbers: [],
  };
}

describe('estimateMutualInformation', () => {
  it('reports the test estimate of the best-validation weights per seed, with a t interval', async () => {
    const progress: number[] = [];
    const result = await estimateMutualInformation(x0PlusNoise(600, 3), {
      hiddenUnits: [16, 16],
      batchSize: 32,
      steps: 150,
      learningRate: 5e-3,
      seeds: [1, 2],
      evaluateEvery: 25,
      onProgress: (p) => progress.push(p.step),
    });
    expect(result.perSeed).toHaveLength(2);
    // The defaults the estimate-defaults suite chose: the joint critic on rank-normalised columns.
    expect(result.critic).toBe('joint');
    expect(result.marginals).toBe('rank');
    expect(result.perSeed.map((s) => s.critic)).toEqual(['joint', 'joint']);
    for (const seed of result.perSeed) {
      // Compiled on tfjs-node once checked; eager elsewhere, with the reason.
      expect(seed.execution.mode).toBe(tf.getBackend() === 'tensorflow' ? 'graph' : 'eager');
      if (seed.execution.mode === 'eager') expect(seed.execution.reason).toMatch(/tfjs-node/);
      expect(seed.bestStep).not.toBeNull();
      expect(seed.validationBest).not.toBeNull();
      expect(seed.standardError).toBeGreaterThan(0);
    }
    // The answer is the mean of the seeds' test estimates; the interval is symmetric around it.
    const mean = (result.perSeed[0]!.estimate + result.perSeed[1]!.estimate) / 2;
    expect(result.estimate).toBeCloseTo(mean, 10);
    const [low, high] = result.interval as [number, number];
    expect((low + high) / 2).toBeCloseTo(mean, 10);
    expect(result.intervalMethod).toMatch(/95% t interval \(df 1\) over 2 seeds/);
    // A small critic for 150 steps learns part of the 0.805 nats.
    expect(result.estimate).toBeGreaterThan(0.3);
    expect(result.estimate).toBeLessThan(0.9);
    expect(progress.length).toBeGreaterThan(100);
  });

  it('trains each critic given and keeps, per seed, the one with the better validation value', async () => {
    const result = await estimateMutualInformation(x0PlusNoise(300, 4), {
      critic: ['separable', 'joint'],
      hiddenUnits: [8],
      steps: 40,
      seeds: [1],
      evaluateEvery: 20,
    });
    expect(result.critic).toBe('separable,joint');
    expect(['separable', 'joint']).toContain(result.perSeed[0]!.critic);
  });

  it('reports only the seeds that finished when the signal stops it, and nothing if none did', async () => {
    const controller = new AbortController();
    const tiny = {
      critic: 'separable',
      hiddenUnits: [8],
      steps: 30,
      seeds: [1, 2, 3],
      evaluateEvery: 10,
      signal: controller.signal,
    } as const;
    const result = await estimateMutualInformation(x0PlusNoise(200, 5), {
      ...tiny,
      onProgress: (p) => {
        if (p.seedIndex === 1 && p.step === 5) controller.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.perSeed.map((s) => s.seed)).toEqual([1]);
    expect(result.perSeed[0]!.stopReason).not.toBe('aborted');
    expect(result.estimate).toBe(result.perSeed[0]!.estimate);

    const none = await estimateMutualInformation(x0PlusNoise(200, 5), tiny);
    expect(none.interrupted).toBe(true);
    expect(none.perSeed).toEqual([]);
    expect(none.interval).toEqual([null, null]);

    const finished = await estimateMutualInformation(x0PlusNoise(200, 5), {
      ...tiny,
      signal: new AbortController().signal,
      seeds: [1],
    });
    expect(finished.interrupted).toBe(false);
  });

  it('rejects fractions that leave too few training rows and an empty critic list', async () => {
    await expect(
      estimateMutualInformation(x0PlusNoise(100, 1), { testFraction: 0.6 }),
    ).rejects.toThrow("estimate: invalid option 'testFraction'");
    await expect(estimateMutualInformation(x0PlusNoise(100, 1), { critic: [] })).rejects.toThrow(
      "estimate: invalid option 'critic': expected at least one critic",
    );
  });
});
