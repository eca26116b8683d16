import { fastMatMul, papers } from '@mi/core';
import { InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  applyConvOriented,
  convOutputSize,
  createConvFilter,
  type OrientedMaps,
  unflip,
} from './layers/conv';
import { applyDense, createDense, type DenseWeights } from './layers/dense';
import { createWeightStore, type WeightStore } from './layers/weight-store';
import { assembleCritic, type NeuralCritic, type NeuralCriticPlugin } from './neural-critic';
import { checkPairedBatches } from './validate/check-inputs';
import {
  assertNumber,
  assertOneOf,
  assertPositiveInteger,
  checkUnits,
  rejectUnknownOptions,
  resolveSeed,
} from './validate/check-options';

/** How a {@link cnnCritic} scores a pair: stacked images (the paper's) or two encoders. */
export type CnnHead = 'pair' | 'separable';

/** Options of {@link cnnCritic}. Defaults give the MNIST network of paper 003. */
export interface CnnCriticOptions {
  /**
   * `'pair'` (default): x and y stacked on channels, one network on every pair, as in paper 003
   * App. B. `'separable'`: T(x, y) = g(x)·h(y), g and h two encoders of the same layout (the
   * convolutions and dense layers below, then a linear layer to `embeddingSize`), so a batch costs
   * 2n encoder passes and one n × n product instead of n² network passes.
   */
  readonly head?: CnnHead;
  /** Size of g(x) and h(y) for the `'separable'` head. Default `32` (paper 003's separable critic). */
  readonly embeddingSize?: number;
  /** Image height. Default `28` (MNIST; `32` for CIFAR-10). */
  readonly height?: number;
  /** Image width. Default `28`. */
  readonly width?: number;
  /** Channels of an x image. Default `1` (MNIST; `3` for CIFAR-10; 2 for two stacked images). */
  readonly xChannels?: number;
  /** Channels of a y image. Default `1`. */
  readonly yChannels?: number;
  /** Output channels of the convolutions. Default `[64, 128]`. */
  readonly filters?: readonly number[];
  /** Kernel size of every convolution. Default `5`. */
  readonly kernelSize?: number;
  /** Stride of every convolution. Default `2`. */
  readonly stride?: number;
  /** Zero padding on each side of every convolution. Default `2`. */
  readonly padding?: number;
  /** Widths of the dense hidden layers after the convolutions. Default `[1024]`. */
  readonly denseUnits?: readonly number[];
  /**
   * Seed of the initial weights (its `'critic-init'` stream, see `deriveRandom` in `@mi/core`);
   * the only randomness of the critic (there is no dropout). Default `DEFAULT_SEED` (0).
   */
  readonly seed?: number;
}

const OPTION_NAMES = [
  'head',
  'embeddingSize',
  'height',
  'width',
  'xChannels',
  'yChannels',
  'filters',
  'kernelSize',
  'stride',
  'padding',
  'denseUnits',
  'seed',
];

/**
 * The convolutional critic of paper 003 (App. B, the self-consistency tests): x and y are
 * stacked on the channel axis and passed through
 *
 * ```
 * conv 64, k5, s2, p2 → ReLU → conv 128, k5, s2, p2 → ReLU → dense 1024 → ReLU → dense 1
 * ```
 *
 * It takes MNIST (28 × 28 × 1) and CIFAR-10 (32 × 32 × 3) images, NHWC, and any other size.
 *
 * All pairs without copying images: the first convolution is linear in its input, so for the
 * stacked pair [x_i, y_j] it equals conv(x_i, W_x) + conv(y_j, W_y) + b. `scores` convolves the n
 * x and the n y images once each and forms the n² first-layer maps by a broadcast add; the layers
 * after the first are non-linear in the pair and run on the n² maps (n² × 14 × 14 × 64 floats for
 * MNIST). `pairs` stacks x_i and y_i on channels and runs the network as written.
 *
 * With `head: 'separable'` the same layers (ending in `embeddingSize` linear outputs) form two
 * encoders, and
 *
 * ```
 * T(x, y) = g(x)·h(y),   S = G·Hᵀ
 * ```
 *
 * the separable form of paper 003 §6.1 on images: 2n encoder passes per batch instead of n²
 * network passes, at the price of a critic that can only express inner products of embeddings.
 *
 * @example
 * ```ts
 * const critic = cnnCritic({ seed: 1 });                           // MNIST
 * const cifar = cnnCritic({ height: 32, width: 32, xChannels: 3, yChannels: 3, seed: 1 });
 * const cheap = cnnCritic({ head: 'separable', embeddingSize: 32, seed: 1 });
 * ```
 * @see Song & Ermon 2020, App. B (paper 003).
 */
