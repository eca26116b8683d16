import { diagonal, logMeanExpOffDiagonal } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';

/** E_P[T]: the mean of the diagonal (joint pairs) of the score matrix. */
export function jointTerm(scores: tf.Tensor2D): tf.Scalar {
  return tf.mean(diagonal(scores));
}

/** The scores clipped to [−clip, clip]; unchanged when `clip` is undefined or infinite. */
export function clipScores(scores: tf.Tensor2D, clip?: number): tf.Tensor2D {
  return clip === undefined || clip === Number.POSITIVE_INFINITY
    ? scores
    : tf.clipByValue(scores, -clip, clip);
}

/**
 * log E_Q[e^T] over the off-diagonal entries, on scores clipped to [−clip, clip] when `clip`
 * is finite (SMILE's clipped partition function, Song & Ermon 2020 §5).
 */
export function logPartitionOffDiagonal(scores: tf.Tensor2D, clip?: number): tf.Scalar {
  // The clip runs inside @mi/core's kernel (one dispatch, and no tape copy of the clip's input).
  return logMeanExpOffDiagonal(scores, clip);
}

/** The negated value, as a loss. */
export function negate(x: tf.Scalar): tf.Scalar {
  return tf.neg(x);
}
