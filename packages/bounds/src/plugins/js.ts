import { valueWithGradientOf } from '@mi/core';
import type { BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { jensenShannonObjective } from '../shared/jensen-shannon';
import { readOptions } from '../shared/read-options';
import { references } from '../shared/references';
import { jointTerm, logPartitionOffDiagonal } from '../shared/terms';

/** JS has no options. */
export type JensenShannonOptions = Record<string, never>;

/**
 * Trains the critic on the Jensen–Shannon f-GAN objective and reports the NWJ value of T + 1
 * (Poole et al. 2019 §2.3; Song & Ermon 2020 §3; Hjelm et al. 2019):
 *
 * ```
 * train on   J = E_diag[−softplus(−T)] − E_{i≠j}[softplus(T)]
 * report     I = E_diag[T + 1] − E_{i≠j}[e^{T}]         (NWJ with critic T + 1)
 * ```
 *
 * The loss has the value −I and the gradient of −J (an explicit stop-gradient).
 */
export const jensenShannon: BoundPlugin<JensenShannonOptions> = {
  id: 'js',
  specificationVersion: 'v1',
  displayName: 'JS',
  description:
    'Critic trained with the Jensen–Shannon (softplus) objective; MI reported as NWJ of T + 1.',
  formula:
    'train: E_diag[−softplus(−T)] − E_{i≠j}[softplus(T)]; report: E_diag[T] + 1 − E_{i≠j}[e^T]',
  references: [
    { ...references.poole, location: '§2.3' },
    { ...references.smile, location: '§3' },
  ],
  create(options) {
    readOptions('js', options, []);
    return createBound({
      id: 'js',
      config: {},
      compute({ scores }) {
        const joint = jointTerm(scores);
        const logPartition = logPartitionOffDiagonal(scores);
        const estimate = tf.sub(tf.add(joint, 1), tf.exp(logPartition));
        const objective = jensenShannonObjective(scores);
        return {
          loss: tf.neg(valueWithGradientOf(estimate, objective)),
          estimate,
          terms: { joint, logPartition, jsObjective: objective },
          state: {},
        };
      },
      logPartition: ({ scores }, clip) => logPartitionOffDiagonal(scores, clip),
    });
  },
};
