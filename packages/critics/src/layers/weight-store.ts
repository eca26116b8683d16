import { deriveRandom, tensorflowSeeds } from '@mi/core';
import { InvalidStateError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The variables of one critic, created from one seed in a fixed order (so the same seed gives
 * the same initial weights on every backend: tfjs's random ops run in JavaScript) and kept under
 * stable names such as `hidden1/kernel`, the names used in saved weight files. The tfjs variable
 * names carry a per-instance prefix, because tfjs requires them to be unique in the process.
 */
export interface WeightStore {
  /** Stable name → variable, in creation order. */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  readonly trainable: readonly tf.Variable[];
  readonly nonTrainable: readonly tf.Variable[];
  /** Entries drawn from U(−limit, limit). */
  uniform(name: string, shape: readonly number[], limit: number): tf.Variable;
  /** Entries drawn from N(0, std²). */
  normal(name: string, shape: readonly number[], std: number): tf.Variable;
  /** Entries all equal to `value` (batch-norm scales, offsets and moving statistics). */
  constant(name: string, shape: readonly number[], value: number, trainable: boolean): tf.Variable;
  dispose(): void;
}

let instances = 0;

/** A unique tfjs variable-name prefix for a new critic instance. */
function uniquePrefix(criticId: string): string {
  const registered = tf.engine().registeredVariables;
  let prefix: string;
  do {
    instances += 1;
    prefix = `mi-critic-${criticId}-${instances}`;
  } while (Object.keys(registered).some((name) => name.startsWith(`${prefix}/`)));
  return prefix;
}

/**
 * Creates an empty store whose random initialisers draw their seeds from the `'critic-init'`
 * stream of `seed` (see `deriveRandom` in `@mi/core`): a run of `train` with the same seed draws
 * its data from another stream, so the initial weights and the first batches share no bits.
 */
export function createWeightStore(criticId: string, seed: number): WeightStore {
  const seeds = tensorflowSeeds(deriveRandom(seed, 'critic-init'));
  const prefix = uniquePrefix(criticId);
  const weights = new Map<string, tf.Variable>();
  const trainable: tf.Variable[] = [];
  const nonTrainable: tf.Variable[] = [];

  const add = (name: string, initial: () => tf.Tensor, isTrainable: boolean): tf.Variable => {
    if (weights.has(name)) {
      // A critic implementation that names two weights alike: a programming error, not user input.
      throw new InvalidStateError({
        functionName: `${criticId} weights`,
        state: 'duplicate weight',
        message: `${criticId}: the weight '${name}' was created twice (weight names must be unique)`,
      });
    }
    const value = tf.tidy(initial);
    const variable = tf.variable(value, isTrainable, `${prefix}/${name}`);
    value.dispose();
    weights.set(name, variable);
    (isTrainable ? trainable : nonTrainable).push(variable);
    return variable;
  };

  return {
    weights,
    trainable,
    nonTrainable,
    uniform: (name, shape, limit) =>
      add(name, () => tf.randomUniform([...shape], -limit, limit, 'float32', seeds.next()), true),
    normal: (name, shape, std) =>
      add(name, () => tf.randomNormal([...shape], 0, std, 'float32', seeds.next()), true),
    constant: (name, shape, value, isTrainable) =>
      add(name, () => tf.fill([...shape], value, 'float32'), isTrainable),
    dispose() {
      for (const variable of weights.values()) variable.dispose();
      weights.clear();
      trainable.length = 0;
      nonTrainable.length = 0;
    },
  };
}
