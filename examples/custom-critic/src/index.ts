/**
 * A third-party critic as a plugin: the cosine critic with a learned temperature of SimCLR and
 * CLIP,
 *
 * ```
 * T(x, y) = e^s · cos(g(x), h(y)),   g(x) = W_g x + b_g,   h(y) = W_h y + b_h
 * ```
 *
 * where the log-scale s = log(1/τ) is trained with the encoders (clamped at `log maxScale`, as
 * CLIP does). Cosine scores are bounded, |T| ≤ e^s, which keeps the variance of exponential
 * bounds (NWJ, DV) in check; the learned scale lets the bound choose how sharp the critic is
 * instead of fixing τ by hand (the built-in `separable` critic with `cosine: true` fixes it).
 *
 * It shows what a critic plugin needs, built only on public APIs: a plain object with
 * `kind: 'critic'` and `specificationVersion: 'v1'`; a factory that validates its options with
 * the typed errors of `@mi/spec` and draws its initial weights from a seed; `scores` in the
 * orientation `S[i][j] = T(x_i, y_j)` and `pairs` as its diagonal, inside `tf.tidy`, checking
 * shapes; every variable under a stable name in `weights`; and `getConfig`, `save` and `load` in
 * the format `createCriticRegistry(…).load` reads.
 *
 * @packageDocumentation
 */
import {
  assertNumber,
  assertPositiveInteger,
  assertShape,
  DEFAULT_SEED,
  deriveRandom,
  fastMatMul,
} from '@mi/core';
import { fileSystemHandler, type NeuralCritic, type NeuralCriticPlugin } from '@mi/critics';
import { type CriticConfig, InvalidArgumentError, ShapeMismatchError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link cosineCritic}. */
export interface CosineCriticOptions {
  /** Number of features of x. */
  readonly xFeatures: number;
  /** Number of features of y. */
  readonly yFeatures: number;
  /** Size of the embeddings g(x) and h(y). Default `16`. */
  readonly embeddingSize?: number;
  /** Initial temperature τ₀ (the scale starts at 1/τ₀). Default `0.1`. */
  readonly temperature?: number;
  /** Largest scale e^s (CLIP's clamp). Default `100`. */
  readonly maxScale?: number;
  /** Seed of the initial weights. Default `DEFAULT_SEED` of `@mi/core` (0). */
  readonly seed?: number;
}

/** A cosine critic: see {@link cosineCritic}. */
export interface CosineCritic extends NeuralCritic {
  /** The current scale e^s = 1/τ (after the clamp). */
  scale(): number;
}

const ID = 'cosine';
const OPTION_NAMES = ['xFeatures', 'yFeatures', 'embeddingSize', 'temperature', 'maxScale', 'seed'];

/**
 * Builds a cosine critic with a learned temperature (see the module documentation). The encoders
 * are linear maps initialised as PyTorch's `nn.Linear`, from the `'critic-init'` stream of the
 * seed, so the same seed gives the same weights on every backend.
 *
 * @example
 * ```ts
 * const critic = cosineCritic({ xFeatures: 20, yFeatures: 20, seed: 1 });
 * const scores = critic.scores(x, y); // n × n, |S| ≤ critic.scale()
 * ```
 * @see Radford et al. 2021 (CLIP), §2.5; Chen et al. 2020 (SimCLR), Eq. 1.
 */
