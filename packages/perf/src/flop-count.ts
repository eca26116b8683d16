import { InvalidArgumentError } from '@mi/spec';

/**
 * FLOP counts of one forward pass of each benchmarked critic on all n² pairs.
 *
 * Only the products are counted: a matrix product or convolution with M multiply-adds costs 2M
 * FLOPs. Bias adds, activations, the bound's reductions and the optimiser's element-wise update
 * are left out; they are O(activations + parameters), under 1% of the products at the
 * benchmark's sizes (the separable critic's Adam update is the largest: ~10 FLOPs × 158 k
 * parameters ≈ 1.6 MFLOP against 61 MFLOP of products).
 */

/** Shape of an MLP critic on vectors. */
export interface DenseCriticShape {
  /** Batch size: n² pairs are scored. */
  readonly n: number;
  readonly xFeatures: number;
  readonly yFeatures: number;
  /** Hidden widths, e.g. `[256, 256]`. */
  readonly hiddenUnits: readonly number[];
}

/**
 * How the joint critic's first layer sees the pairs: `split` computes x_i·W_x and y_j·W_y once per
 * row (2·n rows) and adds them for the n² pairs (what `jointCritic` does); `tiled` multiplies the
 * n² concatenated pairs (what the PyTorch reference does).
 */
export type FirstLayerMode = 'split' | 'tiled';

/** Shape of the convolutional critic. */
export interface CnnCriticShape {
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly xChannels: number;
  readonly yChannels: number;
  /** Output channels of the convolutions, e.g. `[64, 128]`. */
  readonly filters: readonly number[];
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  /** Dense hidden widths after the convolutions, e.g. `[1024]`. */
  readonly denseUnits: readonly number[];
}

/** The sizes of the performance targets and of papers 003/000: n = 64, d = 20, 256-256. */
export const JOINT_BENCH_SHAPE: DenseCriticShape = {
  n: 64,
  xFeatures: 20,
  yFeatures: 20,
  hiddenUnits: [256, 256],
};

/** The separable critic of paper 003: n = 64, d = 20, 256-256 → 32. */
export const SEPARABLE_BENCH_SHAPE: DenseCriticShape & { readonly embeddingSize: number } = {
  ...JOINT_BENCH_SHAPE,
  embeddingSize: 32,
};

/** The MNIST CNN critic of paper 003 App. B, n = 16. */
export const CNN_BENCH_SHAPE: CnnCriticShape = {
  n: 16,
  height: 28,
  width: 28,
  xChannels: 1,
  yChannels: 1,
  filters: [64, 128],
  kernelSize: 5,
  stride: 2,
  padding: 2,
  denseUnits: [1024],
};

/**
 * Forward FLOPs of the joint critic `MLP([x, y])` (`dx + dy → h₁ → … → h_L → 1`) on all n² pairs:
 *
 * ```
 * split:  2·n·(dx + dy)·h₁ + 2·n²·(Σ_{l≥2} h_{l−1}·h_l + h_L)
 * tiled:  2·n²·((dx + dy)·h₁ + Σ_{l≥2} h_{l−1}·h_l + h_L)
 * ```
 *
 * n = 64, d = 20, 256-256: split 540.3 MFLOP, tiled 622.9 MFLOP.
 */
export function jointCriticForwardFlops(
  shape: DenseCriticShape,
  firstLayer: FirstLayerMode = 'split',
): number {
  checkDenseShape('jointCriticForwardFlops', shape);
  const { n, xFeatures, yFeatures, hiddenUnits } = shape;
  const pairs = n * n;
  // split: x·W_x on n rows plus y·W_y on n rows; tiled: [x_i, y_j]·W on n² rows.
  const firstRows = firstLayer === 'split' ? n : pairs;
  const first = 2 * firstRows * (xFeatures + yFeatures) * hiddenUnits[0]!;
  let rest = 0;
  for (let l = 1; l < hiddenUnits.length; l++) rest += hiddenUnits[l - 1]! * hiddenUnits[l]!;
  rest += hiddenUnits[hiddenUnits.length - 1]!;
  return first + 2 * pairs * rest;
}

