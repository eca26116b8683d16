import { InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertPositiveInteger } from '../validate/check-options';
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
 * How a convolution with `padding` zeros on each side of an axis of length `size` can run with
 * TensorFlow's 'same' padding, which pads ⌊t/2⌋ before and the rest after, t = (o − 1)·stride +
 * kernel − size, o = ⌈size / stride⌉:
 * - `'same'` when t = 2·padding: the same convolution, and (symmetric) also on the axis reversed;
 * - `'flipped'` when t = 2·padding − 1: 'same' pads one zero fewer before than the symmetric
 *   padding reads, so it is the same convolution only on the reversed axis. Output o′ of the
 *   reversed convolution reads input rows size − 1 − stride·o′ + ⌊t/2⌋ − u for tap k − 1 − u,
 *   which is output o − 1 − o′ of the symmetric one (stride 2, kernel 5, padding 2 on even sizes
 *   such as MNIST's 28 and 14: the symmetric padding reads (2, 1) zeros, 'same' pads (1, 2));
 * - `undefined` otherwise (the output sizes differ).
 * With equal output sizes t is 2·padding or 2·padding − 1 (the last zero of a symmetric padding
 * is then never read), so there is no third case.
 */
export function samePaddingPlan(
  size: number,
  kernel: number,
  stride: number,
  padding: number,
): SamePlan | undefined {
  assertPositiveInteger('samePaddingPlan', 'size', size);
  assertPositiveInteger('samePaddingPlan', 'kernel', kernel);
  assertPositiveInteger('samePaddingPlan', 'stride', stride);
  assertNumber('samePaddingPlan', 'padding', padding, { integer: true, min: 0 });
  const out = convOutputSize(size, kernel, stride, padding);
  if (out !== Math.ceil(size / stride)) return undefined;
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return total === 2 * padding ? 'same' : total === 2 * padding - 1 ? 'flipped' : undefined;
}

/** See {@link samePaddingPlan}. */
export type SamePlan = 'same' | 'flipped';

/** The spatial axes (1: height, 2: width) on which a feature map is stored reversed. */
export type FlippedAxes = readonly (1 | 2)[];

/** A feature map and the axes it is stored reversed on. */
export interface OrientedMaps {
  readonly maps: tf.Tensor4D;
  readonly flipped: FlippedAxes;
}

/** `maps` in its natural orientation: reversed back on its flipped axes. */
export function unflip(input: OrientedMaps): tf.Tensor4D {
  checkOrientedMaps('unflip', input);
  return input.flipped.length === 0 ? input.maps : tf.reverse(input.maps, [...input.flipped]);
}

/** Throws unless `input` is rank-4 maps with `flipped` a duplicate-free subset of [1, 2]. */
function checkOrientedMaps(functionName: string, input: OrientedMaps): void {
  if (!(input?.maps instanceof tf.Tensor) || input.maps.rank !== 4) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'input.maps',
      value:
        input?.maps instanceof tf.Tensor ? `a tensor of shape [${input.maps.shape}]` : input?.maps,
      expected: 'NHWC feature maps (a rank-4 tensor)',
    });
  }
  const { flipped } = input;
  if (
    !Array.isArray(flipped) ||
    new Set(flipped).size !== flipped.length ||
    !flipped.every((axis) => axis === 1 || axis === 2)
  ) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'input.flipped',
      value: flipped,
      expected: 'the reversed spatial axes: a subset of [1, 2] without repeats',
    });
  }
}

/**
 * conv2d (NHWC) with `padding` zeros on each side, bias and activation fused, as one 'same'
 * convolution on input maps stored reversed on `input.flipped`: an axis whose plan is `'flipped'`
 * needs the input and the filter reversed on it, a `'same'` one keeps the input's orientation
 * (the filter reversed with it); the input is reversed only where it is stored in natural order
 * and the convolution needs it reversed. The output is stored reversed on the axes the
 * convolution ran reversed (a permutation, so values and gradients are the symmetric
 * convolution's up to the order of the sums).
 */
