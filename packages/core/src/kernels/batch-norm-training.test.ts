import { batchNormTraining } from '@mi/core';
import { expectAllClose, expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// TensorFlow's fused batch norm (tfjs-node) against the composition TF.js differentiates:
// values, batch statistics and the gradients of x, γ and β to 1e-4.
const onTensorflow = (process.env['MI_BACKEND'] || 'cpu') === 'tensorflow';

describe('batchNormTraining', () => {
  it.runIf(!onTensorflow)('is undefined off tfjs-node (the caller composes batch norm)', () => {
    const x = tf.zeros([2, 2, 2, 3]) as tf.Tensor4D;
    const ones = tf.ones([3]) as tf.Tensor1D;
    expect(batchNormTraining(x, ones, ones, 1e-5)).toBeUndefined();
    tf.dispose([x, ones]);
  });

  it.runIf(onTensorflow)('equals moments + batchNorm4d, gradients included', async () => {
    const x = tf.randomNormal([3, 4, 5, 6], 1, 2, 'float32', 1) as tf.Tensor4D;
    const scale = tf.randomUniform([6], 0.5, 1.5, 'float32', 2) as tf.Tensor1D;
    const offset = tf.randomNormal([6], 0, 1, 'float32', 3) as tf.Tensor1D;
    const weights = tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 4);
    const composed = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.batchNorm4d(
        a as tf.Tensor4D,
        mean as tf.Tensor1D,
        variance as tf.Tensor1D,
        b as tf.Tensor1D,
        g as tf.Tensor1D,
        1e-5,
      );
    };
    const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5)!.y;
    const run = (f: (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(f(a, g, b), weights)),
        )([x, scale, offset]);
        return [value, f(x, scale, offset), ...grads].map((t) => Array.from(t.dataSync()));
      });
    const expected = run(composed);
    const actual = await expectNoTensorLeak(() => run(fused));
    actual.forEach((values, i) => {
      expectAllClose(values, expected[i]!, { atol: 1e-4, rtol: 1e-4 });
    });
    // The batch statistics: the mean and the Bessel-corrected variance over 3·4·5 = 60 values.
    const stats = tf.tidy(() => {
      const out = batchNormTraining(x, scale, offset, 1e-5)!;
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return [out.mean, mean, out.unbiasedVariance, tf.mul(variance, 60 / 59)].map((t) =>
        Array.from(t.dataSync()),
      );
    });
    expectAllClose(stats[0]!, stats[1]!, { atol: 1e-5, rtol: 1e-5 });
    expectAllClose(stats[2]!, stats[3]!, { atol: 1e-5, rtol: 1e-4 });
    tf.dispose([x, scale, offset, weights]);
  });
});