/**
 * Forward FLOPs of the separable critic `S = g(X)·h(Y)ᵀ` with g, h MLPs `d → h₁ → … → h_L → e`:
 *
 * ```
 * 2·n·(dx·h₁ + Σ h_{l−1}·h_l + h_L·e) + 2·n·(dy·h₁ + Σ h_{l−1}·h_l + h_L·e) + 2·n²·e
 * ```
 *
 * n = 64, d = 20, 256-256 → 32: 20.45 MFLOP.
 */
export function separableCriticForwardFlops(
  shape: DenseCriticShape & { readonly embeddingSize: number },
): number {
  checkDenseShape('separableCriticForwardFlops', shape);
  checkPositiveInteger('separableCriticForwardFlops', 'embeddingSize', shape.embeddingSize);
  const { n, xFeatures, yFeatures, hiddenUnits, embeddingSize } = shape;
  const mlp = (inputs: number): number => {
    const sizes = [inputs, ...hiddenUnits, embeddingSize];
    let products = 0;
    for (let l = 1; l < sizes.length; l++) products += sizes[l - 1]! * sizes[l]!;
    return 2 * n * products;
  };
  return mlp(xFeatures) + mlp(yFeatures) + 2 * n * n * embeddingSize;
}

/** Output size of a convolution along one axis: ⌊(size + 2p − k)/s⌋ + 1. */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number) {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/**
 * Forward FLOPs of the CNN critic on all n² pairs. A convolution producing an H'×W'×C_out map
 * from C_in channels with a k×k kernel costs 2·H'·W'·C_out·k²·C_in per image. The first
 * convolution runs on the n x and n y images apart (`split`, as `cnnCritic` does: it is linear in
 * the stacked input) or on the n² stacked pairs (`tiled`); every later layer runs on n² maps:
 *
 * ```
 * split: 2·n·H₁W₁C₁k²·(cx + cy) + n²·[Σ_{l≥2} 2·H_lW_lC_l·k²·C_{l−1} + 2·(H_LW_LC_L·u₁ + Σ u_{m−1}u_m + u_M)]
 * ```
 *
 * MNIST, n = 16, 64/128 filters, k5 s2 p2, dense 1024: split 8.447 GFLOP
 * (conv₁ 20.1 M, conv₂ 5138.0 M, dense 3288.9 M).
 */
export function cnnCriticForwardFlops(
  shape: CnnCriticShape,
  firstLayer: FirstLayerMode = 'split',
): number {
  const fn = 'cnnCriticForwardFlops';
  for (const key of [
    'n',
    'height',
    'width',
    'xChannels',
    'yChannels',
    'kernelSize',
    'stride',
  ] as const) {
    checkPositiveInteger(fn, key, shape[key]);
  }
  if (!Number.isInteger(shape.padding) || shape.padding < 0) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'padding',
      value: shape.padding,
      expected: 'an integer ≥ 0',
    });
  }
  checkUnitList(fn, 'filters', shape.filters, 1);
  checkUnitList(fn, 'denseUnits', shape.denseUnits, 0);
  const { n, kernelSize: k, stride, padding, filters, denseUnits } = shape;
  const pairs = n * n;
  let h = shape.height;
  let w = shape.width;
  let total = 0;
  let inChannels = shape.xChannels + shape.yChannels;
  filters.forEach((out, index) => {
    h = convOutputSize(h, k, stride, padding);
    w = convOutputSize(w, k, stride, padding);
    if (h < 1 || w < 1) {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter: 'filters',
        value: filters,
        expected: `at most as many convolutions as ${shape.height} × ${shape.width} images allow`,
      });
    }
    const perImage = 2 * h * w * out * k * k * inChannels;
    // Split first layer: x maps (cx channels) on n images + y maps (cy channels) on n images.
    total += index === 0 && firstLayer === 'split' ? n * perImage : pairs * perImage;
    inChannels = out;
  });
  const sizes = [h * w * inChannels, ...denseUnits, 1];
  for (let l = 1; l < sizes.length; l++) total += 2 * pairs * sizes[l - 1]! * sizes[l]!;
  return total;
}

/**
 * FLOPs of one training step from the forward count: forward + backward ≈ 3 × forward (the
 * backward pass of each product computes the gradient of its weights and of its input, each
 * costing as much as the forward product; the first layer's input gradient, which is not needed,
 * makes this a slight over-count).
 */
