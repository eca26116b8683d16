import { papers, sampleUniformBox } from '@mi/core';
import type { Batch, BoundInputContext, BoundInputs, EntropicScores } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { applyMlp, createMlp } from './layers/dense';
import { createJointNetwork, jointAllPairs, jointDiagonal } from './layers/joint-network';
import { createWeightStore } from './layers/weight-store';
import { assembleCritic, type NeuralCritic, type NeuralCriticPlugin } from './neural-critic';
import { checkBatch, checkPairedBatches } from './validate/check-inputs';
import {
  assertOneOf,
  assertPositiveInteger,
  checkUnits,
  rejectUnknownOptions,
  resolveInit,
  resolveSeed,
} from './validate/check-options';

/** Options of {@link mineeCritic}. */
export interface MineeCriticOptions {
  /** Number of features of x. */
  readonly xFeatures: number;
  /** Number of features of y. */
  readonly yFeatures: number;
  /**
   * Hidden widths of each of the three heads. Default `[256, 256]`, as the joint critic (paper
   * 001 does not state its widths).
   */
  readonly hiddenUnits?: readonly number[];
  /** Hidden-layer activation. Default `'relu'`. */
  readonly activation?: 'relu' | 'elu';
  /**
   * Start every kernel from N(0, initStd²) and every bias at 0, instead of PyTorch's `nn.Linear`
   * default U(±1/√fanIn). Paper 001's code uses 0.02; from that start MI-NEE on MG(0.9) takes
   * ≈ 5× more steps to reach the truth than from the default.
   */
  readonly initStd?: number;
  /**
   * Reference batch size as a multiple of the data batch: m = referenceFactor · n uniform points
   * per step (Chan et al. 2019, §4: 10 for MG(ρ), 300 for HG(ρ, d)). Default 10.
   */
  readonly referenceFactor?: number;
  /**
   * Seed of the initial weights (its `'critic-init'` stream, see `deriveRandom` in `@mi/core`);
   * the only randomness of the critic (there is no dropout). Default `DEFAULT_SEED` (0).
   */
  readonly seed?: number;
}

/** A batch of x and y for {@link MineeCritic.entropicScores}. */
export interface PairedBatch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

/** An MI-NEE critic: see {@link mineeCritic}. */
export interface MineeCritic extends NeuralCritic {
  /** f₁ on a batch of x: length n. */
  xScores(x: tf.Tensor): tf.Tensor1D;
  /** f₂ on a batch of y: length n. */
  yScores(y: tf.Tensor): tf.Tensor1D;
  /**
   * The six score vectors the `minee` bound reads: each head on the n data pairs and on the m
   * reference pairs (drawn by the caller from the uniform distribution over the data's bounding
   * box; m = k·n in the paper). The caller owns the returned tensors.
   */
  entropicScores(data: PairedBatch, reference: PairedBatch): EntropicScores;
}

const OPTION_NAMES = [
  'xFeatures',
  'yFeatures',
  'hiddenUnits',
  'activation',
  'initStd',
  'referenceFactor',
  'seed',
];

/**
 * The MI-NEE network of paper 001 §3.2: one module with three outputs
 *
 * ```
 * f₀(x, y),  f₁(x),  f₂(y)
 * I(X; Y) ≈ Ê[f₀(X, Y)] − ln Ê[e^{f₀(X', Y')}] − Ê[f₁(X)] + ln Ê[e^{f₁(X')}]
 *           − Ê[f₂(Y)] + ln Ê[e^{f₂(Y')}]                              (Eq. 18)
 * ```
 *
 * trained on the sum of the three DV losses against a uniform reference (X', Y'). Each output
 * has its own branch (an MLP; f₀ on [x, y] with the joint critic's split first layer), so f₁
 * depends on x only and f₂ on y only, as the equation requires, and one optimiser updates all
 * three. `scores`/`pairs` give f₀ (usable by any bound); {@link MineeCritic.entropicScores}
 * gives what the `minee` bound needs, and `boundInputs` draws the reference batch (m =
 * referenceFactor · n points, uniform over the training data's bounding box) for a training loop.
 *
 * @example
 * ```ts
 * const critic = mineeCritic({ xFeatures: 1, yFeatures: 1, seed: 1 });
 * const heads = critic.entropicScores({ x, y }, { x: xRef, y: yRef });
 * ```
 * @see Chan et al. 2019, §3.2, Eq. 18 (paper 001).
 */
