import { assertOneOf, readOptions, valueWithGradientOf } from '@mi/core';
import type { Bound, BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { jensenShannonObjective } from '../shared/jensen-shannon';
import { references } from '../shared/references';
import { jointTerm, logPartitionOffDiagonal } from '../shared/terms';

/** Options of {@link jensenShannon}. */
export interface JensenShannonOptions {
  /**
   * Which NWJ value of the JS-trained critic is reported:
   * - `'nwj'` (default): NWJ(T) = E_diag[T] − E_{i≠j}[e^{T−1}], what the tables of Song & Ermon
   *   2020 (Table 2, "JS") and Choi & Lee 2022 (Table 2, I_JS) and their public code report;
   * - `'nwj-shifted'`: NWJ(T + 1) = 1 + E_diag[T] − E_{i≠j}[e^{T}], Poole et al.'s reading (the
   *   JS-optimal critic is log p/q, and NWJ's optimal critic is 1 + log p/q).
   */
  readonly readout?: 'nwj' | 'nwj-shifted';
}

/** The `jensenShannon` bound as a registry plugin: `jensenShannonPlugin.create(options)` is `jensenShannon(options)`. */
export const jensenShannonPlugin: BoundPlugin<JensenShannonOptions> = {
  id: 'js',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'JS',
  description:
    'Critic trained with the Jensen–Shannon (softplus) objective; MI reported as the NWJ value of T (or of T + 1).',
  formula:
    "train: E_diag[−softplus(−T)] − E_{i≠j}[softplus(T)]; report: E_diag[T] − E_{i≠j}[e^{T−1}] ('nwj-shifted': of T + 1)",
  references: [
    { ...references.poole, location: '§2.3' },
    { ...references.smile, location: '§3, Table 2' },
  ],
  create(options) {
    const { readout = 'nwj' } = readOptions('js', options, ['readout']);
    assertOneOf('js', 'readout', readout, ['nwj', 'nwj-shifted']);
    // NWJ(T + s) = s + E_diag[T] − e^{s−1} E_{i≠j}[e^T]: s = 0 or 1.
    const shift = readout === 'nwj-shifted' ? 1 : 0;
    // The NWJ family's partition term of the readout critic T + s: log E_{i≠j}[e^{T+s−1}].
    const nwjLogPartition = (scores: tf.Tensor2D) =>
      tf.add(logPartitionOffDiagonal(scores), shift - 1) as tf.Scalar;
    return createBound({
      id: 'js',
      config: { readout },
      compute({ scores }) {
        const joint = jointTerm(scores);
        const logPartition = nwjLogPartition(scores);
        const estimate = tf.sub(tf.add(joint, shift), tf.exp(logPartition));
        const objective = jensenShannonObjective(scores);
        return {
          loss: tf.neg(valueWithGradientOf(estimate, objective)),
          estimate,
          terms: { joint, logPartition, jsObjective: objective },
          state: {},
        };
      },
      logPartition: ({ scores }) => nwjLogPartition(scores),
    });
  },
};

/**
 * Trains the critic on the Jensen–Shannon f-GAN objective and reports an NWJ value of the critic
 * (Poole et al. 2019 §2.3; Song & Ermon 2020 §3; Hjelm et al. 2019):
 *
 * ```
 * train on   J = E_diag[−softplus(−T)] − E_{i≠j}[softplus(T)]
 * report     I = E_diag[T] − E_{i≠j}[e^{T−1}]            (readout 'nwj', the default)
 *            I = 1 + E_diag[T] − E_{i≠j}[e^{T}]          (readout 'nwj-shifted': NWJ of T + 1)
 * ```
 *
 * The loss has the value −I and the gradient of −J (an explicit stop-gradient). Its partition
 * term (`terms.logPartition`, what a regulariser acts on) is the NWJ family's of the readout
 * critic: log E_{i≠j}[e^{T−1}], or log E_{i≠j}[e^{T}] for `'nwj-shifted'`.
 */
export function jensenShannon(options?: JensenShannonOptions): Bound {
  return jensenShannonPlugin.create(options);
}
