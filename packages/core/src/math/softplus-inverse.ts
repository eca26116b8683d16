import * as tf from '@tensorflow/tfjs-core';

/**
 * The inverse of softplus(x) = log(1 + eˣ): softplus⁻¹(y) = log(eʸ − 1) = y + log(1 − e^{−y}),
 * for y > 0. The second form stays finite for large y (where eʸ overflows) and uses expm1 for
 * small y (where eʸ − 1 loses precision). Non-positive y gives NaN (or −∞ at 0), as the
 * mathematical function is undefined there.
 */
export function softplusInverse(y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(y, tf.log(tf.neg(tf.expm1(tf.neg(y))))));
}
