import { fastMatMul, papers } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';
import { applyMlp, createMlp, type MlpWeights } from './layers/dense';
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

/** Options of {@link bilinearCritic}. */
export interface BilinearCriticOptions {
  /** Number of features of x. */
  readonly xFeatures: number;
  /** Number of features of y. */
  readonly yFeatures: number;
  /**
   * Hidden widths of the embedding networks g and h. Default `[]`: no embedding, the critic is
   * xᵀWy. With hidden layers it is g(x)ᵀ W h(y).
   */
  readonly hiddenUnits?: readonly number[];
  /** Size of g(x) and h(y) when `hiddenUnits` is not empty. Default `32`. */
  readonly embeddingSize?: number;
  /** Hidden-layer activation of g and h. Default `'relu'`. */
  readonly activation?: 'relu' | 'elu';
  /**
   * Seed of the initial weights (its `'critic-init'` stream, see `deriveRandom` in `@mi/core`);
   * the only randomness of the critic (there is no dropout). Default `DEFAULT_SEED` (0).
   */
  readonly seed?: number;
}

const OPTION_NAMES = [
  'xFeatures',
  'yFeatures',
  'hiddenUnits',
  'embeddingSize',
  'activation',
  'seed',
];

/**
 * The bilinear critic
 *
 * ```
 * T(x, y) = xᵀ W y            (hiddenUnits = [])
 * T(x, y) = g(x)ᵀ W h(y)      (g, h MLPs)
 * S = (G·W)·Hᵀ
 * ```
 *
 * the separable critic with a learned inner product. W is initialised as PyTorch's
 * `nn.Bilinear`: U(−1/√a, 1/√a) with a the size of x's side.
 *
 * @example
 * ```ts
 * const critic = bilinearCritic({ xFeatures: 20, yFeatures: 20, seed: 1 });
 * ```
 * @see Song & Ermon 2020, §6.1 (paper 003), where the separable critic is the case W = I.
 */
export function bilinearCritic(options: BilinearCriticOptions): NeuralCritic {
  const name = 'bilinearCritic';
  rejectUnknownOptions(name, options, OPTION_NAMES);
  assertPositiveInteger(name, 'xFeatures', options.xFeatures);
  assertPositiveInteger(name, 'yFeatures', options.yFeatures);
  const hiddenUnits = checkUnits(name, 'hiddenUnits', options.hiddenUnits ?? []);
  const embeddingSize = options.embeddingSize ?? 32;
  assertPositiveInteger(name, 'embeddingSize', embeddingSize);
  const activation = options.activation ?? 'relu';
  assertOneOf(name, 'activation', activation, ['relu', 'elu'] as const);
  const seed = resolveSeed(name, options.seed);
  const { xFeatures, yFeatures } = options;
  const embedded = hiddenUnits.length > 0;

  const store = createWeightStore('bilinear', seed);
  let g: MlpWeights | undefined;
  let h: MlpWeights | undefined;
  if (embedded) {
    g = createMlp(store, 'g/', xFeatures, hiddenUnits, embeddingSize);
    h = createMlp(store, 'h/', yFeatures, hiddenUnits, embeddingSize);
  }
  const left = embedded ? embeddingSize : xFeatures;
  const right = embedded ? embeddingSize : yFeatures;
  const w = store.uniform(
    'bilinear/kernel',
    [left, right],
    1 / Math.sqrt(left),
  ) as tf.Variable<tf.Rank.R2>;
  // (g(x)·W, h(y)): the two factors of every score.
  const factors = (method: string, x: tf.Tensor, y: tf.Tensor) => {
    checkPairedBatches(`bilinear.${method}`, x, [xFeatures], y, [yFeatures]);
    const gx = g ? applyMlp(g, x as tf.Tensor2D, activation) : (x as tf.Tensor2D);
    const hy = h ? applyMlp(h, y as tf.Tensor2D, activation) : (y as tf.Tensor2D);
    return [fastMatMul(gx, w), hy] as const;
  };

  return assembleCritic({
    id: 'bilinear',
    options: { xFeatures, yFeatures, hiddenUnits, embeddingSize, activation, seed },
    store,
    scores: (x, y) =>
      tf.tidy(() => {
        const [gw, hy] = factors('scores', x, y);
        return fastMatMul(gw, hy, { transposeB: true });
      }),
    pairs: (x, y) =>
      tf.tidy(() => {
        const [gw, hy] = factors('pairs', x, y);
        return tf.sum(tf.mul(gw, hy), 1) as tf.Tensor1D;
      }),
    extra: {},
  });
}

/** The `bilinear` critic as a registry plugin. */
export const bilinearCriticPlugin: NeuralCriticPlugin<BilinearCriticOptions> = {
  id: 'bilinear',
  kind: 'critic',
  specificationVersion: 'v1',
  displayName: 'Bilinear critic',
  description:
    'T(x, y) = xᵀWy, or g(x)ᵀWh(y) with MLP embeddings g, h: a separable critic with a learned inner product.',
  references: [{ ...papers.smile, location: 'App. B' }],
  create: (options) => bilinearCritic(options),
};
