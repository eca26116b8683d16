import * as tf from '@tensorflow/tfjs-core';
import { diagonalKernel, maskDiagonalKernel } from '../kernels/diagonal-kernels';

/**
 * A boolean n × n mask, true on the diagonal. Built from a comparison of index ranges, so it
 * needs no data upload and stays on the backend.
 */
export function diagonalMask(n: number): tf.Tensor2D {
  return tf.tidy(() => {
    const index = tf.range(0, n, 1, 'int32');
    return tf.equal(tf.reshape(index, [n, 1]), tf.reshape(index, [1, n])) as tf.Tensor2D;
  });
}

/**
 * The score matrix with its diagonal replaced by `fill` (default −∞), through `tf.where`.
 * Masking by `S + eye · (−∞)` would give 0 · ∞ = NaN off the diagonal; `where` never touches
 * the masked entries' values, and its gradient is zero there. On cpu, wasm and tensorflow it is
 * one kernel that copies S and sets the diagonal, with the same gradient (see `setBoundKernels`).
 */
export function maskDiagonal(scores: tf.Tensor2D, fill = Number.NEGATIVE_INFINITY): tf.Tensor2D {
  const fused = maskDiagonalKernel(scores, fill);
  if (fused !== undefined) return fused;
  return tf.tidy(() => {
    const n = scores.shape[0];
    return tf.where(diagonalMask(n), tf.fill([n, n], fill), scores) as tf.Tensor2D;
  });
}

/**
 * The diagonal `S[i][i]` of a square matrix as a vector (the joint pairs). One kernel on cpu,
 * wasm and tensorflow (gradient: the upstream vector on the diagonal, zero elsewhere).
 */
export function diagonal(scores: tf.Tensor2D): tf.Tensor1D {
  const fused = diagonalKernel(scores);
  if (fused !== undefined) return fused;
  return tf.tidy(() => {
    // where + sum rather than S · eye: 0 · ∞ would turn infinite off-diagonal scores into NaN.
    const kept = tf.where(diagonalMask(scores.shape[0]), scores, tf.zerosLike(scores));
    return tf.sum(kept, 1) as tf.Tensor1D;
  });
}
