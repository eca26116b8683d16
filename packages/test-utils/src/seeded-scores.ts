import * as tf from '@tensorflow/tfjs-core';

/**
 * A seeded n × n score matrix as plain numbers (float32 values): uniform in [low, high), plus
 * `lift` on the diagonal (the joint pairs), for tests that compare a bound with its float64
 * reference on the same matrix.
 */
export function seededScores(
  n: number,
  seed: number,
  low: number,
  high: number,
  lift = 0,
): number[][] {
  return tf
    .tidy(() =>
      tf.add(tf.randomUniform([n, n], low, high, 'float32', seed), tf.mul(tf.eye(n), lift)),
    )
    .arraySync() as number[][];
}