export function convAsSame(
  input: OrientedMaps,
  filter: tf.Tensor4D,
  stride: number,
  plans: readonly [SamePlan, SamePlan],
  bias?: tf.Tensor1D,
  activation: 'linear' | 'relu' = 'linear',
): OrientedMaps {
  const wanted = ([1, 2] as const).filter((axis) =>
    plans[axis - 1] === 'same' ? input.flipped.includes(axis) : true,
  );
  const change = ([1, 2] as const).filter(
    (axis) => wanted.includes(axis) !== input.flipped.includes(axis),
  );
  const maps = tf.tidy(() =>
    tf.fused.conv2d({
      x: change.length === 0 ? input.maps : tf.reverse(input.maps, change),
      filter:
        wanted.length === 0
          ? filter
          : tf.reverse(
              filter,
              wanted.map((axis) => axis - 1),
            ),
      strides: stride,
      pad: 'same',
      ...(bias === undefined ? {} : { bias }),
      activation,
    }),
  );
  return { maps, flipped: wanted };
}

/**
 * A convolution layer (NHWC, `padding` zeros on each side, bias and activation fused) on maps
 * stored reversed on `input.flipped`. Where {@link samePaddingPlan} allows it (stride 1 on every
 * backend, larger strides on tfjs-node) it is one 'same' convolution (`convAsSame`) and the
 * output stays stored reversed where that convolution ran reversed, so that a chain of layers
 * reverses its first input and its last output ({@link unflip}) instead of every map in between;
 * otherwise the input is put back in natural order, padded, and convolved 'valid'.
 * `reversing: false` takes the 'same' route only where no axis needs reversing: for a single
 * layer, reversing its input and output can cost more than it saves (ResNet-18 with its stride-2
 * 3 × 3 layers reversed took 5.7 s per step against 5.4 s, one run each).
 */
export function applyConvOriented(
  input: OrientedMaps,
  filter: tf.Tensor4D,
  stride: number,
  padding: number,
  bias?: tf.Tensor1D,
  activation: 'linear' | 'relu' = 'linear',
  reversing = true,
): OrientedMaps {
  checkOrientedMaps('applyConvOriented', input);
  const channels = input.maps.shape[3];
  if (!(filter instanceof tf.Tensor) || filter.rank !== 4 || filter.shape[2] !== channels) {
    throw new InvalidArgumentError({
      functionName: 'applyConvOriented',
      parameter: 'filter',
      value: filter instanceof tf.Tensor ? `a tensor of shape [${filter.shape}]` : filter,
      expected: `a [kh, kw, ${channels}, out] filter for maps of ${channels} channels`,
    });
  }
  assertPositiveInteger('applyConvOriented', 'stride', stride);
  assertNumber('applyConvOriented', 'padding', padding, { integer: true, min: 0 });
  const [kh, kw] = filter.shape;
  const plans = [
    samePaddingPlan(input.maps.shape[1], kh, stride, padding),
    samePaddingPlan(input.maps.shape[2], kw, stride, padding),
  ] as const;
  // Stride 1 everywhere (no padded copy, no slice in the gradient). Larger strides on tfjs-node
  // only, where oneDNN's 'same' convolutions beat pad + 'valid' (the MNIST critic's step 180 →
  // 150 ms); wasm's fast input gradient (polyphase) handles 'valid' only.
  if (
    padding > 0 &&
    plans[0] !== undefined &&
    plans[1] !== undefined &&
    (reversing || (plans[0] === 'same' && plans[1] === 'same')) &&
    (stride === 1 || tf.getBackend() === 'tensorflow')
  ) {
    return convAsSame(input, filter, stride, [plans[0], plans[1]], bias, activation);
  }
  const maps = tf.tidy(() => {
    const x = unflip(input);
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
  return { maps, flipped: [] };
}

/**
 * conv2d (NHWC) with zero padding applied first and then a 'valid' convolution: tfjs-node
 * rejects explicit padding arrays, and every backend accepts this form. Bias and ReLU are fused.
 * Where 'same' padding gives the same convolution without reversing an axis (see
 * {@link samePaddingPlan}), it runs as one 'same' convolution without the padded copy of its
 * input and the slice in its gradient: stride 1 on every backend (ResNet's 3 × 3, pad 1), larger
 * strides on tfjs-node. Chains of layers that can keep their maps reversed use
 * {@link applyConvOriented}.
 */
export function applyConv(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  padding: number,
  bias?: tf.Tensor1D,
  activation: 'linear' | 'relu' = 'linear',
): tf.Tensor4D {
  return tf.tidy(() =>
    unflip(
      applyConvOriented({ maps: x, flipped: [] }, filter, stride, padding, bias, activation, false),
    ),
  );
}