export function trainingStepFlops(forwardFlops: number): number {
  if (!Number.isFinite(forwardFlops) || forwardFlops < 0) {
    throw new InvalidArgumentError({
      functionName: 'trainingStepFlops',
      parameter: 'forwardFlops',
      value: forwardFlops,
      expected: 'a finite number ≥ 0',
    });
  }
  return 3 * forwardFlops;
}

/** GFLOP/s of `flops` done in `milliseconds`. */
export function gflopsPerSecond(flops: number, milliseconds: number): number {
  return milliseconds > 0 ? flops / (milliseconds * 1e6) : Number.NaN;
}

function checkDenseShape(fn: string, shape: DenseCriticShape): void {
  checkPositiveInteger(fn, 'n', shape.n);
  checkPositiveInteger(fn, 'xFeatures', shape.xFeatures);
  checkPositiveInteger(fn, 'yFeatures', shape.yFeatures);
  checkUnitList(fn, 'hiddenUnits', shape.hiddenUnits, 1);
}

function checkUnitList(fn: string, parameter: string, units: readonly number[], min: number) {
  if (
    !Array.isArray(units) ||
    units.length < min ||
    units.some((u) => !Number.isInteger(u) || u < 1)
  ) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter,
      value: units,
      expected: `an array of at least ${min} positive integers`,
    });
  }
}

function checkPositiveInteger(fn: string, parameter: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter,
      value,
      expected: 'a positive integer',
    });
  }
}

/** A CNN classifier trunk (the `cnn` critic's convolutions and dense layers) with a head of `outputs` units. */
export interface ImageClassifierShape {
  /** Images through the network per step. */
  readonly images: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly filters: readonly number[];
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly denseUnits: readonly number[];
  /** Units of the last (linear) layer: 10 logits for SLB, the embedding size for CLB. */
  readonly outputs: number;
}

/**
 * Forward FLOPs of a CNN classifier on `images` images (convolutions 2·H'·W'·C_out·k²·C_in per
 * image, dense layers 2·in·out per image):
 *
 * MNIST, 64/128 filters k5 s2 p2, dense 1024 → 10: 33.56 MFLOP per image (conv₁ 0.63 M,
 * conv₂ 20.07 M, dense 12.85 M, head 0.02 M).
 */
export function imageClassifierForwardFlops(shape: ImageClassifierShape): number {
  const fn = 'imageClassifierForwardFlops';
  for (const key of [
    'images',
    'height',
    'width',
    'channels',
    'kernelSize',
    'stride',
    'outputs',
  ] as const) {
    checkPositiveInteger(fn, key, shape[key]);
  }
  checkUnitList(fn, 'filters', shape.filters, 1);
  checkUnitList(fn, 'denseUnits', shape.denseUnits, 0);
  let h = shape.height;
  let w = shape.width;
  let inChannels = shape.channels;
  let perImage = 0;
  for (const out of shape.filters) {
    h = convOutputSize(h, shape.kernelSize, shape.stride, shape.padding);
    w = convOutputSize(w, shape.kernelSize, shape.stride, shape.padding);
    perImage += 2 * h * w * out * shape.kernelSize * shape.kernelSize * inChannels;
    inChannels = out;
  }
  const sizes = [h * w * inChannels, ...shape.denseUnits, shape.outputs];
  for (let l = 1; l < sizes.length; l++) perImage += 2 * sizes[l - 1]! * sizes[l]!;
  return shape.images * perImage;
}

/** The layers of a classifier trunk, without the batch and the head. */
export type ClassifierTrunk = Omit<ImageClassifierShape, 'images' | 'outputs'>;

/** The MNIST classifier trunk of the SLB and CLB cases (the `cnn` critic's layers). */
export const MNIST_CLASSIFIER: ClassifierTrunk = {
  height: 28,
  width: 28,
  channels: 1,
  filters: [64, 128],
  kernelSize: 5,
  stride: 2,
  padding: 2,
  denseUnits: [1024],
};

/**
 * Forward FLOPs of the supervised benchmark's step (paper 004 §5.1), T(x, y) = f(x)·o(y): the
 * classifier on n images and S = F·Oᵀ (2·n²·classes).
 */
export function slbForwardFlops(n: number, classes = 10): number {
  return (
    imageClassifierForwardFlops({ ...MNIST_CLASSIFIER, images: n, outputs: classes }) +
    2 * n * n * classes
  );
}

