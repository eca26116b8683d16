import { assertNumber, logMeanExpOffDiagonal, readOptions } from '@mi/core';
import type { Bound, BoundPlugin, ScoreInputs } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { references } from '../shared/references';
import { jointTerm } from '../shared/terms';

/** Options of {@link tuba}. */
export interface TubaOptions {
  /**
   * The baseline a(y): a constant log a (default 0, i.e. a(y) = 1, the setting of Choi & Lee's
   * Table 1), or `'learned'` to read log a(y_j) from `inputs.logBaseline` (a critic head the caller
   * trains). log a = 1 gives back NWJ.
   */
  readonly logBaseline?: number | 'learned';
  /**
   * Clip the centred scores S − log a(y) of the partition term to [−clip, clip] (Choi & Lee 2022,
   * Table 1, use 10 in ReTUBA); the joint term stays unclipped. Default: no clip.
   */
  readonly clip?: number;
}

/** The `tuba` bound as a registry plugin: `tubaPlugin.create(options)` is `tuba(options)`. */
export const tubaPlugin: BoundPlugin<TubaOptions> = {
  id: 'tuba',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'TUBA',
  description:
    'Tractable unnormalised Barber–Agakov bound with a constant or learned baseline a(y).',
  formula: '1 + E_diag[T − log a(y)] − mean_{i≠j} e^{S_ij − log a(y_j)}',
  references: [{ ...references.poole, location: '§2.2, Eq. 7' }],
  create(options) {
    const { logBaseline = 0, clip } = readOptions('tuba', options, ['logBaseline', 'clip']);
    if (logBaseline !== 'learned') assertNumber('tuba', 'logBaseline', logBaseline);
    if (clip !== undefined) {
      assertNumber('tuba', 'clip', clip, { min: 0, minExclusive: true, allowInfinity: true });
    }
    const centred = ({ scores, logBaseline: learned }: ScoreInputs): tf.Tensor2D => {
      if (logBaseline !== 'learned') return tf.sub(scores, logBaseline);
      const n = scores.shape[0];
      return tf.sub(scores, tf.reshape(learned as tf.Tensor1D, [1, n]));
    };
    return createBound({
      id: 'tuba',
      config: clip === undefined ? { logBaseline } : { logBaseline, clip },
      requires: logBaseline === 'learned' ? ['logBaseline'] : [],
      compute(inputs) {
        const shifted = centred(inputs);
        const joint = jointTerm(shifted);
        const logPartition = logMeanExpOffDiagonal(shifted, clip);
        const estimate = tf.sub(tf.add(1, joint), tf.exp(logPartition));
        return {
          loss: tf.neg(estimate),
          estimate,
          terms: { joint: jointTerm(inputs.scores), logPartition },
          state: {},
        };
      },
      logPartition: (inputs) => logMeanExpOffDiagonal(centred(inputs)),
    });
  },
};

/**
 * The TUBA lower bound with a baseline a(y) (Poole et al. 2019, Eq. 7):
 *
 * ```
 * I_TUBA = 1 + E_diag[T − log a(y)] − 1/(n(n−1)) Σ_{i≠j} e^{S_ij − log a(y_j)}
 * ```
 *
 * Columns index y, so the baseline of entry (i, j) is a(y_j). With `clip`, the partition term
 * reads e^{clip(S_ij − log a(y_j), −c, c)}. Loss = −I_TUBA.
 */
export function tuba(options?: TubaOptions): Bound {
  return tubaPlugin.create(options);
}
