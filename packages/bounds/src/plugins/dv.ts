import { readOptions } from '@mi/core';
import type { Bound, BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { references } from '../shared/references';
import { jointTerm, logPartitionOffDiagonal } from '../shared/terms';

/** The DV bound has no options. */
export type DonskerVaradhanOptions = Record<string, never>;

/** The `donskerVaradhan` bound as a registry plugin: `donskerVaradhanPlugin.create(options)` is `donskerVaradhan(options)`. */
export const donskerVaradhanPlugin: BoundPlugin<DonskerVaradhanOptions> = {
  id: 'dv',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'DV',
  description: 'Donsker–Varadhan bound, plug-in mini-batch estimate with its biased gradient.',
  formula: 'E_diag[T] − log mean_{i≠j} e^{S_ij}',
  references: [{ ...references.mine, location: 'Thm. 1, Eqs. 5–6; Def. 3.1, Eq. 11; Alg. 1' }],
  create(options) {
    readOptions('dv', options, []);
    return createBound({
      id: 'dv',
      config: {},
      // T's additive constant is free under DV training: it cancels per batch, not when pooled.
      averaging: 'macro',
      compute({ scores }) {
        const joint = jointTerm(scores);
        const logPartition = logPartitionOffDiagonal(scores);
        const estimate = tf.sub(joint, logPartition);
        return { loss: tf.neg(estimate), estimate, terms: { joint, logPartition }, state: {} };
      },
      logPartition: ({ scores }) => logPartitionOffDiagonal(scores),
    });
  },
};

/**
 * The Donsker–Varadhan lower bound (Belghazi et al. 2018: the representation of Theorem 1, Eq. 5,
 * the bound of Eq. 6, the estimator of Definition 3.1, Eq. 11), plug-in mini-batch form:
 *
 * ```
 * I_DV = E_diag[T] − log( 1/(n(n−1)) Σ_{i≠j} e^{S_ij} )
 * ```
 *
 * The marginal samples are all n(n−1) off-diagonal pairs of the batch, where MINE's Algorithm 1
 * draws b samples of the marginal by shuffling y (one shuffled partner per x). Both estimate the
 * same expectation; all pairs use the batch's every product sample at no extra critic cost for a
 * separable critic and give a lower-variance partition term.
 *
 * Its mini-batch gradient is biased (the log of a mean is not the mean of logs); `mine` corrects
 * it with a moving average. Loss = −I_DV.
 *
 * @example
 * ```ts
 * const bound = donskerVaradhan();
 * const { estimate } = bound.compute({ scores }, {});
 * ```
 */
export function donskerVaradhan(options?: DonskerVaradhanOptions): Bound {
  return donskerVaradhanPlugin.create(options);
}
