import { type CriticRegistry, createCriticRegistry, type JointCritic } from '@mi/critics';
import type { Critic } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  CNN_BENCH_SHAPE,
  clbForwardFlops,
  cnnCriticForwardFlops,
  JOINT_BENCH_SHAPE,
  jointCriticForwardFlops,
  jointSampledForwardFlops,
  RESNET18_BENCH_SHAPE,
  resnet18PairForwardFlops,
  SEPARABLE_BENCH_SHAPE,
  separableCriticForwardFlops,
  slbForwardFlops,
  trainingStepFlops,
} from './flop-count';
import { imageClassifierCritic } from './image-classifier-critic';

/**
 * The cases of the performance table: the critics of the papers at the sizes of the targets
 * (`joint`, `separable`: n = 64, d = 20; `cnn`: the self-consistency critic on MNIST, n = 16)
 * and the image benchmarks' steps: `cnn-n64` (self-consistency at n = 64), `slb-64` and
 * `slb-256` (the supervised step with a CNN classifier, batch 64 and 256), `clb-64` (the
 * contrastive step, batch 64) and `resnet18` (the ResNet-18 pair critic, n = 16, CIFAR size).
 */
export type PerfCriticId =
  | 'joint'
  | 'separable'
  | 'cnn'
  | 'cnn-n64'
  | 'slb-64'
  | 'slb-256'
  | 'clb-64'
  | 'resnet18';

/** The cases of the scaling sweep (`--scaling`): ms/step and memory against the batch size. */
export type ScalingCriticId = 'joint' | 'joint-k64' | 'separable';

/** Every case id, table cases first. */
export const PERF_CRITICS: readonly PerfCriticId[] = [
  'joint',
  'separable',
  'cnn',
  'cnn-n64',
  'slb-64',
  'slb-256',
  'clb-64',
  'resnet18',
];

/** The batch sizes of the scaling sweep. */
export const SCALING_BATCH_SIZES: readonly number[] = [32, 64, 128, 256, 512, 1024];

/** Negatives per row of the `joint-k64` scaling case. */
export const SCALING_NEGATIVES = 64;

/** MI of the Gaussian batches (nats): the middle of the staircase, as the PyTorch timing uses. */
const BATCH_MI = 6;

/** How a case's step computes its loss. */
export type StepKind =
  /** `createTrainStep` from @mi/train: critic scores on all n² pairs, the bound, Adam. */
  | 'train-step'
  /**
   * InfoNCE over each row's own pair and k shifted partners (`JointCritic.sampledScores`), the
   * same Adam; @mi/bounds takes square score matrices only, so this step is the harness's.
   */
  | 'sampled';

/** One timed case: a critic, its batches, FLOP counts and how PyTorch times the same step. */
export interface PerfCase {
  readonly id: PerfCriticId | ScalingCriticId;
  /** The batch size (pairs scored: n² for all-pair critics). */
  readonly n: number;
  readonly description: string;
  readonly step: StepKind;
  /** Negatives per row for `sampled` steps. */
  readonly negatives?: number;
  /** Builds the critic with seeded weights. */
  createCritic(seed: number, critics?: CriticRegistry): Critic;
  /** A fresh seeded batch for step `step`. */
  sample(seed: number, step: number): { x: tf.Tensor; y: tf.Tensor };
  /** FLOPs of one step as TF.js runs it, and as the PyTorch reference runs it. */
  readonly flops: number;
  readonly pytorchFlops: number;
  /**
   * Too slow for the pure-JS cpu backend (reported as skipped), and for wasm unless asked for
   * (`heavyWasm`): minutes per step.
   */
  readonly heavy: boolean;
  /** Arguments of `scripts/torch-timing.py` for the same step (`peer`: the peer reference). */
  readonly torch: { readonly kind: 'peer' } | { readonly kind: 'script'; readonly args: string[] };
  /** Timed steps per backend by default (warm-up: {@link PerfCase.warmup}). */
  readonly steps: { readonly tensorflow: number; readonly wasm: number; readonly cpu: number };
  readonly warmup: number;
}

function gaussianBatch(n: number, features: number) {
  const rho = Math.sqrt(1 - Math.exp((-2 * BATCH_MI) / features));
  return (seed: number, step: number) =>
    tf.tidy(() => {
      const x = tf.randomNormal([n, features], 0, 1, 'float32', seed + 2 * step);
      const noise = tf.randomNormal([n, features], 0, 1, 'float32', seed + 2 * step + 1);
      const y = tf.add(tf.mul(x, rho), tf.mul(noise, Math.sqrt(1 - rho * rho)));
      return { x, y };
    });
}

