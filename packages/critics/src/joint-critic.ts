import type { DenseActivation } from '@mi/core';
import { papers } from '@mi/core';
import { ShapeMismatchError, type ShiftedPairScores } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  createJointNetwork,
  jointAllPairs,
  jointDiagonal,
  jointShifted,
} from './layers/joint-network';
import { createWeightStore } from './layers/weight-store';
import { assembleCritic, type NeuralCritic, type NeuralCriticPlugin } from './neural-critic';
import { checkPairedBatches } from './validate/check-inputs';
import {
  assertNumber,
  assertOneOf,
  assertPositiveInteger,
  checkUnits,
  rejectUnknownOptions,
  resolveInit,
  resolveSeed,
} from './validate/check-options';

/** Options of {@link jointCritic}. */
export interface JointCriticOptions {
  /** Number of features of x (columns of the x batch). */
  readonly xFeatures: number;
  /** Number of features of y. */
  readonly yFeatures: number;
  /** Widths of the hidden layers, at least one. Default `[256, 256]` (papers 003 and 000). */
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
   * Partners per row in {@link JointCritic.sampledScores}: `'all'` (the n − 1 other rows) or a
   * count k < n of shifted partners, for batches whose n² pairs do not fit. Default `'all'`.
   */
  readonly negatives?: 'all' | number;
  /**
   * Seed of the initial weights (its `'critic-init'` stream, see `deriveRandom` in `@mi/core`);
   * the only randomness of the critic (there is no dropout). Default `DEFAULT_SEED` (0).
   */
  readonly seed?: number;
}

/** A joint critic: see {@link jointCritic}. */
export interface JointCritic extends NeuralCritic {
  /**
   * Scores of each x against its own y and k partners, without the other pairs:
   *
   * ```
   * R[i][c] = T(x_i, y_{(i + c) mod n}),   c = 0 … k
   * ```
   *
   * Column 0 holds the joint pairs (the diagonal of `scores`); columns 1 … k hold samples of the
   * product of marginals (for i.i.d. rows, y_{i+c} is independent of x_i). With `negatives:
   * 'all'`, k = n − 1 and each row is a cyclic shift of the row of `scores`. Costs n·(k + 1) pair
   * evaluations instead of n².
   */
  sampledScores(x: tf.Tensor, y: tf.Tensor): tf.Tensor2D;
  /**
   * S_ii and S_i,(i+1) mod n from 2n pair evaluations (the split first layer on 2n rows, the rest
   * on 2n pairs), for bounds with `reads: 'shifted-pairs'`. Requires n ≥ 2.
   */
  shiftedPairs(x: tf.Tensor, y: tf.Tensor): ShiftedPairScores;
}

const OPTION_NAMES = [
  'xFeatures',
  'yFeatures',
  'hiddenUnits',
  'activation',
  'initStd',
  'negatives',
  'seed',
];

/**
 * The joint (concatenation) critic of MINE and of papers 003 and 000:
 *
 * ```
 * T(x, y) = MLP([x, y]),   S[i][j] = T(x_i, y_j)
 * ```
 *
 * an MLP on the concatenation, `dx + dy → 256 → 256 → 1` with ReLU by default. All n² pairs are
 * scored with the first layer split as `x_i·W_x + y_j·W_y + b` (two n-row products and one
 * broadcast add) instead of an n²-row product on the tiled input; the later layers run on n²
 * rows. Weights are initialised as PyTorch's `nn.Linear`.
 *
 * @example
 * ```ts
 * const critic = jointCritic({ xFeatures: 20, yFeatures: 20, seed: 1 });
 * const scores = critic.scores(x, y); // 64 × 64 for a batch of 64
 * ```
 * @see Song & Ermon 2020, App. B (paper 003); ReMINE §4 network settings (paper 000).
 */
