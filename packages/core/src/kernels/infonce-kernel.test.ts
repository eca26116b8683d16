import { type InfoNCEDirection, infoNCEParts, setBoundKernels } from '@mi/core';
import { ShapeMismatchError } from '@mi/spec';
import {
  expectAllClose,
  expectGradientMatchesFiniteDifferences,
  expectNoTensorLeak,
} from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';

// infoNCEParts as one kernel with a written gradient ('fused', the default on cpu, wasm and
// tensorflow) against its composition of TF.js ops ('stock'), on whichever backend this project
// runs. The float64 references of the bound are checked in @mi/bounds (infonce-kernel.test.ts).
afterEach(() => {
  setBoundKernels('fused');
});

const directions: readonly InfoNCEDirection[] = ['rows', 'columns', 'symmetric'];

/** Every output, and the gradient of a weighted sum of all four (each output's own upstream). */
function partsAndGradient(scores: tf.Tensor2D, direction: InfoNCEDirection): number[][] {
  return tf.tidy(() => {
    const weighted = (s: tf.Tensor) => {
      const p = infoNCEParts(s as tf.Tensor2D, direction);
      return tf.addN([
        p.loss,
        tf.mul(p.estimate, 0.3),
        tf.mul(p.joint, 0.7),
        tf.mul(p.logPartition, -1.1),
      ]) as tf.Scalar;
    };
    const p = infoNCEParts(scores, direction);
    return [p.loss, p.estimate, p.joint, p.logPartition, tf.grad(weighted)(scores)].map((t) =>
      Array.from(t.dataSync()),
    );
  });
}

function fusedAgainstStock(scores: tf.Tensor2D, direction: InfoNCEDirection) {
  setBoundKernels('stock');
  const stock = partsAndGradient(scores, direction);
  setBoundKernels('fused');
  const fused = partsAndGradient(scores, direction);
  return { fused, stock };
}

describe('infoNCEParts: the fused kernel against the composition', () => {
  it.each(
    directions,
  )('%s: values and the gradient of every output, moderate and ±30 scores', async (direction) => {
    for (const scale of [2, 30]) {
      const scores = tf.mul(tf.randomNormal([9, 9], 0, 1, 'float32', 17), scale) as tf.Tensor2D;
      const { fused, stock } = await expectNoTensorLeak(() => fusedAgainstStock(scores, direction));
      stock.forEach((values, k) => {
        const largest = Math.max(1, ...values.map(Math.abs));
        expectAllClose(fused[k]!, values, { atol: 2e-6 * largest, rtol: 0 });
      });
      scores.dispose();
    }
  });

  it.each(
    directions,
  )('%s: ∂loss/∂S and ∂logPartition/∂S against finite differences', (direction) => {
    const scores = tf.randomNormal([5, 5], 0, 1.5, 'float32', 23);
    for (const part of ['loss', 'logPartition'] as const) {
      expectGradientMatchesFiniteDifferences(
        (s) => tf.tidy(() => infoNCEParts(s as tf.Tensor2D, direction)[part]),
        scores,
      );
    }
    scores.dispose();
  });

  it('keeps estimate = −loss exactly, and the loss = (softmax − I)/n gradient in rows', () => {
    const scores = tf.tensor2d([
      [2, 0, -1],
      [0.5, 1, 0],
      [-3, 0, 4],
    ]);
    tf.tidy(() => {
      const { loss, estimate } = infoNCEParts(scores);
      expect(estimate.dataSync()[0]).toBe(-(loss.dataSync()[0] as number));
      const gradient = tf.grad((s) => infoNCEParts(s as tf.Tensor2D).loss)(scores);
      const expected = tf.div(tf.sub(tf.softmax(scores), tf.eye(3)), 3);
      expectAllClose(gradient, expected.dataSync(), { atol: 1e-7 });
    });
    scores.dispose();
  });

  it('gives what the composition gives for NaN and infinite scores', () => {
    // A NaN in a row; +∞ off the diagonal (∞ − ∞ in logsumexp); −∞ off the diagonal (weight 0).
    const cases = [
      [
        [1, Number.NaN, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      [
        [1, Number.POSITIVE_INFINITY, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      [
        [1, Number.NEGATIVE_INFINITY, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    ];
    for (const rows of cases) {
      const scores = tf.tensor2d(rows);
      for (const direction of directions) {
        const { fused, stock } = fusedAgainstStock(scores, direction);
        // NaN where the composition gives NaN, the same numbers elsewhere.
        stock.forEach((values, k) => {
          values.forEach((v, i) => {
            const f = fused[k]![i]!;
            if (Number.isNaN(v)) expect(f, `output ${k}, entry ${i}`).toBeNaN();
            else expect(Math.abs(f - v), `output ${k}, entry ${i}`).toBeLessThanOrEqual(1e-6);
          });
        });
      }
      scores.dispose();
    }
  });

  it('runs one kernel forward and one backward on cpu, wasm and tensorflow', async () => {
    const scores = tf.randomNormal([6, 6], 0, 1, 'float32', 5) as tf.Tensor2D;
    const profile = await tf.profile(() => {
      tf.grad((s) => infoNCEParts(s as tf.Tensor2D, 'symmetric').loss)(scores).dispose();
    });
    const names = profile.kernels.map((k) => k.name).sort();
    if (['cpu', 'wasm', 'tensorflow'].includes(tf.getBackend())) {
      expect(names).toEqual(['Identity', 'MiInfoNCE', 'MiInfoNCEGrad']);
    }
    scores.dispose();
  });

  it('checks the score matrix and the mode', () => {
    const rectangular = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => infoNCEParts(rectangular)).toThrow(ShapeMismatchError);
    rectangular.dispose();
    expect(() => setBoundKernels('other' as never)).toThrow(/expected 'fused' or 'stock'/);
    expect(setBoundKernels('stock')).toBe('fused');
    expect(setBoundKernels('fused')).toBe('stock');
  });
});
