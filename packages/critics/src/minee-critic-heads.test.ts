import { mineeCritic } from '@mi/critics';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// Eq. 18 of Chan et al. needs f₁ to depend on x only and f₂ on y only: each head is its own
// branch, so changing the other variable must leave it bit-for-bit unchanged.
describe("MI-NEE critic's single-variable heads", () => {
  it('f₁(x) ignores y and f₂(y) ignores x, exactly; f₀(x, y) does not', () => {
    const before = tf.memory().numTensors;
    const critic = mineeCritic({ xFeatures: 2, yFeatures: 3, hiddenUnits: [8, 8], seed: 52 });
    const x = tf.randomNormal([5, 2], 0, 1, 'float32', 1);
    const y = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const otherY = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const otherX = tf.randomNormal([5, 2], 0, 1, 'float32', 4);
    const xRef = tf.randomUniform([7, 2], -1, 1, 'float32', 5);
    const yRef = tf.randomUniform([7, 3], -1, 1, 'float32', 6);
    const otherYRef = tf.randomUniform([7, 3], -1, 1, 'float32', 7);
    const base = critic.entropicScores({ x, y }, { x: xRef, y: yRef });
    const newY = critic.entropicScores({ x, y: otherY }, { x: xRef, y: otherYRef });
    const newX = critic.entropicScores({ x: otherX, y }, { x: xRef, y: yRef });
    const read = (t: tf.Tensor) => Array.from(t.dataSync());
    expect(read(newY.xData)).toEqual(read(base.xData));
    expect(read(newY.xReference)).toEqual(read(base.xReference));
    expect(read(newX.yData)).toEqual(read(base.yData));
    expect(read(newX.yReference)).toEqual(read(base.yReference));
    expect(read(newY.jointData)).not.toEqual(read(base.jointData));
    expect(read(newY.yData)).not.toEqual(read(base.yData));
    tf.dispose([
      ...Object.values(base),
      ...Object.values(newY),
      ...Object.values(newX),
      x,
      y,
      otherY,
      otherX,
      xRef,
      yRef,
      otherYRef,
    ]);
    critic.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
