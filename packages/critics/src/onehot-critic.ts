import { papers } from '@mi/core';
import { ShapeMismatchError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createJointNetwork, jointAllPairs, jointDiagonal } from './layers/joint-network';
import { createWeightStore } from './layers/weight-store';
import { assembleCritic, type NeuralCritic, type NeuralCriticPlugin } from './neural-critic';
import {
  assertPositiveInteger,
  checkUnits,
  rejectUnknownOptions,
  resolveSeed,
} from './validate/check-options';
import { toOneHot } from './validate/to-one-hot';

/** Options of {@link onehotCritic}. */
export interface OnehotCriticOptions {
  /** Number of classes N of x. Default `16` (paper 000). */
  readonly xClasses?: number;
  /** Number of classes of y. Default: `xClasses` (the paper estimates I(X; X)). */
  readonly yClasses?: number;
  /** Hidden widths. Default `[256]`: the paper's 32 − 256 − 1 for N = 16. */
  readonly hiddenUnits?: readonly number[];
  /**
   * Seed of the initial weights (its `'critic-init'` stream, see `deriveRandom` in `@mi/core`);
   * the only randomness of the critic (there is no dropout). Default `DEFAULT_SEED` (0).
   */
  readonly seed?: number;
}

const OPTION_NAMES = ['xClasses', 'yClasses', 'hiddenUnits', 'seed'];

/**
 * The one-hot critic of paper 000 §3.1 (the drifting and explosion experiments):
 *
 * ```
 * T(x, y) = w₂ᵀ ReLU(W₁ [onehot(x), onehot(y)] + b₁)      (no bias on the output)
 * ```
 *
 * widths 2N → 256 → 1 (32 − 256 − 1 for N = 16). Inputs are label vectors (integers in
 * [0, N)) or one-hot rows. The output layer has no bias, as in the paper: a bias would shift
 * every score alike, the drift the paper studies. All pairs use the split first layer of the
 * joint critic (a one-hot row times W_x selects a row of W_x).
 *
 * @example
 * ```ts
 * const critic = onehotCritic({ xClasses: 16, seed: 1 });
 * const scores = critic.scores(tf.tensor1d([3, 7], 'int32'), tf.tensor1d([3, 7], 'int32'));
 * ```
 * @see ReMINE, §3.1 (paper 000).
 */
export function onehotCritic(options: OnehotCriticOptions = {}): NeuralCritic {
  const name = 'onehotCritic';
  rejectUnknownOptions(name, options, OPTION_NAMES);
  const xClasses = options.xClasses ?? 16;
  assertPositiveInteger(name, 'xClasses', xClasses);
  const yClasses = options.yClasses ?? xClasses;
  assertPositiveInteger(name, 'yClasses', yClasses);
  const hiddenUnits = checkUnits(name, 'hiddenUnits', options.hiddenUnits ?? [256], 1);
  const seed = resolveSeed(name, options.seed);

  const store = createWeightStore('onehot', seed);
  const net = createJointNetwork(store, '', xClasses, yClasses, hiddenUnits, 'relu', {
    outputBias: false,
  });
  const encode = <T>(
    method: string,
    x: tf.Tensor,
    y: tf.Tensor,
    f: (a: tf.Tensor2D, b: tf.Tensor2D) => T,
  ) =>
    tf.tidy(() => {
      const functionName = `onehot.${method}`;
      const a = toOneHot(functionName, 'x', x, xClasses);
      const b = toOneHot(functionName, 'y', y, yClasses);
      if (a.shape[0] !== b.shape[0]) {
        throw new ShapeMismatchError({
          functionName,
          parameter: 'y',
          expected: y.rank === 1 ? [a.shape[0]] : [a.shape[0], yClasses],
          received: y.shape,
          detail: `y must have as many rows as x (${a.shape[0]})`,
        });
      }
      return f(a, b) as T & tf.TensorContainer;
    });

  return assembleCritic({
    id: 'onehot',
    options: { xClasses, yClasses, hiddenUnits, seed },
    store,
    scores: (x, y) => encode('scores', x, y, (a, b) => jointAllPairs(net, a, b)),
    pairs: (x, y) => encode('pairs', x, y, (a, b) => jointDiagonal(net, a, b)),
    extra: {},
  });
}

/** The `onehot` critic as a registry plugin. */
export const onehotCriticPlugin: NeuralCriticPlugin<OnehotCriticOptions> = {
  id: 'onehot',
  kind: 'critic',
  specificationVersion: 'v1',
  displayName: 'One-hot concatenation critic',
  description:
    'T(x, y) = w₂ᵀ ReLU(W₁[onehot(x), onehot(y)] + b₁), widths 2N → 256 → 1, no bias on the output layer (ReMINE §3.1).',
  references: [{ ...papers.remine, location: '§3.1; §4; appendix (ResNet-18)' }],
  create: (options) => onehotCritic(options),
};