export function cosineCritic(options: CosineCriticOptions): CosineCritic {
  const name = 'cosineCritic';
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new InvalidArgumentError({
        functionName: name,
        parameter: key,
        value: (options as unknown as Record<string, unknown>)[key],
        expected: `no such option; known options: ${OPTION_NAMES.join(', ')}`,
        message: `${name}: unknown option '${key}'; known options: ${OPTION_NAMES.join(', ')}`,
      });
    }
  }
  const { xFeatures, yFeatures } = options;
  assertPositiveInteger(name, 'xFeatures', xFeatures);
  assertPositiveInteger(name, 'yFeatures', yFeatures);
  const embeddingSize = options.embeddingSize ?? 16;
  assertPositiveInteger(name, 'embeddingSize', embeddingSize);
  const temperature = options.temperature ?? 0.1;
  assertNumber(name, 'temperature', temperature, { min: 0, minExclusive: true });
  const maxScale = options.maxScale ?? 100;
  assertNumber(name, 'maxScale', maxScale, { min: 1 / temperature });
  const seed = options.seed ?? DEFAULT_SEED;
  assertNumber(name, 'seed', seed, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
  const config = { xFeatures, yFeatures, embeddingSize, temperature, maxScale, seed };

  // Every variable is created here, after validation, so a rejected option leaks nothing.
  const random = deriveRandom(seed, 'critic-init');
  const prefix = uniquePrefix();
  const weights = new Map<string, tf.Variable>();
  const variable = (key: string, shape: number[], values: Float32Array): tf.Variable => {
    const initial = tf.tensor(values, shape);
    const v = tf.variable(initial, true, `${prefix}/${key}`);
    initial.dispose();
    weights.set(key, v);
    return v;
  };
  const uniform = (key: string, shape: number[], limit: number) =>
    variable(
      key,
      shape,
      random.fillUniform(new Float32Array(tf.util.sizeFromShape(shape)), -limit, limit),
    );
  const linear = (key: string, inputs: number) => ({
    kernel: uniform(
      `${key}/kernel`,
      [inputs, embeddingSize],
      1 / Math.sqrt(inputs),
    ) as tf.Variable<tf.Rank.R2>,
    bias: uniform(`${key}/bias`, [embeddingSize], 1 / Math.sqrt(inputs)),
  });
  const g = linear('g', xFeatures);
  const h = linear('h', yFeatures);
  const logScale = variable('log-scale', [], Float32Array.of(Math.log(1 / temperature)));
  const variables = [...weights.values()];

  let disposed = false;
  const check = (method: string, x: tf.Tensor, y: tf.Tensor): void => {
    const functionName = `${ID}.${method}`;
    if (disposed) {
      throw new InvalidArgumentError({
        functionName,
        parameter: 'this',
        value: 'a disposed critic',
        expected: 'a critic that has not been disposed',
      });
    }
    assertShape(functionName, 'x', x, [null, xFeatures]);
    assertShape(functionName, 'y', y, [x.shape[0]!, yFeatures], `as many rows as x`);
  };
  // Unit-length embeddings (the epsilon keeps a zero embedding finite), and the clamped scale.
  const embed = (input: tf.Tensor, layer: typeof g): tf.Tensor2D => {
    const e = tf.add(
      fastMatMul(tf.cast(input, 'float32') as tf.Tensor2D, layer.kernel),
      layer.bias,
    );
    return tf.div(e, tf.sqrt(tf.add(tf.sum(tf.square(e), 1, true), 1e-12))) as tf.Tensor2D;
  };
  const scale = () => tf.exp(tf.minimum(logScale, Math.log(maxScale)));

  const critic: CosineCritic = {
    id: ID,
    scores(x, y) {
      check('scores', x, y);
      return tf.tidy(() =>
        tf.mul(fastMatMul(embed(x, g), embed(y, h), { transposeB: true }), scale()),
      ) as tf.Tensor2D;
    },
    pairs(x, y) {
      check('pairs', x, y);
      return tf.tidy(() =>
        tf.mul(tf.sum(tf.mul(embed(x, g), embed(y, h)), 1), scale()),
      ) as tf.Tensor1D;
    },
    scale: () => tf.tidy(() => scale().dataSync()[0]!),
    trainableVariables: variables,
    nonTrainableVariables: [],
    weights,
    // No batch norm or dropout: training and inference are the same function.
    training: true,
    setTraining: () => {},
    getConfig: (): CriticConfig => ({ id: ID, config: { ...config } }),
    async save(directory) {
      const named = [...weights].map(([key, tensor]) => ({ name: key, tensor }));
      const { data, specs } = await tf.io.encodeWeights(named);
      await fileSystemHandler(directory).save({
        modelTopology: critic.getConfig() as object,
        weightSpecs: specs,
        weightData: data,
      });
    },
    async load(directory) {
      const artifacts = await fileSystemHandler(directory).load();
      const saved = artifacts.modelTopology as Partial<CriticConfig> | undefined;
      if (saved?.id !== ID) {
        throw new InvalidArgumentError({
          functionName: `${ID}.load`,
          parameter: 'directory',
          value: directory,
          expected: `weights of a '${ID}' critic, not of '${String(saved?.id)}'`,
        });
      }
      const tensors = tf.io.decodeWeights(
        artifacts.weightData ?? new ArrayBuffer(0),
        artifacts.weightSpecs ?? [],
      );
      try {
        // Check every weight before assigning any, so a bad file changes nothing.
        for (const [key, v] of weights) {
          const tensor = tensors[key];
          if (tensor === undefined || !tf.util.arraysEqual(tensor.shape, v.shape)) {
            throw new ShapeMismatchError({
              functionName: `${ID}.load`,
              parameter: key,
              expected: v.shape,
              received: tensor?.shape ?? [],
              detail: `saved in ${directory}`,
            });
          }
        }
        for (const [key, v] of weights) v.assign(tensors[key]!);
      } finally {
        tf.dispose(Object.values(tensors));
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const v of variables) v.dispose();
    },
  };
  return critic;
}

/** tfjs variable names are global: a fresh prefix per critic instance. */
let instances = 0;
function uniquePrefix(): string {
  const registered = Object.keys(tf.engine().registeredVariables);
  let prefix: string;
  do {
    instances += 1;
    prefix = `${ID}-critic-${instances}`;
  } while (registered.some((variableName) => variableName.startsWith(`${prefix}/`)));
  return prefix;
}

/**
 * The plugin object: add it to a registry with
 * `createCriticRegistry(builtinCritics).with(cosineCriticPlugin)`, or pass this module to the CLI
 * with `--plugin`.
 */
export const cosineCriticPlugin: NeuralCriticPlugin<CosineCriticOptions> = {
  id: ID,
  kind: 'critic',
  specificationVersion: 'v1',
  displayName: 'Cosine critic with a learned temperature',
  description:
    'T(x, y) = e^s · cos(W_g x + b_g, W_h y + b_h), with the log-scale s = log(1/τ) learned with the linear encoders and clamped at log(maxScale); |T| ≤ e^s.',
  references: [
    {
      citation: 'Radford et al. 2021',
      title: 'Learning Transferable Visual Models From Natural Language Supervision',
      location: '§2.5',
      url: 'https://arxiv.org/abs/2103.00020',
    },
    {
      citation: 'Chen et al. 2020',
      title: 'A Simple Framework for Contrastive Learning of Visual Representations',
      location: '§2.1, Eq. 1',
      url: 'https://arxiv.org/abs/2002.05709',
    },
  ],
  create: (options) => cosineCritic(options),
};
