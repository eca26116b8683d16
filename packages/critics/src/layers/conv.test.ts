import { expectAllClose } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { applyConv } from './conv';

// A stride-1 convolution padded by (k − 1)/2 runs as one 'same' convolution: the same values and
// gradients as padding first and convolving 'valid', with one kernel fewer each way.
describe('applyConv', () => {
  it.each([
    [3, 1],
    [5, 2],
  ])('k%i stride 1 pad %i as "same" equals pad + "valid", gradients included', async (k, p) => {
    const x = tf.randomNormal([2, 6, 7, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const bias = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
    const weights = tf.randomNormal([2, 6, 7, 4], 0, 1, 'float32', 4);
    const reference = (a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
      tf.relu(
        tf.add(
          tf.conv2d(
            tf.pad(a as tf.Tensor4D, [
              [0, 0],
              [p, p],
              [p, p],
              [0, 0],
            ]),
            f as tf.Tensor4D,
            1,
            'valid',
          ),
          b,
        ),
      );
    const ours = (a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
      applyConv(a as tf.Tensor4D, f as tf.Tensor4D, 1, p, b as tf.Tensor1D, 'relu');
    const run = (conv: (a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(conv(a, f, b), weights)),
        )([x, filter, bias]);
        return [value, ...grads].map((t) => Array.from(t.dataSync()));
      });
    const expected = run(reference);
    run(ours).forEach((values, i) => {
      expectAllClose(values, expected[i]!, { atol: 1e-4, rtol: 1e-5 });
    });
    const kernels = (await tf.profile(() => ours(x, filter, bias).dispose())).kernels.map(
      (kernel) => kernel.name,
    );
    expect(kernels).not.toContain('PadV2');
    tf.dispose([x, filter, bias, weights]);
  });
});