export function jointCritic(options: JointCriticOptions): JointCritic {
  const name = 'jointCritic';
  rejectUnknownOptions(name, options, OPTION_NAMES);
  assertPositiveInteger(name, 'xFeatures', options.xFeatures);
  assertPositiveInteger(name, 'yFeatures', options.yFeatures);
  const hiddenUnits = checkUnits(name, 'hiddenUnits', options.hiddenUnits ?? [256, 256], 1);
  const activation = options.activation ?? 'relu';
  assertOneOf(name, 'activation', activation, ['relu', 'elu'] as const);
  const negatives = options.negatives ?? 'all';
  if (negatives !== 'all') assertNumber(name, 'negatives', negatives, { integer: true, min: 1 });
  const init = resolveInit(name, options.initStd);
  const seed = resolveSeed(name, options.seed);
  const { xFeatures, yFeatures } = options;

  const store = createWeightStore('joint', seed);
  const net = createJointNetwork(
    store,
    '',
    xFeatures,
    yFeatures,
    hiddenUnits,
    activation as DenseActivation,
    { init },
  );
  const inputs = (method: string, x: tf.Tensor, y: tf.Tensor) => {
    const n = checkPairedBatches(`joint.${method}`, x, [xFeatures], y, [yFeatures]);
    return { n, x: x as tf.Tensor2D, y: y as tf.Tensor2D };
  };

  return assembleCritic({
    id: 'joint',
    options: {
      xFeatures,
      yFeatures,
      hiddenUnits,
      activation,
      ...(init === undefined ? {} : { initStd: init.std }),
      negatives,
      seed,
    },
    store,
    scores: (x, y) => {
      const batch = inputs('scores', x, y);
      return jointAllPairs(net, batch.x, batch.y);
    },
    pairs: (x, y) => {
      const batch = inputs('pairs', x, y);
      return jointDiagonal(net, batch.x, batch.y);
    },
    extra: {
      sampledScores(x: tf.Tensor, y: tf.Tensor): tf.Tensor2D {
        const batch = inputs('sampledScores', x, y);
        const k = negatives === 'all' ? batch.n - 1 : negatives;
        if (k >= batch.n) {
          throw new ShapeMismatchError({
            functionName: 'joint.sampledScores',
            parameter: 'x',
            expected: [k + 1, xFeatures],
            received: x.shape,
            detail: `negatives = ${k} needs a batch of at least ${k + 1} rows`,
          });
        }
        return jointShifted(net, batch.x, batch.y, k);
      },
      shiftedPairs(x: tf.Tensor, y: tf.Tensor): ShiftedPairScores {
        const batch = inputs('shiftedPairs', x, y);
        if (batch.n < 2) {
          throw new ShapeMismatchError({
            functionName: 'joint.shiftedPairs',
            parameter: 'x',
            expected: [2, xFeatures],
            received: x.shape,
            detail: 'n >= 2 rows (for n = 1 the shifted pair is the joint pair)',
          });
        }
        const [joint, shifted] = tf.tidy(() =>
          tf.unstack(jointShifted(net, batch.x, batch.y, 1), 1),
        );
        return { joint: joint as tf.Tensor1D, shifted: shifted as tf.Tensor1D };
      },
    },
  });
}

/** The `joint` critic as a registry plugin. */
export const jointCriticPlugin: NeuralCriticPlugin<JointCriticOptions> = {
  id: 'joint',
  kind: 'critic',
  specificationVersion: 'v1',
  displayName: 'Joint (concatenation) critic',
  description:
    'T(x, y) = MLP([x, y]): an MLP on the concatenated pair (default dx + dy → 256 → 256 → 1, ReLU), scored on all n² pairs with the first layer split as x·W_x + y·W_y + b.',
  references: [
    { ...papers.smile, location: 'App. B' },
    { ...papers.remine, location: '§3.1; §4; appendix (ResNet-18)' },
    papers.mine,
  ],
  create: (options) => jointCritic(options),
};
