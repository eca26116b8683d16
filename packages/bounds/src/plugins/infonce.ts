import { assertOneOf, diagonal, readOptions } from '@mi/core';
import type { Bound, BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { references } from '../shared/references';

/** Which softmax InfoNCE normalises. */
export type InfoNCEDirection = 'rows' | 'columns' | 'symmetric';

/** Options of {@link infoNCE}. */
export interface InfoNCEOptions {
  /**
   * `rows` (default): each x_i against all y_j, logsumexp over a row; `columns`: each y_j against
   * all x_i; `symmetric`: the mean of both (CLIP-style).
   */
  readonly direction?: InfoNCEDirection;
}

/** The `infoNCE` bound as a registry plugin: `infoNCEPlugin.create(options)` is `infoNCE(options)`. */
export const infoNCEPlugin: BoundPlugin<InfoNCEOptions> = {
  id: 'infonce',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'InfoNCE',
  description: 'Contrastive (CPC) bound: low variance, capped at log n.',
  formula: 'log n + mean_i [S_ii − logsumexp_j S_ij]',
  references: [references.infoNCE, { ...references.poole, location: 'Eq. 12' }],
  create(options) {
    const { direction = 'rows' } = readOptions('infonce', options, ['direction']);
    assertOneOf('infonce', 'direction', direction, ['rows', 'columns', 'symmetric']);
    // mean_i log mean_j e^{S_ij} along the chosen softmax axis (1 = rows, 0 = columns).
    const logPartitionOf = (scores: tf.Tensor2D): tf.Tensor => {
      const n = scores.shape[0];
      const along = (axis: number) => tf.sub(tf.mean(tf.logSumExp(scores, axis)), Math.log(n));
      if (direction === 'rows') return along(1);
      if (direction === 'columns') return along(0);
      return tf.div(tf.add(along(1), along(0)), 2);
    };
    return createBound({
      id: 'infonce',
      config: { direction },
      compute({ scores }) {
        const joint = tf.mean(diagonal(scores));
        const logPartition = logPartitionOf(scores);
        const estimate = tf.sub(joint, logPartition);
        return { loss: tf.neg(estimate), estimate, terms: { joint, logPartition }, state: {} };
      },
      ceiling: (n) => Math.log(n),
      logPartition: ({ scores }) => logPartitionOf(scores),
    });
  },
};

/**
 * InfoNCE / CPC (van den Oord et al. 2018; Poole et al. 2019, Eq. 12):
 *
 * ```
 * I_NCE = log n + 1/n Σ_i [ S_ii − log Σ_j e^{S_ij} ]      (rows)
 * ```
 *
 * Low variance, but never above its ceiling log n, whatever the true MI. Loss = −I_NCE.
 * Terms: `joint` = E_diag[T], `logPartition` = mean_i log mean_j e^{S_ij}.
 */
export function infoNCE(options?: InfoNCEOptions): Bound {
  return infoNCEPlugin.create(options);
}
