import { diagonal, maskDiagonal } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The Jensen–Shannon f-GAN lower bound that JS and SMILE train on (Nowozin et al. 2016;
 * Poole et al. 2019 §2.3):
 *
 * ```
 * J = E_diag[−softplus(−T)] − 1/(n(n−1)) Σ_{i≠j} softplus(S_ij)
 * ```
 */
export function jensenShannonObjective(scores: tf.Tensor2D): tf.Scalar {
  const n = scores.shape[0];
  const positive = tf.mean(tf.neg(tf.softplus(tf.neg(diagonal(scores)))));
  // Diagonal set to −∞ contributes softplus(−∞) = 0 and no gradient.
  const negative = tf.div(tf.sum(tf.softplus(maskDiagonal(scores))), n * (n - 1));
  return tf.sub(positive, negative);
}
