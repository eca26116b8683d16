import { assertNumber, readOptions, valueWithGradientOf } from '@mi/core';
import type { Bound, BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { jensenShannonObjective } from '../shared/jensen-shannon';
import { references } from '../shared/references';
import { clipScores, jointTerm, logPartitionOffDiagonal } from '../shared/terms';

/** Options of {@link ccmi}. */
export interface CcmiOptions {
  /**
   * τ in [0, ½): the classifier's probabilities are clipped to [τ, 1 − τ] before the likelihood
   * ratio p/(1 − p) is formed, so every log ratio lies in [−c, c] with c = log((1 − τ)/τ)
   * (≈ 11.51 nats at the default). `0` disables the clipping. Default `1e-5`.
   */
  readonly tau?: number;
}

/** c = log((1 − τ)/τ): the clipped log ratio's bound, the logit of 1 − τ; ∞ at τ = 0. */
function logitLimit(tau: number): number {
  return tau === 0 ? Number.POSITIVE_INFINITY : Math.log1p(-tau) - Math.log(tau);
}

/** The `ccmi` bound as a registry plugin: `ccmiPlugin.create(options)` is `ccmi(options)`. */
export const ccmiPlugin: BoundPlugin<CcmiOptions> = {
  id: 'ccmi',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'CCMI (Classifier-MI)',
  description:
    'Classifier of joint vs product pairs trained with balanced binary cross-entropy; its clipped logit is the log ratio, read out with the DV bound.',
  formula:
    'train: ½ E_diag[softplus(−T)] + ½ E_{i≠j}[softplus(T)]; report: E_diag[r] − log E_{i≠j}[e^r], r = logit(clip(σ(T), τ, 1 − τ))',
  references: [
    { ...references.ccmi, location: 'Classifier-MI' },
    { ...references.remine, location: 'App. 9, Table 1' },
  ],
  create(options) {
    const { tau = 1e-5 } = readOptions('ccmi', options, ['tau']);
    assertNumber('ccmi', 'tau', tau, { min: 0, max: 0.5, maxExclusive: true });
    const limit = logitLimit(tau);
    return createBound({
      id: 'ccmi',
      config: { tau },
      // The cross-entropy pins T to the log density ratio (no free additive constant), and the
      // paper reads out one DV value over its whole pooled evaluation set: pooling is unbiased.
      averaging: 'micro',
      compute({ scores }) {
        // log(p̃/(1 − p̃)) with p̃ = clip(σ(T), τ, 1 − τ) is clip(T, −c, c): the logit is monotone.
        const joint = jointTerm(clipScores(scores, limit));
        const logPartition = logPartitionOffDiagonal(scores, limit);
        const estimate = tf.sub(joint, logPartition);
        // Balanced BCE (labels 1 on the diagonal, 0 off it, each class weighted ½) = −J/2.
        const crossEntropy = tf.mul(jensenShannonObjective(scores), -0.5);
        return {
          loss: valueWithGradientOf(tf.neg(estimate), crossEntropy),
          estimate,
          terms: { joint, logPartition, crossEntropy },
          state: {},
        };
      },
      ceiling: () => (Number.isFinite(limit) ? 2 * limit : undefined),
      logPartition: ({ scores }) => logPartitionOffDiagonal(scores),
    });
  },
};

/**
 * CCMI's mutual-information estimator "Classifier-MI" (Mukherjee, Asnani & Kannan 2020), a
 * baseline of ReMINE's Table 1. The critic T is the logit of a classifier trained to tell joint
 * pairs (the diagonal of S, label 1) from product-of-marginals pairs (the off-diagonal entries,
 * label 0), the two classes weighted equally; the classifier's probability p = σ(T) gives the
 * likelihood ratio p/(1 − p), which the Donsker–Varadhan bound turns into an estimate:
 *
 * ```
 * train on   BCE = ½ · 1/n Σ_i softplus(−S_ii) + ½ · 1/(n(n−1)) Σ_{i≠j} softplus(S_ij)
 * report     I_CCMI = 1/n Σ_i r_ii − log 1/(n(n−1)) Σ_{i≠j} e^{r_ij}
 *            r_ij = log(p̃_ij/(1 − p̃_ij)),  p̃_ij = clip(σ(S_ij), τ, 1 − τ)  (= clip(S_ij, −c, c))
 * ```
 *
 * with c = log((1 − τ)/τ). The BCE is half the negated Jensen–Shannon objective that `js` and
 * `smile` train on; its optimum is the log density ratio, so the readout needs no constant of its
 * own and pooled batches average without bias (`averaging: 'micro'`). Clipping bounds every
 * ratio to [e^{−c}, e^{c}], and the estimate by its ceiling 2c. The loss has the value −I_CCMI
 * and the gradient of the BCE (an explicit stop-gradient). Terms: `joint`, `logPartition` (both
 * on the clipped log ratios, so estimate = joint − logPartition) and `crossEntropy`.
 *
 * @example
 * ```ts
 * const bound = ccmi({ tau: 1e-5 });
 * const { estimate } = evaluateBound(bound, { scores });
 * ```
 * @see Mukherjee, Asnani & Kannan 2020 (arXiv:1906.01824), the Classifier-MI estimator.
 */
export function ccmi(options?: CcmiOptions): Bound {
  return ccmiPlugin.create(options);
}
