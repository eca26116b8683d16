import type { RandomSource } from '@mi/spec';

/**
 * Seeds for tfjs initialisers and random ops (`tf.initializers.glorotUniform({ seed })`,
 * `tf.randomNormal(shape, 0, 1, 'float32', seed)`): a deterministic sequence of 31-bit integers
 * drawn from a random stream, one per variable, so the same seed gives the same initial weights.
 *
 * @example
 * ```ts
 * const seeds = tensorflowSeeds(createRandom(7));
 * const w = tf.variable(tf.randomNormal([20, 256], 0, 0.05, 'float32', seeds.next()));
 * ```
 */
export interface TensorflowSeeds {
  /** The next seed. */
  next(): number;
}

/** Creates a {@link TensorflowSeeds} sequence from a random stream (it draws from a split). */
export function tensorflowSeeds(random: RandomSource): TensorflowSeeds {
  const stream = random.split();
  return { next: () => stream.nextSeed() };
}