/**
 * Forward FLOPs of the contrastive benchmark's step, T(x₁, x₂) = f(x₁)·f(x₂): one network on
 * the 2n images and S = F₁·F₂ᵀ (2·n²·e).
 */
export function clbForwardFlops(n: number, embeddingSize = 128): number {
  return (
    imageClassifierForwardFlops({ ...MNIST_CLASSIFIER, images: 2 * n, outputs: embeddingSize }) +
    2 * n * n * embeddingSize
  );
}

/** Shape of the ResNet-18 pair critic (CIFAR variant: 3 × 3 stride-1 stem, no max-pooling). */
export interface ResNet18Shape {
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly xChannels: number;
  readonly yChannels: number;
  /** Channels of the four stages, e.g. `[64, 128, 256, 512]`. */
  readonly widths: readonly number[];
}

/** The ResNet-18 pair case: n = 16 CIFAR-size images on each side. */
export const RESNET18_BENCH_SHAPE: ResNet18Shape = {
  n: 16,
  height: 32,
  width: 32,
  xChannels: 3,
  yChannels: 3,
  widths: [64, 128, 256, 512],
};

/**
 * Forward FLOPs of the ResNet-18 pair critic on all n² pairs: the stem convolution split into
 * conv(x_i, W_x) and conv(y_j, W_y) on the 2n images (`resnet18Critic` and the PyTorch script
 * both do this), then every basic block (two 3 × 3 convolutions, a 1 × 1 shortcut where the
 * shape changes) and the scalar head on the n² maps. Batch norm, ReLU, the residual adds and
 * the pooling are not counted. CIFAR size, n = 16: 283.6 GFLOP (1.107 GFLOP per pair, stem 0.113 GFLOP).
 */
export function resnet18PairForwardFlops(shape: ResNet18Shape): number {
  const fn = 'resnet18PairForwardFlops';
  for (const key of ['n', 'height', 'width', 'xChannels', 'yChannels'] as const) {
    checkPositiveInteger(fn, key, shape[key]);
  }
  checkUnitList(fn, 'widths', shape.widths, 1);
  const { n, widths } = shape;
  const conv = (h: number, w: number, k: number, cin: number, cout: number) =>
    2 * h * w * cout * k * k * cin;
  const stem =
    n * conv(shape.height, shape.width, 3, shape.xChannels, widths[0]!) +
    n * conv(shape.height, shape.width, 3, shape.yChannels, widths[0]!);
  let h = shape.height;
  let w = shape.width;
  let channels = widths[0]!;
  let perPair = 0;
  widths.forEach((stageWidth, stage) => {
    for (let block = 0; block < 2; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const outH = convOutputSize(h, 3, stride, 1);
      const outW = convOutputSize(w, 3, stride, 1);
      perPair +=
        conv(outH, outW, 3, channels, stageWidth) + conv(outH, outW, 3, stageWidth, stageWidth);
      if (stride !== 1 || channels !== stageWidth)
        perPair += conv(outH, outW, 1, channels, stageWidth);
      h = outH;
      w = outW;
      channels = stageWidth;
    }
  });
  perPair += 2 * channels;
  return stem + n * n * perPair;
}

/**
 * Forward FLOPs of the joint critic scoring each x against its own y and k partners
 * (`negatives: k`, `sampledScores`): the split first layer on 2n rows, the rest on n·(k + 1) pairs.
 *
 * ```
 * 2·n·(dx + dy)·h₁ + 2·n·(k + 1)·(Σ_{l≥2} h_{l−1}·h_l + h_L)
 * ```
 */
export function jointSampledForwardFlops(shape: DenseCriticShape, negatives: number): number {
  checkDenseShape('jointSampledForwardFlops', shape);
  checkPositiveInteger('jointSampledForwardFlops', 'negatives', negatives);
  const { n, xFeatures, yFeatures, hiddenUnits } = shape;
  let rest = 0;
  for (let l = 1; l < hiddenUnits.length; l++) rest += hiddenUnits[l - 1]! * hiddenUnits[l]!;
  rest += hiddenUnits[hiddenUnits.length - 1]!;
  return 2 * n * (xFeatures + yFeatures) * hiddenUnits[0]! + 2 * n * (negatives + 1) * rest;
}
