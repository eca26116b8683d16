import { fastMatMul, papers } from '@mi/core';
import { InvalidArgumentError, ShapeMismatchError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { applyBatchNorm, type BatchNormWeights, createBatchNorm } from './layers/batch-norm';
import { applyConv, createConvFilter } from './layers/conv';
import { applyDense, createDense } from './layers/dense';
import { createWeightStore } from './layers/weight-store';
import { assembleCritic, type NeuralCritic, type NeuralCriticPlugin } from './neural-critic';
import { checkBatch, checkPairedBatches } from './validate/check-inputs';
import {
  assertNumber,
  assertOneOf,
  assertPositiveInteger,
  checkUnits,
  rejectUnknownOptions,
  resolveSeed,
} from './validate/check-options';
import { toOneHot } from './validate/to-one-hot';

/** How a {@link resnet18Critic} turns the network into scores. */
export type ResNetHead = 'pair' | 'slb' | 'clb';

/** Options of {@link resnet18Critic}. Defaults: CIFAR-10 images, the scalar pair head. */
export interface ResNet18CriticOptions {
  /**
   * `'pair'`: x and y images stacked on channels, one scalar T(x, y) (paper 000, appendix).
   * `'slb'`: T(x, y) = f(x)·o(y), f the logits over `classes`, o(y) the one-hot label (paper 004
   * §5.1, supervised benchmark); y is a label vector or one-hot rows.
   * `'clb'`: T(x₁, x₂) = f(x₁)·f(x₂) with one network f and an `embeddingSize` output (paper 004
   * §5.1, contrastive benchmark). Default `'pair'`.
   */
  readonly head?: ResNetHead;
  /** Image height. Default `32` (CIFAR). */
  readonly height?: number;
  /** Image width. Default `32`. */
  readonly width?: number;
  /** Channels of x (and of y for `'clb'`). Default `3`. */
  readonly xChannels?: number;
  /** Channels of y for `'pair'`. Default `3`. */
  readonly yChannels?: number;
  /** Number of classes for `'slb'`. Default `10` (CIFAR-10). */
  readonly classes?: number;
  /** Size of f(x) for `'clb'`. Default `128`. */
  readonly embeddingSize?: number;
  /** Channels of the four stages. Default `[64, 128, 256, 512]` (ResNet-18). */
  readonly widths?: readonly number[];
  /** Batch-norm momentum of the moving averages (PyTorch's 0.1 is 0.9 here). Default `0.9`. */
  readonly momentum?: number;
  /** Batch-norm ε. Default `1e-5`. */
  readonly epsilon?: number;
  /**
   * Seed of the initial weights (its `'critic-init'` stream, see `deriveRandom` in `@mi/core`);
   * the only randomness of the critic (there is no dropout). Default `DEFAULT_SEED` (0).
   */
  readonly seed?: number;
}

/** A ResNet-18 critic: see {@link resnet18Critic}. */
export interface ResNet18Critic extends NeuralCritic {
  /** The head's vectors f(x): n × classes (`'slb'`) or n × embeddingSize (`'clb'`). */
  embed(x: tf.Tensor): tf.Tensor2D;
}

const OPTION_NAMES = [
  'head',
  'height',
  'width',
  'xChannels',
  'yChannels',
  'classes',
  'embeddingSize',
  'widths',
  'momentum',
  'epsilon',
  'seed',
];

interface Block {
  readonly stride: number;
  readonly conv1: tf.Variable<tf.Rank.R4>;
  readonly bn1: BatchNormWeights;
  readonly conv2: tf.Variable<tf.Rank.R4>;
  readonly bn2: BatchNormWeights;
  readonly shortcut?: { conv: tf.Variable<tf.Rank.R4>; bn: BatchNormWeights };
}

/**
 * ResNet-18 for 32 × 32 images (the CIFAR variant: a 3 × 3 stride-1 stem without max-pooling),
 * basic blocks 2-2-2-2 with 64, 128, 256, 512 channels, batch norm, global average pooling,
 * then one of three heads:
 *
 * ```
 * pair:  T(x, y)   = wᵀ ResNet([x, y]) + b           (images stacked on channels)
 * slb:   T(x, y)   = f(x) · o(y),   f(x) = W ResNet(x) + b ∈ ℝ^classes, o(y) one-hot
 * clb:   T(x₁, x₂) = f(x₁) · f(x₂), f(x) = W ResNet(x) + b ∈ ℝ^embeddingSize
 * ```
 *
 * Parameter counts (trainable, default widths, 3-channel images):
 * `slb` with 10 classes 11,173,962 (the usual CIFAR ResNet-18); `pair` (3 + 3 channels)
 * 11,171,073; `clb` with 128 outputs 11,234,496. Batch norm adds 9,600 moving statistics.
 *
 * Pair scoring: the stem convolution is linear, so for the stacked pair it is split into
 * conv(x_i, W_x) + conv(y_j, W_y), computed for n images each and combined by a broadcast add;
 * the rest of the network runs on n² maps, and in training mode batch norm takes its statistics
 * over those n² pairs (so `pairs`, which sees n pairs, differs from the diagonal of `scores`
 * unless the critic is in inference mode). `slb` and `clb` run the network on n images only:
 * S = F_x·O_yᵀ or F_x·F_yᵀ (for `clb` one pass over the 2n images, so the batch statistics are
 * shared). Convolutions use He (fan-out) initialisation, as torchvision does.
 *
 * @example
 * ```ts
 * const slb = resnet18Critic({ head: 'slb', classes: 10, seed: 1 });
 * const scores = slb.scores(images, labels); // S[i][j] = f(x_i)[label_j]
 * ```
 * @see He et al. 2016; ReMINE, appendix (paper 000); Choi & Lee 2022, §5.1 (paper 004).
 */
export function resnet18Critic(options: ResNet18CriticOptions = {}): ResNet18Critic {
  const name = 'resnet18Critic';
  rejectUnknownOptions(name, options, OPTION_NAMES);
  const head = options.head ?? 'pair';
  assertOneOf(name, 'head', head, ['pair', 'slb', 'clb'] as const);
  const height = options.height ?? 32;
  const width = options.width ?? 32;
  const xChannels = options.xChannels ?? 3;
  const yChannels = options.yChannels ?? (head === 'clb' ? xChannels : 3);
  const classes = options.classes ?? 10;
  const embeddingSize = options.embeddingSize ?? 128;
  for (const [key, value] of Object.entries({
    height,
    width,
    xChannels,
    yChannels,
    classes,
    embeddingSize,
  })) {
    assertPositiveInteger(name, key, value);
  }
  if (head === 'clb' && yChannels !== xChannels) {
    throw new InvalidArgumentError({
      functionName: name,
      parameter: 'yChannels',
      value: yChannels,
      expected: `xChannels (${xChannels}): the 'clb' head embeds x and y with one network`,
    });
  }
  const widths = checkUnits(name, 'widths', options.widths ?? [64, 128, 256, 512], 4);
  if (widths.length !== 4) {
    throw new InvalidArgumentError({
      functionName: name,
      parameter: 'widths',
      value: widths,
      expected: 'four stage widths',
    });
  }
  const momentum = options.momentum ?? 0.9;
  assertNumber(name, 'momentum', momentum, { min: 0, max: 1, maxExclusive: true });
  const epsilon = options.epsilon ?? 1e-5;
  assertNumber(name, 'epsilon', epsilon, { min: 0, minExclusive: true });
  const seed = resolveSeed(name, options.seed);

  const store = createWeightStore('resnet18', seed);
  const stemWidth = widths[0]!;
  const stemX = createConvFilter(store, 'stem/x-filter', 3, xChannels, stemWidth, 'he');
  const stemY =
    head === 'pair'
      ? createConvFilter(store, 'stem/y-filter', 3, yChannels, stemWidth, 'he')
      : undefined;
  const stemBn = createBatchNorm(store, 'stem/bn', stemWidth);
  const blocks: Block[] = [];
  let channels = stemWidth;
  widths.forEach((stageWidth, stage) => {
    for (let b = 0; b < 2; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const prefix = `stage${stage + 1}/block${b + 1}`;
      const block: Block = {
        stride,
        conv1: createConvFilter(store, `${prefix}/conv1`, 3, channels, stageWidth, 'he'),
        bn1: createBatchNorm(store, `${prefix}/bn1`, stageWidth),
        conv2: createConvFilter(store, `${prefix}/conv2`, 3, stageWidth, stageWidth, 'he'),
        bn2: createBatchNorm(store, `${prefix}/bn2`, stageWidth),
        ...(stride !== 1 || channels !== stageWidth
          ? {
              shortcut: {
                conv: createConvFilter(store, `${prefix}/shortcut`, 1, channels, stageWidth, 'he'),
                bn: createBatchNorm(store, `${prefix}/shortcut-bn`, stageWidth),
              },
            }
          : {}),
      };
      blocks.push(block);
      channels = stageWidth;
    }
  });
  const outputs = head === 'pair' ? 1 : head === 'slb' ? classes : embeddingSize;
  const output = createDense(store, 'head', channels, outputs);

  let critic: ResNet18Critic | undefined;
  const training = () => critic?.training ?? true;
  const norm = (x: tf.Tensor4D, bn: BatchNormWeights) =>
    applyBatchNorm(x, bn, training(), momentum, epsilon);

  // From the stem's convolution output to the head's output: m maps → m × outputs.
  const body = (stemOut: tf.Tensor4D): tf.Tensor2D => {
    let h = tf.relu(norm(stemOut, stemBn));
    for (const block of blocks) {
      let main = tf.relu(norm(applyConv(h, block.conv1, block.stride, 1), block.bn1));
      main = norm(applyConv(main, block.conv2, 1, 1), block.bn2);
      const skip = block.shortcut
        ? norm(applyConv(h, block.shortcut.conv, block.stride, 0), block.shortcut.bn)
        : h;
      h = tf.relu(tf.add(main, skip)) as tf.Tensor4D;
    }
    return applyDense(output, tf.mean(h, [1, 2]) as tf.Tensor2D);
  };
  const embed = (images: tf.Tensor4D) => body(applyConv(images, stemX, 1, 1));
  const imageShape = (channelCount: number) => [height, width, channelCount];

  const pairScores = (method: 'scores' | 'pairs', x: tf.Tensor, y: tf.Tensor) =>
    tf.tidy(() => {
      const n = checkPairedBatches(
        `resnet18.${method}`,
        x,
        imageShape(xChannels),
        y,
        imageShape(yChannels),
      );
      if (method === 'pairs') {
        const stacked = tf.concat([x as tf.Tensor4D, y as tf.Tensor4D], 3);
        return tf.reshape(body(applyConv(stacked, tf.concat([stemX, stemY!], 2), 1, 1)), [n]);
      }
      const a = applyConv(x as tf.Tensor4D, stemX, 1, 1);
      const b = applyConv(y as tf.Tensor4D, stemY!, 1, 1);
      const pre = tf.reshape(tf.add(tf.expandDims(a, 1), tf.expandDims(b, 0)), [
        n * n,
        height,
        width,
        stemWidth,
      ]);
      return tf.reshape(body(pre as tf.Tensor4D), [n, n]);
    });

  const factorScores = (method: 'scores' | 'pairs', x: tf.Tensor, y: tf.Tensor) =>
    tf.tidy(() => {
      const functionName = `resnet18.${method}`;
      const n = checkBatch(functionName, 'x', x, imageShape(xChannels));
      let fx: tf.Tensor2D;
      let fy: tf.Tensor2D;
      if (head === 'slb') {
        fy = toOneHot(functionName, 'y', y, classes);
        if (fy.shape[0] !== n) {
          throw new ShapeMismatchError({
            functionName,
            parameter: 'y',
            expected: y.rank === 1 ? [n] : [n, classes],
            received: y.shape,
            detail: `y must have as many rows as x (${n})`,
          });
        }
        fx = embed(x as tf.Tensor4D);
      } else {
        checkPairedBatches(functionName, x, imageShape(xChannels), y, imageShape(yChannels));
        const both = embed(tf.concat([x as tf.Tensor4D, y as tf.Tensor4D], 0));
        [fx, fy] = tf.split(both, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      }
      return method === 'scores'
        ? fastMatMul(fx, fy, { transposeB: true })
        : (tf.sum(tf.mul(fx, fy), 1) as tf.Tensor1D);
    });

  const score = head === 'pair' ? pairScores : factorScores;
  critic = assembleCritic({
    id: 'resnet18',
    options: {
      head,
      height,
      width,
      xChannels,
      yChannels,
      classes,
      embeddingSize,
      widths,
      momentum,
      epsilon,
      seed,
    },
    store,
    scores: (x, y) => score('scores', x, y) as tf.Tensor2D,
    pairs: (x, y) => score('pairs', x, y) as tf.Tensor1D,
    extra: {
      embed(x: tf.Tensor): tf.Tensor2D {
        if (head === 'pair') {
          throw new InvalidArgumentError({
            functionName: 'resnet18.embed',
            parameter: 'head',
            value: head,
            expected: "the 'slb' or 'clb' head (the 'pair' head scores stacked pairs)",
          });
        }
        checkBatch('resnet18.embed', 'x', x, imageShape(xChannels));
        return tf.tidy(() => embed(x as tf.Tensor4D));
      },
    },
  });
  return critic;
}

/** The `resnet18` critic as a registry plugin. */
export const resnet18CriticPlugin: NeuralCriticPlugin<ResNet18CriticOptions> = {
  id: 'resnet18',
  kind: 'critic',
  specificationVersion: 'v1',
  displayName: 'ResNet-18 critic',
  description:
    'CIFAR ResNet-18 (basic blocks 2-2-2-2, batch norm) with a scalar head on images stacked on channels, f(x)·o(y) for the supervised benchmark (SLB) or f(x₁)·f(x₂) for the contrastive one (CLB).',
  references: [
    papers.resnet,
    { ...papers.remine, location: '§3.1; §4; appendix (ResNet-18)' },
    { ...papers.choiLee, location: '§5.1' },
  ],
  create: (options) => resnet18Critic(options),
};
