/**
 * A third-party bound as a plugin: the "α-skew" DV bound
 *
 * ```
 * I = E_diag[T] − (1/β) · log mean_{i≠j} e^{β·S_ij}
 * ```
 *
 * which is the DV bound for β = 1 and, by Jensen's inequality, a looser lower bound for β > 1.
 * It shows the three things a plugin needs: a plain object with `specificationVersion: 'v1'`, a
 * `create` that validates its options with typed errors, and maths through `createBound` (which
 * adds input validation and `tf.tidy`).
 *
 * @packageDocumentation
 */
import { createBound } from '@mi/bounds';
import { assertNumber, diagonal, logMeanExpOffDiagonal } from '@mi/core';
import type { Bound, BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link temperedDonskerVaradhan}. */
export interface TemperedOptions {
  /** β ≥ 1; 1 gives back DV. */
  readonly beta?: number;
}

/** The plugin object: add it to a registry with `createBoundRegistry().with(temperedDonskerVaradhanPlugin)`. */
export const temperedDonskerVaradhanPlugin: BoundPlugin<TemperedOptions> = {
  id: 'tempered-dv',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'Tempered DV',
  description: 'DV with a tempered partition term; β = 1 is DV.',
  formula: 'E_diag[T] − (1/β) log mean_{i≠j} e^{β S_ij}',
  references: [{ citation: 'Belghazi et al. 2018', title: 'Mutual Information Neural Estimation' }],
  create(options = {}) {
    const beta = options.beta ?? 2;
    assertNumber('tempered-dv', 'beta', beta, { min: 1 });
    return createBound({
      id: 'tempered-dv',
      config: { beta },
      compute({ scores }) {
        const joint = tf.mean(diagonal(scores));
        const logPartition = tf.div(
          logMeanExpOffDiagonal(tf.mul(scores, beta) as tf.Tensor2D),
          beta,
        );
        const estimate = tf.sub(joint, logPartition);
        return { loss: tf.neg(estimate), estimate, terms: { joint, logPartition }, state: {} };
      },
    });
  },
};

/** The factory, as for every built-in bound: `temperedDonskerVaradhan({ beta: 2 })` is the bound. */
export function temperedDonskerVaradhan(options?: TemperedOptions): Bound {
  return temperedDonskerVaradhanPlugin.create(options);
}
