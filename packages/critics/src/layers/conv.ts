import * as tf from '@tensorflow/tfjs-core';
import type { WeightStore } from './weight-store';

/** Output size of a convolution along one axis. */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number) {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/**
 * A k × k convolution filter [k, k, in, out] initialised as PyTorch's `nn.Conv2d` (U(−1/√fanIn,
 * 1/√fanIn), fanIn = k·k·in, also for the bias) or, with `he`, as torchvision's ResNet
 * (N(0, 2/fanOut), fanOut = k·k·out, no bias).
 */
export function createConvFilter(
  store: WeightStore,
  name: string,
  kernel: number,
  inChannels: number,
  outChannels: number,
  init: 'pytorch' | 'he',
  fanInChannels = inChannels,
): tf.Variable<tf.Rank.R4> {
  const shape = [kernel, kernel, inChannels, outChannels];
  return (
    init === 'he'
      ? store.normal(name, shape, Math.sqrt(2 / (kernel * kernel * outChannels)))
      : store.uniform(name, shape, 1 / Math.sqrt(kernel * kernel * fanInChannels))
  ) as tf.Variable<tf.Rank.R4>;
}

/**
 * conv2d (NHWC) with zero padding applied first and then a 'valid' convolution: tfjs-node
 * rejects explicit padding arrays, and every backend accepts this form. Bias and ReLU are fused.
 * A stride-1 convolution whose padding is (k − 1)/2 on each side (ResNet's 3 × 3, pad 1) is
 * 'same' padding exactly, so it runs as one 'same' convolution without the padded copy of its
 * input and the slice in its gradient.
 */
export function applyConv(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  padding: number,
  bias?: tf.Tensor1D,
  activation: 'linear' | 'relu' = 'linear',
): tf.Tensor4D {
  const [kh, kw] = filter.shape;
  if (stride === 1 && padding > 0 && kh === kw && 2 * padding === kh - 1) {
    return tf.fused.conv2d({
      x,
      filter,
      strides: 1,
      pad: 'same',
      ...(bias === undefined ? {} : { bias }),
      activation,
    });
  }
  return tf.tidy(() => {
    const padded =
      padding === 0
        ? x
        : tf.pad(x, [
            [0, 0],
            [padding, padding],
            [padding, padding],
            [0, 0],
          ]);
    return tf.fused.conv2d({
      x: padded,
      filter,
      strides: stride,
      pad: 'valid',
      ...(bias === undefined ? {} : { bias }),
      activation,
    });
  });
}