export function cnnCritic(options: CnnCriticOptions = {}): NeuralCritic {
  const name = 'cnnCritic';
  rejectUnknownOptions(name, options, OPTION_NAMES);
  const head = options.head ?? 'pair';
  assertOneOf(name, 'head', head, ['pair', 'separable'] as const);
  const embeddingSize = options.embeddingSize ?? 32;
  const height = options.height ?? 28;
  const width = options.width ?? 28;
  const xChannels = options.xChannels ?? 1;
  const yChannels = options.yChannels ?? 1;
  const kernelSize = options.kernelSize ?? 5;
  const stride = options.stride ?? 2;
  const padding = options.padding ?? 2;
  for (const [key, value] of Object.entries({
    embeddingSize,
    height,
    width,
    xChannels,
    yChannels,
    kernelSize,
    stride,
  })) {
    assertPositiveInteger(name, key, value);
  }
  assertNumber(name, 'padding', padding, { integer: true, min: 0 });
  const filters = checkUnits(name, 'filters', options.filters ?? [64, 128], 1);
  const denseUnits = checkUnits(name, 'denseUnits', options.denseUnits ?? [1024]);
  const seed = resolveSeed(name, options.seed);

  // Spatial size after each convolution; every one must keep at least one pixel.
  let h = height;
  let w = width;
  for (const _ of filters) {
    h = convOutputSize(h, kernelSize, stride, padding);
    w = convOutputSize(w, kernelSize, stride, padding);
    if (h < 1 || w < 1) {
      throw new InvalidArgumentError({
        functionName: name,
        parameter: 'filters',
        value: filters,
        expected: `at most as many convolutions as ${height} × ${width} images allow (one shrinks them to ${h} × ${w})`,
      });
    }
  }
  const flatSize = h * w * filters[filters.length - 1]!;
  const layout: Layout = { filters, kernelSize, stride, padding, denseUnits, flatSize };
  const store = createWeightStore('cnn', seed);
  const check = (method: string, x: tf.Tensor, y: tf.Tensor) =>
    checkPairedBatches(`cnn.${method}`, x, [height, width, xChannels], y, [
      height,
      width,
      yChannels,
    ]);
  const resolved = {
    head,
    ...(head === 'separable' ? { embeddingSize } : {}),
    height,
    width,
    xChannels,
    yChannels,
    filters,
    kernelSize,
    stride,
    padding,
    denseUnits,
    seed,
  };

  if (head === 'separable') {
    const g = createEncoder(store, 'g/', xChannels, layout, embeddingSize);
    const hy = createEncoder(store, 'h/', yChannels, layout, embeddingSize);
    return assembleCritic({
      id: 'cnn',
      options: resolved,
      store,
      scores: (x, y) =>
        tf.tidy(() => {
          check('scores', x, y);
          return fastMatMul(g(x as tf.Tensor4D), hy(y as tf.Tensor4D), { transposeB: true });
        }),
      pairs: (x, y) =>
        tf.tidy(() => {
          check('pairs', x, y);
          return tf.sum(tf.mul(g(x as tf.Tensor4D), hy(y as tf.Tensor4D)), 1) as tf.Tensor1D;
        }),
      extra: {},
    });
  }

  const first = filters[0]!;
  const fanIn = xChannels + yChannels;
  const xFilter = createConvFilter(
    store,
    'conv0/x-filter',
    kernelSize,
    xChannels,
    first,
    'pytorch',
    fanIn,
  );
  const yFilter = createConvFilter(
    store,
    'conv0/y-filter',
    kernelSize,
    yChannels,
    first,
    'pytorch',
    fanIn,
  );
  const firstBias = store.uniform(
    'conv0/bias',
    [first],
    1 / Math.sqrt(kernelSize * kernelSize * fanIn),
  ) as tf.Variable<tf.Rank.R1>;
  // Everything after the first convolution's pre-activation: m maps → m scores.
  const rest = createLayersAfterFirst(store, '', layout, 1);
  const headOf = (preActivation: OrientedMaps): tf.Tensor1D =>
    tf.reshape(rest(preActivation), [-1]) as tf.Tensor1D;
  const firstLayer = (images: tf.Tensor, filter: tf.Tensor4D, bias?: tf.Tensor1D) =>
    applyConvOriented({ maps: images as tf.Tensor4D, flipped: [] }, filter, stride, padding, bias);

  return assembleCritic({
    id: 'cnn',
    options: resolved,
    store,
    scores: (x, y) =>
      tf.tidy(() => {
        const n = check('scores', x, y);
        // Same shapes, so the same orientation (see applyConvOriented).
        const a = firstLayer(x, xFilter);
        const b = firstLayer(y, yFilter, firstBias);
        const [, mh, mw, c] = a.maps.shape;
        // Row i·n + j is the pair (x_i, y_j): the reshape gives rows indexed by x.
        const pre = tf.reshape(tf.add(tf.expandDims(a.maps, 1), tf.expandDims(b.maps, 0)), [
          n * n,
          mh,
          mw,
          c,
        ]) as tf.Tensor4D;
        return tf.reshape(headOf({ maps: pre, flipped: a.flipped }), [n, n]) as tf.Tensor2D;
      }),
    pairs: (x, y) =>
      tf.tidy(() => {
        check('pairs', x, y);
        const stacked = tf.concat([x as tf.Tensor4D, y as tf.Tensor4D], 3);
        const filter = tf.concat([xFilter, yFilter], 2);
        return headOf(firstLayer(stacked, filter, firstBias));
      }),
    extra: {},
  });
}

