import { assertNumber, diagonal, logMeanExpOffDiagonal, maskDiagonal, readOptions } from '@mi/core';
import type { Bound, BoundPlugin, ScoreInputs } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { references } from '../shared/references';

/** Options of {@link interpolated}. */
export interface InterpolatedOptions {
  /** α ∈ (0, 1): 1 gives InfoNCE's baseline, 0 the learned one (NWJ/TUBA). Default 0.01. */
  readonly alpha?: number;
  /**
   * The baseline q(y): constant log q (default 0) or `'learned'` to read log q(y_j) from
   * `inputs.logBaseline`.
   */
  readonly logBaseline?: number | 'learned';
}

/** The `interpolated` bound as a registry plugin: `interpolatedPlugin.create(options)` is `interpolated(options)`. */
export const interpolatedPlugin: BoundPlugin<InterpolatedOptions> = {
  id: 'interpolated',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'I_α',
  description: 'Interpolation between InfoNCE and NWJ with a leave-one-out baseline (α).',
  formula:
    '1 + mean_{i≠j}[S_jj − b(x_i,y_j)] − mean_{i≠j} e^{S_ij − b(x_j,y_j)}, b = log(α m_{−i} + (1−α) q)',
  references: [{ ...references.poole, location: '§2.4, Eq. 13' }],
  create(options) {
    const read = readOptions('interpolated', options, ['alpha', 'logBaseline']);
    const alpha = read.alpha ?? 0.01;
    assertNumber('interpolated', 'alpha', alpha, {
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    });
    const logBaseline = read.logBaseline ?? 0;
    if (logBaseline !== 'learned') assertNumber('interpolated', 'logBaseline', logBaseline);

    const compute = (inputs: ScoreInputs) => {
      const { scores } = inputs;
      const n = scores.shape[0];
      // Poole et al. index rows by y; with ours (rows = x) their score matrix is Sᵀ.
      const byY = tf.transpose(scores) as tf.Tensor2D; // byY[a][b] = T(x_b, y_a)
      const logQ =
        logBaseline === 'learned'
          ? tf.reshape(inputs.logBaseline as tf.Tensor1D, [n, 1])
          : tf.fill([n, 1], logBaseline);
      const logLooMean = tf.sub(leaveOneOutLogSumExp(byY), Math.log(n - 1));
      const baseline = tf.logSumExp(
        tf.stack([
          tf.add(logLooMean, Math.log(alpha)),
          tf.add(tf.tile(logQ, [1, n]), Math.log(1 - alpha)),
        ]),
        0,
      ) as tf.Tensor2D; // baseline[a][b] = b(x_b, y_a)
      const ownBaseline = tf.reshape(diagonal(baseline), [n, 1]);
      const logPartition = logMeanExpOffDiagonal(tf.sub(byY, ownBaseline) as tf.Tensor2D);
      const jointMatrix = tf.sub(tf.reshape(diagonal(byY), [n, 1]), baseline) as tf.Tensor2D;
      const joint = tf.div(tf.sum(maskDiagonal(jointMatrix, 0)), n * (n - 1)) as tf.Scalar;
      return { joint, logPartition };
    };

    return createBound({
      id: 'interpolated',
      config: { alpha, logBaseline },
      requires: logBaseline === 'learned' ? ['logBaseline'] : [],
      compute(inputs) {
        const { joint, logPartition } = compute(inputs);
        const estimate = tf.sub(tf.add(1, joint), tf.exp(logPartition)) as tf.Scalar;
        return { loss: tf.neg(estimate), estimate, terms: { joint, logPartition }, state: {} };
      },
      ceiling: (n) => 1 + Math.log(n - 1) - Math.log(alpha),
    });
  },
};

/**
 * For each row r and column c, log Σ_{k≠c} e^{x[r][k]}. An entry with share p = e^{x − lse} ≤ ½
 * is removed as lse + log1p(−p), which is well conditioned there; at most one entry per row has
 * p > ½, and for it the row's log-sum-exp is recomputed with that entry masked out.
 */
function leaveOneOutLogSumExp(x: tf.Tensor2D): tf.Tensor2D {
  const lse = tf.logSumExp(x, 1, true);
  const share = tf.exp(tf.sub(x, lse));
  // Through step and cast: autodiff has no gradient for comparison ops, and the mask needs none.
  const dominant = tf.cast(tf.step(tf.sub(share, 0.5)), 'bool');
  // Zero the dominant shares before log1p so that no branch of the where is ±∞ (its gradient
  // would turn 0·∞ into NaN).
  const removed = tf.add(lse, tf.log1p(tf.neg(tf.where(dominant, tf.zerosLike(share), share))));
  const withoutDominant = tf.logSumExp(
    tf.where(dominant, tf.fill(x.shape, Number.NEGATIVE_INFINITY), x),
    1,
    true,
  );
  return tf.where(dominant, tf.broadcastTo(withoutDominant, x.shape), removed) as tf.Tensor2D;
}

/**
 * The interpolated bound I_α of Poole et al. (2019, §2.4, Eq. 13), which trades bias for variance
 * between InfoNCE (α = 1) and NWJ/TUBA (α = 0), with the leave-one-out InfoNCE baseline:
 *
 * ```
 * b(x_i, y) = log( α · m_{−i}(y) + (1 − α) · q(y) ),   m_{−i}(y) = 1/(n−1) Σ_{k≠i} e^{T(x_k, y)}
 * I_α = 1 + mean_{i≠j}[ S_jj − b(x_i, y_j) ] − mean_{i≠j} e^{S_ij − b(x_j, y_j)}
 * ```
 *
 * The leave-one-out log-sum-exp is exact in float32 at any separation of the scores: it removes an
 * entry as log1p(−share) when the entry holds at most half the row's mass, and masks the entry
 * out when it dominates (subtracting it there would cancel catastrophically). The ceiling is the
 * supremum of the estimate, 1 + log(n − 1) − log α (the joint baseline is at least
 * log(α/(n−1)) + T_jj and the partition term is non-negative). Loss = −I_α.
 */
export function interpolated(options?: InterpolatedOptions): Bound {
  return interpolatedPlugin.create(options);
}