export function mineeCritic(options: MineeCriticOptions): MineeCritic {
  const name = 'mineeCritic';
  rejectUnknownOptions(name, options, OPTION_NAMES);
  assertPositiveInteger(name, 'xFeatures', options.xFeatures);
  assertPositiveInteger(name, 'yFeatures', options.yFeatures);
  const hiddenUnits = checkUnits(name, 'hiddenUnits', options.hiddenUnits ?? [256, 256], 1);
  const activation = options.activation ?? 'relu';
  assertOneOf(name, 'activation', activation, ['relu', 'elu'] as const);
  const referenceFactor = options.referenceFactor ?? 10;
  assertPositiveInteger(name, 'referenceFactor', referenceFactor);
  const init = resolveInit(name, options.initStd);
  const seed = resolveSeed(name, options.seed);
  const { xFeatures, yFeatures } = options;

  const store = createWeightStore('minee', seed);
  const joint = createJointNetwork(store, 'joint/', xFeatures, yFeatures, hiddenUnits, activation, {
    init,
  });
  const xHead = createMlp(store, 'x/', xFeatures, hiddenUnits, 1, { init });
  const yHead = createMlp(store, 'y/', yFeatures, hiddenUnits, 1, { init });
  const single = (mlp: typeof xHead, input: tf.Tensor) =>
    tf.tidy(() => tf.reshape(applyMlp(mlp, input as tf.Tensor2D, activation), [-1]) as tf.Tensor1D);
  const paired = (functionName: string, x: tf.Tensor, y: tf.Tensor) =>
    checkPairedBatches(functionName, x, [xFeatures], y, [yFeatures]);

  const entropicScores = (data: PairedBatch, reference: PairedBatch): EntropicScores => {
    paired('minee.entropicScores', data.x, data.y);
    checkPairedBatches('minee.entropicScores', reference.x, [xFeatures], reference.y, [yFeatures]);
    return {
      jointData: jointDiagonal(joint, data.x as tf.Tensor2D, data.y as tf.Tensor2D),
      jointReference: jointDiagonal(joint, reference.x as tf.Tensor2D, reference.y as tf.Tensor2D),
      xData: single(xHead, data.x),
      xReference: single(xHead, reference.x),
      yData: single(yHead, data.y),
      yReference: single(yHead, reference.y),
    };
  };

  const critic: MineeCritic = assembleCritic({
    id: 'minee',
    options: {
      xFeatures,
      yFeatures,
      hiddenUnits,
      activation,
      ...(init === undefined ? {} : { initStd: init.std }),
      referenceFactor,
      seed,
    },
    store,
    scores: (x, y) => {
      paired('minee.scores', x, y);
      return jointAllPairs(joint, x as tf.Tensor2D, y as tf.Tensor2D);
    },
    pairs: (x, y) => {
      paired('minee.pairs', x, y);
      return jointDiagonal(joint, x as tf.Tensor2D, y as tf.Tensor2D);
    },
    extra: {
      xScores(x: tf.Tensor): tf.Tensor1D {
        checkBatch('minee.xScores', 'x', x, [xFeatures]);
        return single(xHead, x);
      },
      yScores(y: tf.Tensor): tf.Tensor1D {
        checkBatch('minee.yScores', 'y', y, [yFeatures]);
        return single(yHead, y);
      },
      entropicScores,
      boundInputs(batch: Batch, context: BoundInputContext): BoundInputs {
        paired('minee.boundInputs', batch.x, batch.y);
        if (!context.requires.includes('entropic')) {
          return { scores: jointAllPairs(joint, batch.x as tf.Tensor2D, batch.y as tf.Tensor2D) };
        }
        const box = context.dataBounds();
        const m = referenceFactor * (batch.x.shape[0] as number);
        const reference = {
          x: sampleUniformBox(box.x, m, batch.x.shape.slice(1), context.random),
          y: sampleUniformBox(box.y, m, batch.y.shape.slice(1), context.random),
        };
        // Through the critic object, so a wrapper of entropicScores sees the reference batch.
        return { entropic: critic.entropicScores(batch, reference) };
      },
    },
  });
  return critic;
}

/** The `minee` critic as a registry plugin. */
export const mineeCriticPlugin: NeuralCriticPlugin<MineeCriticOptions> = {
  id: 'minee',
  kind: 'critic',
  specificationVersion: 'v1',
  displayName: 'MI-NEE three-head critic',
  description:
    'One module with three outputs f₀(x, y), f₁(x), f₂(y) (MLP branches), scored on data and on uniform reference samples for the MI-NEE bound; scores/pairs give f₀.',
  references: [{ ...papers.minee, location: '§3.2' }],
  create: (options) => mineeCritic(options),
};
