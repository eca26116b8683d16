import { fastMatMul, papers } from '@mi/core';
import { InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { applyMlp, createMlp } from './layers/dense';
import { createWeightStore } from './layers/weight-store';
import { assembleCritic, type NeuralCritic, type NeuralCriticPlugin } from './neural-critic';
import { checkPairedBatches } from './validate/check-inputs';
import {
  assertOneOf,
  assertPositiveInteger,
  checkUnits,
  rejectUnknownOptions,
  resolveSeed,
} from './validate/check-options';

/** Options of {@link conditionalGaussianCritic}. */
export interface ConditionalGaussianCriticOptions {
  /** Number of features of x. */
  readonly xFeatures: number;
  /** Number of features of y (the dimension d of the Gaussian). */
  readonly yFeatures: number;
  /**
   * The mean network μ(x): `'mlp'` (default), an MLP with `hiddenUnits`; `'linear'`, an affine
   * map W x + b, which contains the exact conditional of a correlated Gaussian (μ = ρx).
   */
  readonly mean?: 'mlp' | 'linear';
  /** Hidden widths of the `'mlp'` mean (at least one). Default `[256, 256]`; `[]` for `'linear'`. */
  readonly hiddenUnits?: readonly number[];
  /** Hidden-layer activation of the `'mlp'` mean. Default `'relu'`. */
  readonly activation?: 'relu' | 'elu';
  /**
   * Seed of the initial weights (its `'critic-init'` stream, see `deriveRandom` in `@mi/core`);
   * the only randomness of the critic. Default `DEFAULT_SEED` (0).
   */
  readonly seed?: number;
}

/** A conditional-Gaussian critic: see {@link conditionalGaussianCritic}. */
export interface ConditionalGaussianCritic extends NeuralCritic {
  /** The conditional mean μ(x): n × yFeatures. */
  conditionalMean(x: tf.Tensor): tf.Tensor2D;
}

const OPTION_NAMES = ['xFeatures', 'yFeatures', 'mean', 'hiddenUnits', 'activation', 'seed'];

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The critic of TNCE (Poole et al. 2019 §2.5): the log-density of a tractable conditional
 * ("encoder") q(y | x), a Gaussian with a learned mean μ(x) and a learned diagonal scale σ:
 *
 * ```
 * T(x, y) = log N(y; μ(x), diag σ²) = −½ Σ_k ((y_k − μ_k(x)) / σ_k)² − Σ_k log σ_k − (d/2) log 2π
 * S = A·Bᵀ − ½‖a_i‖² 1ᵀ − ½ 1 ‖b_j‖² − Σ_k log σ_k − (d/2) log 2π
 * ```
 *
 * with a_i = (μ(x_i) − c)/σ and b_j = (y_j − c)/σ (c the batch mean of y, which cancels exactly and
 * keeps the expansion free of cancellation when the data sit far from 0): all n² scores come
 * from one n × d × n product, never an n² × d tensor. μ is an MLP of x (`d_x → 256 → 256 → d`,
 * ReLU, by default) or an affine map (`mean: 'linear'`); log σ is one learned value per output
 * dimension, starting at 0 (σ = 1). Use it with the `tnce` bound, which contrasts each y_j against
 * every x_i (the columns of S), so that the batch mixture (1/n) Σ_i q(y | x_i) stands in for p(y).
 *
 * @example
 * ```ts
 * const critic = conditionalGaussianCritic({ xFeatures: 20, yFeatures: 20, mean: 'linear' });
 * const { estimate } = evaluateBound(tnce(), { scores: critic.scores(x, y) });
 * ```
 * @see Poole et al. 2019, "On Variational Bounds of Mutual Information", §2.5 (I_TNCE).
 */
export function conditionalGaussianCritic(
  options: ConditionalGaussianCriticOptions,
): ConditionalGaussianCritic {
  const name = 'conditionalGaussianCritic';
  rejectUnknownOptions(name, options, OPTION_NAMES);
  assertPositiveInteger(name, 'xFeatures', options.xFeatures);
  assertPositiveInteger(name, 'yFeatures', options.yFeatures);
  const mean = options.mean ?? 'mlp';
  assertOneOf(name, 'mean', mean, ['mlp', 'linear'] as const);
  const hiddenUnits = checkUnits(
    name,
    'hiddenUnits',
    options.hiddenUnits ?? (mean === 'mlp' ? [256, 256] : []),
    mean === 'mlp' ? 1 : 0,
  );
  if (mean === 'linear' && hiddenUnits.length > 0) {
    throw new InvalidArgumentError({
      functionName: name,
      parameter: 'hiddenUnits',
      value: hiddenUnits,
      expected: "[] with mean 'linear' (hidden layers need mean 'mlp')",
    });
  }
  const activation = options.activation ?? 'relu';
  assertOneOf(name, 'activation', activation, ['relu', 'elu'] as const);
  const seed = resolveSeed(name, options.seed);
  const { xFeatures, yFeatures } = options;

  const store = createWeightStore('conditional-gaussian', seed);
  const meanNetwork = createMlp(store, 'mean/', xFeatures, hiddenUnits, yFeatures);
  const logScale = store.constant('logScale', [yFeatures], 0, true) as tf.Variable<tf.Rank.R1>;
  // Σ_k log σ_k + (d/2) log 2π: the normaliser every score shares.
  const logNormalizer = () => tf.add(tf.sum(logScale), yFeatures * HALF_LOG_TWO_PI);
  const conditionalMean = (x: tf.Tensor): tf.Tensor2D =>
    applyMlp(meanNetwork, x as tf.Tensor2D, activation);
  // μ(x) and y, centred on the batch mean of y and divided by σ.
  const standardized = (method: string, x: tf.Tensor, y: tf.Tensor) => {
    checkPairedBatches(`conditional-gaussian.${method}`, x, [xFeatures], y, [yFeatures]);
    const centre = tf.mean(y, 0, true);
    const inverseScale = tf.exp(tf.neg(logScale));
    return [
      tf.mul(tf.sub(conditionalMean(x), centre), inverseScale) as tf.Tensor2D,
      tf.mul(tf.sub(y, centre), inverseScale) as tf.Tensor2D,
    ] as const;
  };
  const halfSquaredNorms = (t: tf.Tensor2D) => tf.mul(tf.sum(tf.square(t), 1), 0.5);

  return assembleCritic({
    id: 'conditional-gaussian',
    options: { xFeatures, yFeatures, mean, hiddenUnits, activation, seed },
    store,
    scores: (x, y) =>
      tf.tidy(() => {
        const [a, b] = standardized('scores', x, y);
        const n = a.shape[0];
        // −½‖a_i − b_j‖² = a_i·b_j − ½‖a_i‖² − ½‖b_j‖².
        const cross = fastMatMul(a, b, { transposeB: true });
        // The normaliser joins the row term, not the n × n matrix, so that the matrix's gradient
        // is never reduced over all axes as well as over axis 0: on wasm, @mi/core's Sum kernel
        // reduces as a product with a reshape of its input, XNNPACK caches the packed operand by
        // data id, and the second reduction of one tensor in another shape reads the first's.
        const rows = tf.reshape(tf.add(halfSquaredNorms(a), logNormalizer()), [n, 1]);
        const columns = tf.reshape(halfSquaredNorms(b), [1, n]);
        return tf.sub(tf.sub(cross, rows), columns) as tf.Tensor2D;
      }),
    pairs: (x, y) =>
      tf.tidy(() => {
        const [a, b] = standardized('pairs', x, y);
        return tf.neg(tf.add(halfSquaredNorms(tf.sub(b, a)), logNormalizer())) as tf.Tensor1D;
      }),
    extra: {
      conditionalMean(x: tf.Tensor): tf.Tensor2D {
        checkPairedBatches('conditional-gaussian.conditionalMean', x, [xFeatures], x, [xFeatures]);
        return tf.tidy(() => conditionalMean(x));
      },
    },
  });
}

/** The `conditional-gaussian` critic as a registry plugin. */
export const conditionalGaussianCriticPlugin: NeuralCriticPlugin<ConditionalGaussianCriticOptions> =
  {
    id: 'conditional-gaussian',
    kind: 'critic',
    specificationVersion: 'v1',
    displayName: 'Conditional Gaussian critic',
    description:
      "T(x, y) = log N(y; μ(x), diag σ²), μ an MLP (default d → 256 → 256 → d) or affine map of x, log σ learned per dimension: the tractable conditional of TNCE (bound 'tnce'). All pairs from one n × n product.",
    references: [
      { ...papers.poole, location: '§2.5' },
      { ...papers.remine, location: 'App. 9, Table 1 (TNCE)' },
    ],
    create: (options) => conditionalGaussianCritic(options),
  };
