import { mineeCritic } from '@mi/critics';
import { expectAllClose, expectNoTensorLeakOf } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNormalInit } from '../test/expect-normal-init';

describe('mineeCritic', () => {
  it('gives f₀ on data and reference pairs and f₁(x), f₂(y) from their own heads', () => {
    const critic = mineeCritic({ xFeatures: 2, yFeatures: 1, hiddenUnits: [8], seed: 4 });
    const x = tf.randomNormal([3, 2], 0, 1, 'float32', 1);
    const y = tf.randomNormal([3, 1], 0, 1, 'float32', 2);
    const xRef = tf.randomUniform([6, 2], -2, 2, 'float32', 3);
    const yRef = tf.randomUniform([6, 1], -2, 2, 'float32', 4);
    const heads = critic.entropicScores({ x, y }, { x: xRef, y: yRef });
    expect(Object.keys(heads).sort()).toEqual(
      ['jointData', 'jointReference', 'xData', 'xReference', 'yData', 'yReference'].sort(),
    );
    const expected = [
      [heads.jointData, critic.pairs(x, y)],
      [heads.jointReference, critic.pairs(xRef, yRef)],
      [heads.xData, critic.xScores(x)],
      [heads.xReference, critic.xScores(xRef)],
      [heads.yData, critic.yScores(y)],
      [heads.yReference, critic.yScores(yRef)],
    ] as const;
    for (const [actual, wanted] of expected) expectAllClose(actual, wanted.dataSync());
    expect(heads.jointReference.shape).toEqual([6]);
    tf.dispose([...Object.values(heads), ...expected.map(([, w]) => w), x, y, xRef, yRef]);
    critic.dispose();
  });

  it('returns exactly the six tensors it makes (no leaks)', () => {
    const critic = mineeCritic({ xFeatures: 1, yFeatures: 1, hiddenUnits: [4], seed: 1 });
    const x = tf.ones([2, 1]);
    const heads = expectNoTensorLeakOf(() =>
      Object.values(critic.entropicScores({ x, y: x }, { x, y: x })),
    );
    expect(heads).toHaveLength(6);
    tf.dispose([...heads, x]);
    critic.dispose();
  });

  it('starts all three heads from N(0, initStd²) kernels and zero biases with initStd', () => {
    const critic = mineeCritic({
      xFeatures: 6,
      yFeatures: 6,
      hiddenUnits: [100, 100],
      initStd: 0.02,
      seed: 2,
    });
    const names = [...critic.weights.keys()];
    // The joint head's split first layer and both single heads, every layer.
    for (const prefix of ['joint/', 'x/', 'y/']) {
      expect(names.some((name) => name.startsWith(prefix))).toBe(true);
    }
    // 100 to 10 000 draws: the sample std is within 0.006 of 0.02 (4σ for 100 draws).
    expectNormalInit(critic.weights, 0.02, 0.006);
    expect(critic.getConfig().config['initStd']).toBe(0.02);
    critic.dispose();
    expect(() => mineeCritic({ xFeatures: 1, yFeatures: 1, initStd: -0.1 })).toThrow(
      "mineeCritic: invalid option 'initStd': expected a number > 0, received -0.1",
    );
  });
});
