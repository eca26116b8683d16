import type { Critic, CriticConfig, CriticPlugin, ScoreMatrix } from '@mi/spec';
import {
  DataFormatError,
  InvalidArgumentError,
  InvalidStateError,
  ShapeMismatchError,
} from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { fileSystemHandler } from './io/file-system-handler';
import type { WeightStore } from './layers/weight-store';

/**
 * A critic of this package: the `Critic` contract of `@mi/spec` plus named weights, a
 * training/inference switch for batch norm, and save/load to a local directory.
 */
export interface NeuralCritic extends Critic {
  /**
   * Every variable (trainable and not) under its stable name (`hidden0/kernel`, `stem/bn/mean`),
   * the names used in saved weight files.
   */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /**
   * Whether batch-norm layers normalise with the batch's statistics and update their moving
   * averages (`true`, the default) or use the moving averages. No effect on critics without
   * batch norm.
   */
  readonly training: boolean;
  /** Switches between training and inference behaviour (see {@link NeuralCritic.training}). */
  setTraining(training: boolean): void;
  /**
   * Writes the config and the weights to `directory` (created if needed): `critic.json` and
   * `weights.bin`, each written atomically. Rebuild with `createCriticRegistry(…).load(dir)`.
   */
  save(directory: string): Promise<void>;
  /**
   * Replaces this critic's weights with those saved in `directory`. Throws if the file belongs to
   * another critic type or a weight is missing or has another shape.
   */
  load(directory: string): Promise<void>;
}

/** A critic plugin whose critics are {@link NeuralCritic}s. */
export interface NeuralCriticPlugin<Options = Record<string, unknown>>
  extends CriticPlugin<Options> {
  create(options: Options & { seed?: number }): NeuralCritic;
}

/** What a critic implementation provides to {@link assembleCritic}. */
export interface CriticParts<Extra extends object> {
  readonly id: string;
  /** The resolved options, seed included: JSON-serialisable. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly store: WeightStore;
  readonly scores: (x: tf.Tensor, y: tf.Tensor) => ScoreMatrix;
  readonly pairs: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor1D;
  /** Critic-specific members (sampled scores, entropic scores, …). */
  readonly extra: Extra;
}

/** Builds the shared part of every critic: config, variables, save/load, dispose. */
export function assembleCritic<Extra extends object>(
  parts: CriticParts<Extra>,
): NeuralCritic & NoInfer<Extra> {
  const { id, store } = parts;
  const options = structuredClone(parts.options) as Record<string, unknown>;
  let training = true;
  let disposed = false;
  const live = (method: string) => {
    if (disposed) {
      throw new InvalidStateError({
        functionName: `${id}.${method}`,
        state: 'disposed',
        message: `${id}.${method}: the critic was disposed; create a new one (or load a saved one)`,
      });
    }
  };
  const critic: NeuralCritic = {
    id,
    get training() {
      return training;
    },
    setTraining(next: boolean) {
      training = next;
    },
    scores(x, y) {
      live('scores');
      return parts.scores(x, y);
    },
    pairs(x, y) {
      live('pairs');
      return parts.pairs(x, y);
    },
    get trainableVariables() {
      return store.trainable;
    },
    get nonTrainableVariables() {
      return store.nonTrainable;
    },
    weights: store.weights,
    getConfig: (): CriticConfig => ({ id, config: structuredClone(options) }),
    async save(directory) {
      live('save');
      await saveWeights(critic, directory);
    },
    async load(directory) {
      live('load');
      await loadWeights(critic, directory);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      store.dispose();
    },
  };
  // A critic's own methods (sampledScores, shiftedPairs) refuse a disposed critic too.
  for (const [name, { value }] of Object.entries(Object.getOwnPropertyDescriptors(parts.extra))) {
    if (typeof value !== 'function') continue;
    (parts.extra as Record<string, unknown>)[name] = (...args: unknown[]) => {
      live(name);
      return (value as (...a: unknown[]) => unknown).apply(parts.extra, args);
    };
  }
  // Getters of `critic` must survive the merge, so copy descriptors rather than spread.
  return Object.defineProperties(
    parts.extra,
    Object.getOwnPropertyDescriptors(critic),
  ) as NeuralCritic & Extra;
}

async function saveWeights(critic: NeuralCritic, directory: string): Promise<void> {
  const named = [...critic.weights].map(([name, tensor]) => ({ name, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  await fileSystemHandler(directory).save({
    modelTopology: critic.getConfig() as object,
    weightSpecs: specs,
    weightData: data,
  });
}

/** Reads a critic's config (the JSON topology) from a saved directory. */
export async function readSavedConfig(directory: string): Promise<{
  config: CriticConfig;
  artifacts: tf.io.ModelArtifacts;
}> {
  const artifacts = await fileSystemHandler(directory).load();
  const config = artifacts.modelTopology as CriticConfig | undefined;
  if (
    config == null ||
    typeof config !== 'object' ||
    typeof config.id !== 'string' ||
    config.config == null ||
    typeof config.config !== 'object'
  ) {
    throw new DataFormatError({
      file: `${directory}/critic.json`,
      detail: 'modelTopology is not a critic config ({ id, config })',
    });
  }
  return { config, artifacts };
}

/** Assigns saved weights to `critic`, checking names and shapes first (all or nothing). */
export async function loadWeights(
  critic: NeuralCritic,
  directory: string,
  saved?: tf.io.ModelArtifacts,
): Promise<void> {
  const { config, artifacts } = saved
    ? { config: saved.modelTopology as CriticConfig, artifacts: saved }
    : await readSavedConfig(directory);
  const functionName = `${critic.id}.load`;
  if (config.id !== critic.id) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'directory',
      value: directory,
      expected: `weights of a '${critic.id}' critic`,
      message: `${functionName}: ${directory} holds a '${config.id}' critic, not a '${critic.id}' critic`,
    });
  }
  const tensors = tf.io.decodeWeights(artifacts.weightData ?? [], artifacts.weightSpecs ?? []);
  try {
    const names = new Set(Object.keys(tensors));
    for (const [name, variable] of critic.weights) {
      const tensor = tensors[name];
      if (tensor === undefined) {
        throw new InvalidArgumentError({
          functionName,
          parameter: 'directory',
          value: directory,
          expected: `a weight named '${name}'`,
          message: `${functionName}: ${directory} has no weight '${name}'`,
        });
      }
      if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
        throw new ShapeMismatchError({
          functionName,
          parameter: name,
          expected: variable.shape,
          received: tensor.shape,
          detail: `saved in ${directory}; was the critic built with other options?`,
        });
      }
      names.delete(name);
    }
    if (names.size > 0) {
      throw new InvalidArgumentError({
        functionName,
        parameter: 'directory',
        value: directory,
        expected: 'only weights this critic has',
        message: `${functionName}: ${directory} has weights this critic lacks: ${[...names].join(', ')}`,
      });
    }
    for (const [name, variable] of critic.weights) variable.assign(tensors[name]!);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