function imageBatch(n: number, shape: readonly number[], yShape: readonly number[] = shape) {
  return (seed: number, step: number) => ({
    x: tf.randomUniform([n, ...shape], 0, 1, 'float32', seed + 2 * step),
    y: tf.randomUniform([n, ...yShape], 0, 1, 'float32', seed + 2 * step + 1),
  });
}

/** Images with one-hot labels of 10 classes (the SLB batch). */
function labelledBatch(n: number) {
  return (seed: number, step: number) =>
    tf.tidy(() => {
      const x = tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', seed + 2 * step);
      const labels = tf.cast(
        tf.floor(tf.randomUniform([n], 0, 10, 'float32', seed + 2 * step + 1)),
        'int32',
      );
      return { x, y: tf.cast(tf.oneHot(labels, 10), 'float32') };
    });
}

const registry = (critics?: CriticRegistry) => critics ?? createCriticRegistry();

function denseCase(id: 'joint' | 'separable' | 'joint-k64', n: number, scaling: boolean): PerfCase {
  const { xFeatures, yFeatures } = JOINT_BENCH_SHAPE;
  const shape = { ...JOINT_BENCH_SHAPE, n };
  // Steps shrink with the work per step: ~n² pairs for the all-pairs critics.
  const work = id === 'separable' ? n / 64 : id === 'joint-k64' ? (n * 65) / 4096 : (n * n) / 4096;
  const scaled = (base: number) => Math.max(2, Math.round(base / Math.max(1, work)));
  const steps =
    id === 'separable'
      ? { tensorflow: scaled(200), wasm: scaled(100), cpu: scaled(10) }
      : { tensorflow: scaled(30), wasm: scaled(20), cpu: Math.max(1, scaled(3)) };
  if (id === 'separable') {
    const flops = trainingStepFlops(separableCriticForwardFlops({ ...shape, embeddingSize: 32 }));
    return {
      id,
      n,
      description: `separable n=${n} d=20, g, h: 20 → 256 → 256 → 32, S = g·hᵀ`,
      step: 'train-step',
      createCritic: (seed, critics) =>
        registry(critics).resolve({
          id: 'separable',
          options: {
            xFeatures,
            yFeatures,
            hiddenUnits: [256, 256],
            embeddingSize: SEPARABLE_BENCH_SHAPE.embeddingSize,
            seed,
          },
          label: 'separable',
        }),
      sample: gaussianBatch(n, xFeatures),
      flops,
      pytorchFlops: flops,
      heavy: false,
      torch:
        n === 64 && !scaling
          ? { kind: 'peer' }
          : { kind: 'script', args: ['separable', '--n', String(n)] },
      steps,
      // A step of 1–4 ms is still getting faster after a handful (V8's optimising compiler,
      // TensorFlow's first runs): warm up as long as the peer reference does (100 untimed).
      warmup: 100,
    };
  }
  const negatives = id === 'joint-k64' ? SCALING_NEGATIVES : undefined;
  const flops = trainingStepFlops(
    negatives === undefined
      ? jointCriticForwardFlops(shape, 'split')
      : jointSampledForwardFlops(shape, negatives),
  );
  return {
    id,
    n,
    description:
      negatives === undefined
        ? `joint n=${n} d=20, 40 → 256 → 256 → 1 on all ${n * n} pairs`
        : `joint n=${n} d=20, 40 → 256 → 256 → 1 on each row's pair and ${negatives} shifted partners (${n * (negatives + 1)} pairs), InfoNCE over the ${negatives + 1}`,
    step: negatives === undefined ? 'train-step' : 'sampled',
    ...(negatives === undefined ? {} : { negatives }),
    createCritic: (seed, critics) =>
      registry(critics).resolve({
        id: 'joint',
        options: {
          xFeatures,
          yFeatures,
          hiddenUnits: [256, 256],
          ...(negatives === undefined ? {} : { negatives }),
          seed,
        },
        label: 'joint',
      }),
    sample: gaussianBatch(n, xFeatures),
    flops,
    // The peer reference multiplies the n² tiled pairs in its first layer; this package's
    // script splits it as the joint critic does.
    pytorchFlops:
      n === 64 && !scaling && negatives === undefined
        ? trainingStepFlops(jointCriticForwardFlops(shape, 'tiled'))
        : flops,
    heavy: false,
    torch:
      n === 64 && !scaling && negatives === undefined
        ? { kind: 'peer' }
        : {
            kind: 'script',
            args: [
              'joint',
              '--n',
              String(n),
              ...(negatives === undefined ? [] : ['--negatives', String(negatives)]),
            ],
          },
    steps,
    warmup: work > 16 ? 1 : 3,
  };
}