/** The sizes every network of a {@link cnnCritic} shares. */
interface Layout {
  readonly filters: readonly number[];
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly denseUnits: readonly number[];
  /** Features after the last convolution, flattened. */
  readonly flatSize: number;
}

/**
 * The layers after the first convolution's pre-activation — ReLU, the other convolutions, the
 * dense layers, a linear output of `outputs` units — as one function of the first maps. Weights
 * are named `${prefix}conv{k}/…` (k ≥ 1) and `${prefix}dense{k}/…`.
 */
function createLayersAfterFirst(
  store: WeightStore,
  prefix: string,
  layout: Layout,
  outputs: number,
): (preActivation: OrientedMaps) => tf.Tensor2D {
  const { filters, kernelSize, stride, padding, denseUnits, flatSize } = layout;
  const convs: { filter: tf.Variable<tf.Rank.R4>; bias: tf.Variable<tf.Rank.R1> }[] = [];
  for (let k = 1; k < filters.length; k++) {
    const filter = createConvFilter(
      store,
      `${prefix}conv${k}/filter`,
      kernelSize,
      filters[k - 1]!,
      filters[k]!,
      'pytorch',
    );
    const bias = store.uniform(
      `${prefix}conv${k}/bias`,
      [filters[k]!],
      1 / Math.sqrt(kernelSize * kernelSize * filters[k - 1]!),
    ) as tf.Variable<tf.Rank.R1>;
    convs.push({ filter, bias });
  }
  const denseSizes = [flatSize, ...denseUnits, outputs];
  const dense: DenseWeights[] = [];
  for (let k = 0; k + 1 < denseSizes.length; k++) {
    dense.push(createDense(store, `${prefix}dense${k}`, denseSizes[k]!, denseSizes[k + 1]!));
  }
  return (preActivation) => {
    // The maps stay stored reversed where the convolutions need it; flattening needs them back.
    let maps: OrientedMaps = { maps: tf.relu(preActivation.maps), flipped: preActivation.flipped };
    for (const conv of convs)
      maps = applyConvOriented(maps, conv.filter, stride, padding, conv.bias, 'relu');
    const last = unflip(maps);
    let features = tf.reshape(last, [last.shape[0], flatSize]) as tf.Tensor2D;
    dense.forEach((layer, k) => {
      features = applyDense(layer, features, k + 1 === dense.length ? 'linear' : 'relu');
    });
    return features;
  };
}

/** One encoder of the separable head: images → `outputs` features, weights under `prefix`. */
function createEncoder(
  store: WeightStore,
  prefix: string,
  channels: number,
  layout: Layout,
  outputs: number,
): (images: tf.Tensor4D) => tf.Tensor2D {
  const { filters, kernelSize, stride, padding } = layout;
  const filter = createConvFilter(
    store,
    `${prefix}conv0/filter`,
    kernelSize,
    channels,
    filters[0]!,
    'pytorch',
  );
  const bias = store.uniform(
    `${prefix}conv0/bias`,
    [filters[0]!],
    1 / Math.sqrt(kernelSize * kernelSize * channels),
  ) as tf.Variable<tf.Rank.R1>;
  const rest = createLayersAfterFirst(store, prefix, layout, outputs);
  return (images) =>
    rest(applyConvOriented({ maps: images, flipped: [] }, filter, stride, padding, bias));
}

/** The `cnn` critic as a registry plugin. */
export const cnnCriticPlugin: NeuralCriticPlugin<CnnCriticOptions> = {
  id: 'cnn',
  kind: 'critic',
  specificationVersion: 'v1',
  displayName: 'Convolutional critic (Song & Ermon)',
  description:
    'Images stacked on channels → conv 64 k5 s2 p2 → conv 128 k5 s2 p2 → dense 1024 → dense 1, ReLU (paper 003 App. B); MNIST and CIFAR sizes. head=separable: g(x)·h(y) with one such encoder per side.',
  references: [{ ...papers.smile, location: 'App. B' }],
  create: (options) => cnnCritic(options),
};
