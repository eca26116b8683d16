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
