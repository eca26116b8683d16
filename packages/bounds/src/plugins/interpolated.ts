import {
  assertNumber,
  diagonal,
  logMeanExpOffDiagonal,
  maskDiagonal,
  softplusInverse,
} from '@mi/core';
import type { BoundInputs, BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { readOptions } from '../shared/read-options';
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

/**
 * The interpolated bound I_α of Poole et al. (2019, §2.4, Eq. 13), which trades bias for variance
 * between InfoNCE (α = 1) and NWJ/TUBA (α = 0), with the leave-one-out InfoNCE baseline:
 *
 * ```
 * b(x_i, y) = log( α · m_{−i}(y) + (1 − α) · q(y) ),   m_{−i}(y) = 1/(n−1) Σ_{k≠i} e^{T(x_k, y)}
 * I_α = 1 + mean_{i≠j}[ S_jj − b(x_i, y_j) ] − mean_{i≠j} e^{S_ij − b(x_j, y_j)}
 * ```
 *
 * The leave-one-out log-mean is computed stably with softplus⁻¹ (as in the paper's code). The
 * ceiling is 1 + log n − log α. Loss = −I_α.
 */
export const interpolated: BoundPlugin<InterpolatedOptions> = {
  id: 'interpolated',
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

    const compute = (inputs: BoundInputs) => {
      const { scores } = inputs;
      const n = scores.shape[0];
      // Poole et al. index rows by y; with ours (rows = x) their score matrix is Sᵀ.
      const byY = tf.transpose(scores) as tf.Tensor2D; // byY[a][b] = T(x_b, y_a)
      const logQ =
        logBaseline === 'learned'
          ? tf.reshape(inputs.logBaseline as tf.Tensor1D, [n, 1])
          : tf.fill([n, 1], logBaseline);
      // Leave-one-out log-mean over x for each y: log 1/(n−1) Σ_{k≠b} e^{T(x_k, y_a)}.
      const rowMax = tf.max(byY, 1, true);
      const lseMinusMax = tf.logSumExp(tf.sub(byY, rowMax), 1, true);
      const d = tf.add(lseMinusMax, tf.sub(rowMax, byY));
      // d = 0 only when the other entries underflow; a floor keeps softplus⁻¹ finite there (their
      // share is then below e^{−27}), with a gradient everywhere (a where-mask on d has none).
      const safeD = tf.maximum(d, 1e-12);
      const logLooMean = tf.sub(tf.add(byY, softplusInverse(safeD)), Math.log(n - 1));
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
      ceiling: (n) => 1 + Math.log(n) - Math.log(alpha),
    });
  },
};
