import { assertOneOf, diagonal, logMeanExpOffDiagonal } from '@mi/core';
import type { ScoreInputs, ShiftedPairInputs } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Which samples of the product of marginals a bound's marginal (partition) term averages over:
 * - `all-pairs`: the n(n−1) off-diagonal entries S_ij, i ≠ j;
 * - `shifted`: the n entries S_i,(i+1) mod n — each x paired with the next row's y, one marginal
 *   sample per joint sample, as the papers' shuffled marginal batches (ReMINE 2021 §3.1, Alg. 1;
 *   Choi & Lee 2022 §3). In a batch of i.i.d. pairs (x_i, y_{i+1}) is a draw of P_X ⊗ P_Y; the
 *   shift is a derangement without randomness, so the bound stays a pure function of S.
 */
export type MarginalSampling = 'all-pairs' | 'shifted';

/** The accepted values of a `marginals` option. */
export const MARGINAL_SAMPLINGS: readonly MarginalSampling[] = ['all-pairs', 'shifted'];

/** Validates a bound's `marginals` option (default `all-pairs`); throws naming `marginals`. */
export function readMarginals(functionName: string, value: unknown): MarginalSampling {
  const marginals = value ?? 'all-pairs';
  assertOneOf(functionName, 'marginals', marginals, MARGINAL_SAMPLINGS);
  return marginals;
}

/** The config entry of a `marginals` option: present only when not the default, as before it existed. */
export function marginalsConfig(marginals: MarginalSampling): { marginals?: 'shifted' } {
  return marginals === 'all-pairs' ? {} : { marginals };
}

/** E_P[T]: the mean of the diagonal (joint pairs) of the score matrix. */
export function jointTerm(scores: tf.Tensor2D): tf.Scalar {
  return tf.mean(diagonal(scores));
}

/** The scores clipped to [−clip, clip]; unchanged when `clip` is undefined or infinite. */
export function clipScores<T extends tf.Tensor>(scores: T, clip?: number): T {
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

/**
 * The n scores S_i,(i+1) mod n: the superdiagonal and the corner S_(n−1),0. The columns are rolled
 * left by one (two slices and a concat, on every backend) and the fused diagonal kernel reads the
 * result; the gradient is the upstream vector scattered back to those n entries. Requires n ≥ 2
 * (for n = 1 the "shifted" pair would be the joint pair itself).
 */
export function shiftedPairs(scores: tf.Tensor2D): tf.Tensor1D {
  const n = scores.shape[0];
  const rolled = tf.concat(
    [tf.slice(scores, [0, 1], [n, n - 1]), tf.slice(scores, [0, 0], [n, 1])],
    1,
  ) as tf.Tensor2D;
  return diagonal(rolled);
}

/**
 * log E_Q[e^T] over the n shifted pairs, log( 1/n Σ_i e^{S_i,(i+1) mod n} ), on scores clipped to
 * [−clip, clip] when `clip` is finite.
 */
export function logPartitionShifted(scores: tf.Tensor2D, clip?: number): tf.Scalar {
  return logMeanExpClipped(shiftedPairs(scores), clip);
}

/** log( 1/n Σ_i e^{v_i} ) of the n values, clipped to [−clip, clip] when `clip` is finite. */
function logMeanExpClipped(values: tf.Tensor1D, clip?: number): tf.Scalar {
  return tf.sub(tf.logSumExp(clipScores(values, clip)), Math.log(values.shape[0])) as tf.Scalar;
}

/** log E_Q[e^T] with the marginal samples `marginals` names (see {@link MarginalSampling}). */
export function logPartitionOf(
  scores: tf.Tensor2D,
  marginals: MarginalSampling,
  clip?: number,
): tf.Scalar {
  return marginals === 'shifted'
    ? logPartitionShifted(scores, clip)
    : logPartitionOffDiagonal(scores, clip);
}

/**
 * What a bound with a `marginals` option reads: the score matrix, or with `marginals: 'shifted'`
 * (`reads: 'shifted-pairs'`) possibly only its diagonal and shifted pairs.
 */
export type MarginalInputs = ScoreInputs | ShiftedPairInputs;

/** `reads` of a bound with `marginals`: only the shifted pairs when those are its marginal samples. */
export function readsOf(marginals: MarginalSampling): { reads?: 'shifted-pairs' } {
  return marginals === 'shifted' ? { reads: 'shifted-pairs' } : {};
}

/** E_P[T] from either form of the inputs: the mean of the joint pairs. */
export function jointTermOf(inputs: MarginalInputs): tf.Scalar {
  return inputs.shiftedPairs === undefined
    ? jointTerm(inputs.scores)
    : tf.mean(inputs.shiftedPairs.joint);
}

/**
 * log E_Q[e^T] from either form of the inputs, over the samples `marginals` names; the shifted
 * pairs alone serve only `marginals: 'shifted'` (`createBound` rejects them otherwise).
 */
export function logPartitionFrom(
  inputs: MarginalInputs,
  marginals: MarginalSampling,
  clip?: number,
): tf.Scalar {
  return inputs.shiftedPairs === undefined
    ? logPartitionOf(inputs.scores, marginals, clip)
    : logMeanExpClipped(inputs.shiftedPairs.shifted, clip);
}

/** The negated value, as a loss. */
export function negate(x: tf.Scalar): tf.Scalar {
  return tf.neg(x);
}
