import { assertNumber, readOptions } from '@mi/core';
import type { Bound, BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { references } from '../shared/references';
import {
  jointTermOf,
  logPartitionFrom,
  type MarginalInputs,
  type MarginalSampling,
  marginalsConfig,
  readMarginals,
  readsOf,
} from '../shared/terms';

/** Options of {@link nwj}. */
export interface NwjOptions {
  /**
   * Clip the scores of the partition term to [−clip, clip] (Choi & Lee 2022, Table 1, use 10 in
   * ReNWJ, so that e^{T−1} cannot overflow); the joint term stays unclipped. Default: no clip.
   */
  readonly clip?: number;
  /**
   * The marginal samples of the partition term: `'all-pairs'` (default), the n(n−1) off-diagonal
   * scores; `'shifted'`, the n scores S_i,(i+1) mod n, one per joint sample as the shuffled
   * marginal batches of Choi & Lee (2022, Figs. 1–5). See {@link donskerVaradhan}.
   */
  readonly marginals?: MarginalSampling;
}

/** The `nwj` bound as a registry plugin: `nwjPlugin.create(options)` is `nwj(options)`. */
export const nwjPlugin: BoundPlugin<NwjOptions> = {
  id: 'nwj',
  aliases: ['mine-f'],
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'NWJ',
  description: 'Nguyen–Wainwright–Jordan bound (MINE-f): unbiased mini-batch estimate.',
  formula: 'E_diag[T] − e^{−1} mean_{i≠j} e^{S_ij} (marginals=shifted: mean_i e^{S_i,i+1 mod n})',
  references: [
    references.nwj,
    { ...references.poole, location: 'Eq. 8' },
    { ...references.choiLee, location: 'Table 1 (clip)' },
  ],
  create(options) {
    const read = readOptions('nwj', options, ['clip', 'marginals']);
    const { clip } = read;
    if (clip !== undefined) {
      assertNumber('nwj', 'clip', clip, { min: 0, minExclusive: true, allowInfinity: true });
    }
    const marginals = readMarginals('nwj', read.marginals);
    return createBound<MarginalInputs>({
      id: 'nwj',
      config: { ...(clip === undefined ? {} : { clip }), ...marginalsConfig(marginals) },
      ...readsOf(marginals),
      compute(inputs) {
        const joint = jointTermOf(inputs);
        // log E_Q[e^{T−1}], on clipped scores when asked
        const logPartition = tf.sub(logPartitionFrom(inputs, marginals, clip), 1);
        const estimate = tf.sub(joint, tf.exp(logPartition));
        return { loss: tf.neg(estimate), estimate, terms: { joint, logPartition }, state: {} };
      },
      logPartition: (inputs) => tf.sub(logPartitionFrom(inputs, marginals), 1),
    });
  },
};

/**
 * The NWJ (f-divergence, MINE-f) lower bound (Nguyen et al. 2010; Belghazi et al. 2018 §3.1;
 * Poole et al. 2019 Eq. 8):
 *
 * ```
 * I_NWJ = E_diag[T] − e^{−1} · 1/(n(n−1)) Σ_{i≠j} e^{S_ij}        (with `clip`: e^{clip(S_ij, −c, c)})
 * I_NWJ = E_diag[T] − e^{−1} · 1/n Σ_i e^{S_i,(i+1) mod n}         marginals = 'shifted'
 * ```
 *
 * `'shifted'` uses n marginal samples per batch, as the papers' shuffled batches (Choi & Lee
 * 2022, Figs. 1–5): the same value in expectation as all pairs, a noisier gradient (see
 * {@link donskerVaradhan}).
 *
 * Its mini-batch estimate and gradient are unbiased; its variance grows like e^{I}. The second
 * term is computed as exp(log-mean-exp − 1), so it is exact up to the float32 range; beyond it
 * (off-diagonal scores above ~89) the value is −∞, which `evaluateBound` reports as a
 * `NonFiniteEstimateError`. Loss = −I_NWJ.
 */
export function nwj(options?: NwjOptions): Bound {
  return nwjPlugin.create(options);
}
