import { softplusInverse, stopGradient, valueWithGradientOf } from '@mi/core';
import {
  expectAllClose,
  expectGradientMatchesFiniteDifferences,
  expectNoTensorLeakSync,
  scalarValue,
} from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

describe('stopGradient', () => {
  it('passes the value and blocks the gradient', () => {
    expectNoTensorLeakSync(() => {
      tf.tidy(() => {
        const x = tf.tensor1d([1, -2, 3]);
        expectAllClose(stopGradient(x), [1, -2, 3]);
        // d/dx [x² + stop(x)³] = 2x
        const g = tf.grad((v) => tf.sum(tf.add(tf.square(v), tf.pow(stopGradient(v), 3))))(x);
        expectAllClose(g, [2, -4, 6]);
      });
    });
  });

  it('reports one quantity and differentiates another', () => {
    tf.tidy(() => {
      const x = tf.scalar(2);
      const f = (v: tf.Tensor) => valueWithGradientOf(tf.mul(v, 10), tf.square(v)) as tf.Scalar;
      expect(scalarValue(f(x))).toBeCloseTo(20, 5);
      expect(scalarValue(tf.grad(f)(x))).toBeCloseTo(4, 5);
    });
  });
});

describe('softplusInverse', () => {
  it('inverts softplus, including large and small arguments', () => {
    expectNoTensorLeakSync(() => {
      tf.tidy(() => {
        const y = tf.tensor1d([1e-4, 0.5, 1, 5, 50, 200]);
        // Hand values: log(e^y − 1).
        const expected = [1e-4, 0.5, 1, 5].map((v) => Math.log(Math.expm1(v)));
        expected.push(50 + Math.log1p(-Math.exp(-50)), 200);
        expectAllClose(softplusInverse(y), expected, { atol: 1e-4, rtol: 1e-4 });
        expectAllClose(tf.softplus(softplusInverse(y)), [1e-4, 0.5, 1, 5, 50, 200], {
          atol: 1e-4,
          rtol: 1e-4,
        });
      });
    });
  });

  it('has the gradient 1 / (1 − e^{−y})', () => {
    tf.tidy(() => {
      const y = tf.tensor1d([0.5, 1, 3]);
      expectGradientMatchesFiniteDifferences((v) => tf.sum(softplusInverse(v)), y, {
        epsilon: 1e-3,
      });
      const g = tf.grad((v) => tf.sum(softplusInverse(v)))(y);
      expectAllClose(
        g,
        [0.5, 1, 3].map((v) => 1 / (1 - Math.exp(-v))),
        { atol: 1e-4, rtol: 1e-4 },
      );
    });
  });
});
