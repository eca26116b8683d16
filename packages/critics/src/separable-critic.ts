import { fastMatMul, papers } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';
import { applyMlp, createMlp } from './layers/dense';
import { createWeightStore } from './layers/weight-store';
import { assembleCritic, type NeuralCritic, type NeuralCriticPlugin } from './neural-critic';
import { checkPairedBatches } from './validate/check-inputs';
import {
  assertNumber,
  assertOneOf,
  assertPositiveInteger,
  checkBoolean,
  checkUnits,
  rejectUnknownOptions,
  resolveSeed,
} from './validate/check-options';

/** Options of {@link separableCritic}. */
export interface SeparableCriticOptions {
  /** Number of features of x. */
  readonly xFeatures: number;
  /** Number of features of y. */
  readonly yFeatures: number;
  /** Hidden widths of both embedding networks g and h. Default `[256, 256]` (paper 003). */
  readonly hiddenUnits?: readonly number[];
  /** Size of the embeddings g(x) and h(y). Default `32` (paper 003). */
  readonly embeddingSize?: number;
  /** Hidden-layer activation. Default `'relu'`. */
  readonly activation?: 'relu' | 'elu';
  /** Divides every score: T = g(x)·h(y) / temperature. Default `1`. */
  readonly temperature?: number;
  /** Normalise g(x) and h(y) to unit length first (cosine similarity). Default `false`. */
  readonly cosine?: boolean;
  /**
   * Seed of the initial weights (its `'critic-init'` stream, see `deriveRandom` in `@mi/core`);
   * the only randomness of the critic (there is no dropout). Default `DEFAULT_SEED` (0).
   */
  readonly seed?: number;
}

/** A separable critic: see {@link separableCritic}. */
export interface SeparableCritic extends NeuralCritic {
  /** The x embeddings g(x): n × embeddingSize (normalised when `cosine`). */
  embedX(x: tf.Tensor): tf.Tensor2D;
  /** The y embeddings h(y): n × embeddingSize (normalised when `cosine`). */
  embedY(y: tf.Tensor): tf.Tensor2D;
}

const OPTION_NAMES = [
  'xFeatures',
  'yFeatures',
  'hiddenUnits',
  'embeddingSize',
  'activation',
  'temperature',
  'cosine',
  'seed',
];

/**
 * The separable critic of CPC and paper 003:
 *
 * ```
 * T(x, y) = g(x)ᵀ h(y) / τ,   S = G·Hᵀ / τ
 * ```
 *
 * with g and h two MLPs (`d → 256 → 256 → 32` by default, ReLU). All n² scores come from one
 * n × n product of the embeddings. With `cosine`, g(x) and h(y) are scaled to unit length, so
 * T is a cosine similarity divided by the temperature τ.
 *
 * @example
 * ```ts
 * const critic = separableCritic({ xFeatures: 20, yFeatures: 20, seed: 1 });
 * ```
 * @see Song & Ermon 2020, §6.1 and App. B (paper 003).
 */
export function separableCritic(options: SeparableCriticOptions): SeparableCritic {
  const name = 'separableCritic';
  rejectUnknownOptions(name, options, OPTION_NAMES);
  assertPositiveInteger(name, 'xFeatures', options.xFeatures);
  assertPositiveInteger(name, 'yFeatures', options.yFeatures);
  const hiddenUnits = checkUnits(name, 'hiddenUnits', options.hiddenUnits ?? [256, 256]);
  const embeddingSize = options.embeddingSize ?? 32;
  assertPositiveInteger(name, 'embeddingSize', embeddingSize);
  const activation = options.activation ?? 'relu';
  assertOneOf(name, 'activation', activation, ['relu', 'elu'] as const);
  const temperature = options.temperature ?? 1;
  assertNumber(name, 'temperature', temperature, { min: 0, minExclusive: true });
  const cosine = checkBoolean(name, 'cosine', options.cosine ?? false);
  const seed = resolveSeed(name, options.seed);
  const { xFeatures, yFeatures } = options;

  const store = createWeightStore('separable', seed);
  const g = createMlp(store, 'g/', xFeatures, hiddenUnits, embeddingSize);
  const h = createMlp(store, 'h/', yFeatures, hiddenUnits, embeddingSize);
  const embed = (mlp: typeof g, input: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => {
      const e = applyMlp(mlp, input, activation);
      return cosine ? (tf.div(e, tf.norm(e, 'euclidean', 1, true)) as tf.Tensor2D) : e;
    });
  const both = (method: string, x: tf.Tensor, y: tf.Tensor) => {
    checkPairedBatches(`separable.${method}`, x, [xFeatures], y, [yFeatures]);
    return [embed(g, x as tf.Tensor2D), embed(h, y as tf.Tensor2D)] as const;
  };

  return assembleCritic({
    id: 'separable',
    options: {
      xFeatures,
      yFeatures,
      hiddenUnits,
      embeddingSize,
      activation,
      temperature,
      cosine,
      seed,
    },
    store,
    scores: (x, y) =>
      tf.tidy(() => {
        const [gx, hy] = both('scores', x, y);
        const s = fastMatMul(gx, hy, { transposeB: true });
        return temperature === 1 ? s : tf.div(s, temperature);
      }),
    pairs: (x, y) =>
      tf.tidy(() => {
        const [gx, hy] = both('pairs', x, y);
        const s = tf.sum(tf.mul(gx, hy), 1) as tf.Tensor1D;
        return temperature === 1 ? s : tf.div(s, temperature);
      }),
    extra: {
      embedX(x: tf.Tensor): tf.Tensor2D {
        checkPairedBatches('separable.embedX', x, [xFeatures], x, [xFeatures]);
        return embed(g, x as tf.Tensor2D);
      },
      embedY(y: tf.Tensor): tf.Tensor2D {
        checkPairedBatches('separable.embedY', y, [yFeatures], y, [yFeatures]);
        return embed(h, y as tf.Tensor2D);
      },
    },
  });
}

/** The `separable` critic as a registry plugin. */
export const separableCriticPlugin: NeuralCriticPlugin<SeparableCriticOptions> = {
  id: 'separable',
  kind: 'critic',
  specificationVersion: 'v1',
  displayName: 'Separable critic',
  description:
    'T(x, y) = g(x)·h(y) / τ with g, h MLPs (default d → 256 → 256 → 32, ReLU); optional cosine normalisation. All pairs in one n × n product.',
  references: [{ ...papers.smile, location: 'App. B' }],
  create: (options) => separableCritic(options),
};
