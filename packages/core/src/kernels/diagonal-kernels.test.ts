import {
  diagonal,
  logMeanExpOffDiagonal,
  maskDiagonal,
  meanOffDiagonal,
  setBoundKernels,
  valueWithGradientOf,
} from '@mi/core';
import { expectAllClose, expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';

// The score-matrix helpers as one kernel each ('fused', the default on cpu, wasm and tensorflow)
// against their compositions of TF.js ops ('stock'): values and gradients, on whichever backend
// this project runs, at moderate and ±30 scores and with non-finite entries.
afterEach(() => {
  setBoundKernels('fused');
});

const helpers: Record<string, (s: tf.Tensor2D) => tf.Tensor> = {
  diagonal: (s) => diagonal(s),
  'maskDiagonal(−∞) → softplus': (s) => tf.softplus(maskDiagonal(s)),
  'maskDiagonal(0)': (s) => maskDiagonal(s, 0),
  logMeanExpOffDiagonal: (s) => logMeanExpOffDiagonal(s),
  meanOffDiagonal: (s) => meanOffDiagonal(s),
};

/** The helper's value and the gradient of a weighted sum of its entries (distinct upstreams). */
function valueAndGradient(f: (s: tf.Tensor2D) => tf.Tensor, scores: tf.Tensor2D): number[][] {
  return tf.tidy(() => {
    const weighted = (s: tf.Tensor) => {
      const out = f(s as tf.Tensor2D);
      return tf.sum(tf.mul(out, tf.reshape(tf.range(1, out.size + 1), out.shape))) as tf.Scalar;
    };
    return [f(scores), tf.grad(weighted)(scores)].map((t) => Array.from(t.dataSync()));
  });
}

describe('score-matrix helpers: fused kernels against their compositions', () => {
  it.each(Object.keys(helpers))('%s: values and gradients, twice in a row', async (name) => {
    const f = helpers[name] as (s: tf.Tensor2D) => tf.Tensor;
    for (const scale of [1, 30]) {
      const scores = tf.mul(tf.randomNormal([7, 7], 0, 1, 'float32', 41), scale) as tf.Tensor2D;
      setBoundKernels('stock');
      const stock = valueAndGradient(f, scores);
      setBoundKernels('fused');
      // Twice: outputs that a kernel forgets to write would show the previous step's values.
      for (let k = 0; k < 2; k++) {
        const fused = await expectNoTensorLeak(() => valueAndGradient(f, scores));
        stock.forEach((values, i) => {
          const largest = Math.max(1, ...values.map(Math.abs));
          expectAllClose(fused[i]!, values, { atol: 2e-6 * largest, rtol: 0 });
        });
      }
      scores.dispose();
    }
  });

  it('gives what the compositions give for NaN and infinite entries', () => {
    const rows = [
      [Number.POSITIVE_INFINITY, 1, 0],
      [Number.NaN, 2, 0.5],
      [0, Number.NEGATIVE_INFINITY, 1],
    ];
    const scores = tf.tensor2d(rows);
    for (const f of Object.values(helpers)) {
      const values = (mode: 'fused' | 'stock') => {
        setBoundKernels(mode);
        return tf.tidy(() => Array.from(f(scores).dataSync()));
      };
      const stock = values('stock');
      const fused = values('fused');
      stock.forEach((v, i) => {
        if (Number.isNaN(v)) expect(fused[i]).toBeNaN();
        else expect(fused[i]).toBeCloseTo(v, 5);
      });
    }
    scores.dispose();
  });

  it('dispatches one kernel each (two for logMeanExpOffDiagonal with its saved weights)', async () => {
    const scores = tf.randomNormal([5, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    const names = async (f: () => tf.Tensor) =>
      (await tf.profile(() => f().dispose())).kernels.map((k) => k.name);
    if (['cpu', 'wasm', 'tensorflow'].includes(tf.getBackend())) {
      expect(await names(() => diagonal(scores))).toEqual(['MiDiagonalPart']);
      expect(await names(() => maskDiagonal(scores))).toEqual(['MiMaskDiagonal']);
      expect(await names(() => logMeanExpOffDiagonal(scores))).toEqual(['MiLogMeanExpOffDiagonal']);
      const backward = await names(() =>
        tf.grad((s) => logMeanExpOffDiagonal(s as tf.Tensor2D))(scores),
      );
      expect([...backward].sort()).toEqual(['Identity', 'MiLogMeanExpOffDiagonal', 'Multiply']);
    }
    scores.dispose();
  });
});

describe('valueWithGradientOf', () => {
  it('reports the first value exactly and never differentiates it', async () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    await expectNoTensorLeak(async () => {
      const f = (v: tf.Tensor) => {
        // The reported value's own kernels would run backwards if the tape reached them.
        const reported = tf.sum(tf.exp(v)) as tf.Scalar;
        return valueWithGradientOf(reported, tf.sum(tf.square(v)) as tf.Scalar);
      };
      const value = tf.tidy(() => f(x).dataSync()[0] as number);
      expect(value).toBe(tf.tidy(() => tf.sum(tf.exp(x)).dataSync()[0] as number));
      const profile = await tf.profile(() => {
        const g = tf.grad(f)(x);
        expectAllClose(g, [1, -2, 4]);
        g.dispose();
      });
      // Exp once, forward: its gradient (another Multiply by exp) never runs.
      expect(profile.kernels.filter((k) => k.name === 'Exp')).toHaveLength(1);
    });
    x.dispose();
  });
});
