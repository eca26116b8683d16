import { expectAllClose, expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { imageClassifierCritic } from './image-classifier-critic';

// A small trunk (8 × 8 images, 2 and 3 filters, dense 5) with the same code path as the MNIST one.
const layout = { height: 8, width: 8, filters: [2, 3], denseUnits: [5] };

describe('imageClassifierCritic', () => {
  it('slb: S[i][j] = f(x_i)[label_j], pairs on the diagonal, gradients for every weight', async () => {
    const critic = imageClassifierCritic({ head: 'slb', seed: 1, classes: 4, layout });
    // k5 s2 p2: 8 × 8 → 4 × 4 → 2 × 2, so the dense layer sees 2·2·3 = 12 features.
    expect(critic.trainableVariables.map((v) => v.shape)).toEqual([
      [5, 5, 1, 2],
      [2],
      [5, 5, 2, 3],
      [3],
      [12, 5],
      [5],
      [5, 4],
      [4],
    ]);
    const x = tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 2);
    const labels = [0, 3, 1, 1, 2, 0];
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 4);
    const yf = tf.cast(y, 'float32');
    await expectNoTensorLeak(() => {
      const scores = tf.tidy(() => critic.scores(x, yf).arraySync() as number[][]);
      const pairs = tf.tidy(() => Array.from(critic.pairs(x, yf).dataSync()));
      expect(scores).toHaveLength(6);
      // Columns of equal labels are equal; the diagonal is the pairs.
      expectAllClose(
        scores.map((row) => row[2]!),
        scores.map((row) => row[3]!),
      );
      expectAllClose(
        pairs,
        scores.map((row, i) => row[i]!),
      );
      const { value, grads } = tf.variableGrads(
        () => tf.sum(critic.scores(x, yf)) as tf.Scalar,
        critic.trainableVariables as tf.Variable[],
      );
      expect(Object.keys(grads)).toHaveLength(8);
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(critic.getConfig()).toEqual({
      id: 'cnn-slb',
      config: { head: 'slb', outputs: 4, seed: 1 },
    });
    tf.dispose([x, y, yf]);
    critic.dispose();
  });

  it('clb: one network on both batches, S = F₁·F₂ᵀ, the same weights from the same seed', () => {
    const a = imageClassifierCritic({ head: 'clb', seed: 3, embeddingSize: 6, layout });
    const b = imageClassifierCritic({ head: 'clb', seed: 3, embeddingSize: 6, layout });
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 4);
    const s = tf.tidy(() => Array.from(a.scores(x, x).dataSync()));
    // f(x)·f(x)ᵀ is symmetric, and a second critic from the same seed gives the same scores.
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) expect(s[i * 4 + j]).toBeCloseTo(s[j * 4 + i]!, 5);
    expectAllClose(
      tf.tidy(() => Array.from(b.scores(x, x).dataSync())),
      s,
    );
    tf.dispose(x);
    a.dispose();
    b.dispose();
  });
});