function cnnPairCase(id: 'cnn' | 'cnn-n64', n: number): PerfCase {
  const flops = trainingStepFlops(cnnCriticForwardFlops({ ...CNN_BENCH_SHAPE, n }, 'split'));
  const { height, width, xChannels, yChannels } = CNN_BENCH_SHAPE;
  return {
    id,
    n,
    description: `cnn (self-consistency) n=${n} 28×28×(1+1), conv64 k5s2 → conv128 k5s2 → 1024 → 1, all ${n * n} pairs`,
    step: 'train-step',
    createCritic: (seed, critics) =>
      registry(critics).resolve({
        id: 'cnn',
        options: { height, width, xChannels, yChannels, seed },
        label: 'cnn',
      }),
    sample: imageBatch(n, [height, width, xChannels], [height, width, yChannels]),
    flops,
    pytorchFlops: flops,
    heavy: n > 16,
    torch: { kind: 'script', args: ['cnn', '--n', String(n)] },
    steps: n > 16 ? { tensorflow: 3, wasm: 1, cpu: 1 } : { tensorflow: 10, wasm: 5, cpu: 1 },
    warmup: n > 16 ? 1 : 2,
  };
}

function classifierCase(id: 'slb-64' | 'slb-256' | 'clb-64', n: number): PerfCase {
  const head = id.startsWith('slb') ? 'slb' : 'clb';
  const flops = trainingStepFlops(head === 'slb' ? slbForwardFlops(n) : clbForwardFlops(n));
  return {
    id,
    n,
    description:
      head === 'slb'
        ? `SLB batch ${n}: T = f(x)·onehot(y), f: MNIST conv64 k5s2 → conv128 k5s2 → 1024 → 10 logits`
        : `CLB batch ${n}: T = f(x₁)·f(x₂), one f (conv64 k5s2 → conv128 k5s2 → 1024 → 128) on the 2n images`,
    step: 'train-step',
    createCritic: (seed) => imageClassifierCritic({ head, seed }),
    sample: head === 'slb' ? labelledBatch(n) : imageBatch(n, [28, 28, 1]),
    flops,
    pytorchFlops: flops,
    heavy: false,
    torch: { kind: 'script', args: [head, '--n', String(n)] },
    steps: { tensorflow: 10, wasm: n > 64 ? 2 : 4, cpu: 1 },
    warmup: 2,
  };
}

function resnetCase(): PerfCase {
  const { n, height, width, xChannels, yChannels } = RESNET18_BENCH_SHAPE;
  const flops = trainingStepFlops(resnet18PairForwardFlops(RESNET18_BENCH_SHAPE));
  return {
    id: 'resnet18',
    n,
    description: `resnet18 pair head n=${n} 32×32×(3+3), basic blocks 2-2-2-2 (64-128-256-512), batch norm over the ${n * n} pairs`,
    step: 'train-step',
    createCritic: (seed, critics) =>
      registry(critics).resolve({
        id: 'resnet18',
        options: { head: 'pair', height, width, xChannels, yChannels, seed },
        label: 'resnet18',
      }),
    sample: imageBatch(n, [height, width, xChannels], [height, width, yChannels]),
    flops,
    pytorchFlops: flops,
    heavy: true,
    torch: { kind: 'script', args: ['resnet18', '--n', String(n)] },
    steps: { tensorflow: 2, wasm: 1, cpu: 1 },
    warmup: 1,
  };
}

/** The table case `id` (its default batch size). */
export function perfCase(id: PerfCriticId): PerfCase {
  switch (id) {
    case 'joint':
    case 'separable':
      return denseCase(id, 64, false);
    case 'cnn':
      return cnnPairCase('cnn', 16);
    case 'cnn-n64':
      return cnnPairCase('cnn-n64', 64);
    case 'slb-64':
      return classifierCase('slb-64', 64);
    case 'slb-256':
      return classifierCase('slb-256', 256);
    case 'clb-64':
      return classifierCase('clb-64', 64);
    case 'resnet18':
      return resnetCase();
  }
}

/** A scaling case: the joint critic (all pairs or 64 negatives) or the separable one at batch n. */
export function scalingCase(id: ScalingCriticId, n: number): PerfCase {
  return denseCase(id, n, true);
}

/** The joint critic's `sampledScores`, when the critic has it (`sampled` steps). */
export function sampledScoresOf(critic: Critic): JointCritic['sampledScores'] | undefined {
  const candidate = (critic as Partial<JointCritic>).sampledScores;
  return typeof candidate === 'function' ? candidate.bind(critic) : undefined;
}
