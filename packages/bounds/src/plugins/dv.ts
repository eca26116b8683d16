import type { BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { readOptions } from '../shared/read-options';
import { references } from '../shared/references';
import { jointTerm, logPartitionOffDiagonal } from '../shared/terms';

/** The DV bound has no options. */
export type DonskerVaradhanOptions = Record<string, never>;

/**
 * The Donsker–Varadhan lower bound, plug-in mini-batch form (Belghazi et al. 2018, Eq. 4):
 *
 * ```
 * I_DV = E_diag[T] − log( 1/(n(n−1)) Σ_{i≠j} e^{S_ij} )
 * ```
 *
 * Its mini-batch gradient is biased (the log of a mean is not the mean of logs); `mine` corrects
 * it with a moving average. Loss = −I_DV.
 *
 * @example
 * ```ts
 * const bound = donskerVaradhan.create();
 * const { estimate } = bound.compute({ scores }, {});
 * ```
 */
export const donskerVaradhan: BoundPlugin<DonskerVaradhanOptions> = {
  id: 'dv',
  specificationVersion: 'v1',
  displayName: 'DV',
  description: 'Donsker–Varadhan bound, plug-in mini-batch estimate with its biased gradient.',
  formula: 'E_diag[T] − log mean_{i≠j} e^{S_ij}',
  references: [{ ...references.mine, location: '§3.1, Eq. 4' }],
  create(options) {
    readOptions('dv', options, []);
    return createBound({
      id: 'dv',
      config: {},
      microAveraging: true,
      compute({ scores }) {
        const joint = jointTerm(scores);
        const logPartition = logPartitionOffDiagonal(scores);
        const estimate = tf.sub(joint, logPartition);
        return { loss: tf.neg(estimate), estimate, terms: { joint, logPartition }, state: {} };
      },
      logPartition: ({ scores }, clip) => logPartitionOffDiagonal(scores, clip),
    });
  },
};
