import { mineeCritic } from '@mi/critics';
import { expectAllClose, expectNoTensorLeakOf } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

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
});
