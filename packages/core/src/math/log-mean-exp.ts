import * as tf from '@tensorflow/tfjs-core';
import { logMeanExpOffDiagonalKernel } from '../kernels/diagonal-kernels';
import { assertNumber } from '../validate/assert-number';
import { maskDiagonal } from './diagonal-mask';

/**
 * log( mean(e^x) ) over every entry (or along `axis`), computed as logsumexp(x) − log(count) so
 * that scores as large as ±1e4 neither overflow nor underflow.
 *
 * @example
 * ```ts
 * logMeanExp(tf.tensor([0, Math.log(3)])); // log 2
 * ```
 */
export function logMeanExp(x: tf.Tensor, axis?: number): tf.Tensor {
  return tf.tidy(() => {
    const count = axis === undefined ? x.size : (x.shape[axis < 0 ? x.rank + axis : axis] ?? 1);
    return tf.sub(tf.logSumExp(x, axis), Math.log(count));
  });
}

/**
 * log( 1/(n(n−1)) · Σ_{i≠j} e^{S_ij} ): the log partition term of the DV, MINE and SMILE bounds
 * over the off-diagonal (product-of-marginals) entries of the score matrix. The diagonal is
 * masked to −∞ with `tf.where`, so it contributes exactly zero to the sum and to the gradient.
 * With `clip`, on the scores clipped to [−clip, clip] first, as `tf.clipByValue` does (no gradient
 * where the clip acts): SMILE's clipped partition function. Requires n ≥ 2. On cpu, wasm and
 * tensorflow it is one kernel, the clip included, that keeps the softmax weights over the
 * off-diagonal entries for its gradient (see `setBoundKernels`).
 */
export function logMeanExpOffDiagonal(
  scores: tf.Tensor2D,
  clip: number = Number.POSITIVE_INFINITY,
): tf.Scalar {
  assertNumber('logMeanExpOffDiagonal', 'clip', clip, { min: 0, allowInfinity: true });
  const fused = logMeanExpOffDiagonalKernel(scores, clip);
  if (fused !== undefined) return fused;
  return tf.tidy(() => {
    const n = scores.shape[0];
    const clipped = Number.isFinite(clip) ? tf.clipByValue(scores, -clip, clip) : scores;
    return tf.sub(tf.logSumExp(maskDiagonal(clipped)), Math.log(n * (n - 1))) as tf.Scalar;
  });
}

/** The mean of the off-diagonal entries of a square matrix (n ≥ 2). */
export function meanOffDiagonal(scores: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const n = scores.shape[0];
    return tf.div(tf.sum(maskDiagonal(scores, 0)), n * (n - 1)) as tf.Scalar;
  });
}
