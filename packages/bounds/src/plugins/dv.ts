import { readOptions } from '@mi/core';
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

/** Options of {@link donskerVaradhan}. */
export interface DonskerVaradhanOptions {
  /**
   * The samples of the product of marginals in the partition term: `'all-pairs'` (default), the
   * n(n−1) off-diagonal scores; `'shifted'`, the n scores S_i,(i+1) mod n, one marginal sample per
   * joint sample as the papers' shuffled batches (MINE Alg. 1; ReMINE 2021 §3.1; Choi & Lee 2022).
   */
  readonly marginals?: MarginalSampling;
}

/** The `donskerVaradhan` bound as a registry plugin: `donskerVaradhanPlugin.create(options)` is `donskerVaradhan(options)`. */
export const donskerVaradhanPlugin: BoundPlugin<DonskerVaradhanOptions> = {
  id: 'dv',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'DV',
  description: 'Donsker–Varadhan bound, plug-in mini-batch estimate with its biased gradient.',
  formula: 'E_diag[T] − log mean_{i≠j} e^{S_ij} (marginals=shifted: mean_i e^{S_i,i+1 mod n})',
  references: [
    { ...references.mine, location: 'Thm. 1, Eqs. 5–6; Def. 3.1, Eq. 11; Alg. 1' },
    { ...references.remine, location: '§3.1–3.2, Alg. 1 (marginals=shifted)' },
    { ...references.choiLee, location: 'Table 1, Figs. 1–3 (marginals=shifted)' },
  ],
  create(options) {
    const read = readOptions('dv', options, ['marginals']);
    const marginals = readMarginals('dv', read.marginals);
    return createBound<MarginalInputs>({
      id: 'dv',
      config: marginalsConfig(marginals),
      // T's additive constant is free under DV training: it cancels per batch, not when pooled.
      averaging: 'macro',
      ...readsOf(marginals),
      compute(inputs) {
        const joint = jointTermOf(inputs);
        const logPartition = logPartitionFrom(inputs, marginals);
        const estimate = tf.sub(joint, logPartition);
        return { loss: tf.neg(estimate), estimate, terms: { joint, logPartition }, state: {} };
      },
      logPartition: (inputs) => logPartitionFrom(inputs, marginals),
    });
  },
};

/**
 * The Donsker–Varadhan lower bound (Belghazi et al. 2018: the representation of Theorem 1, Eq. 5,
 * the bound of Eq. 6, the estimator of Definition 3.1, Eq. 11), plug-in mini-batch form:
 *
 * ```
 * marginals = 'all-pairs' (default)   I_DV = E_diag[T] − log( 1/(n(n−1)) Σ_{i≠j} e^{S_ij} )
 * marginals = 'shifted'               I_DV = E_diag[T] − log( 1/n Σ_i e^{S_i,(i+1) mod n} )
 * ```
 *
 * With `'all-pairs'` the marginal samples are all n(n−1) off-diagonal pairs of the batch. MINE's
 * Algorithm 1 ("draw b samples from the marginal distribution"), ReMINE (2021, §3.1–3.2, Alg. 1)
 * and Choi & Lee (2022, Figs. 1–5) instead use n marginal samples per batch, y shuffled against
 * x; `'shifted'` is that protocol without randomness: x_i is paired with y_{(i+1) mod n}, a
 * derangement of i.i.d. draws, so each pair is a sample of P_X ⊗ P_Y and none is a joint pair.
 * The two are **not** equivalent in training: they have the same value in expectation, but all
 * pairs average n − 1 times as many marginal samples, so their gradient is far less noisy. The
 * drift of the two DV terms and the explosion of the outputs at small batches that the papers
 * show (ReMINE Fig. 1; Choi & Lee Figs. 1, 3) come from the noise of n marginal samples; with all
 * pairs they largely do not appear. Use `'shifted'` to reproduce the papers.
 *
 * Its mini-batch gradient is biased (the log of a mean is not the mean of logs); `mine` corrects
 * it with a moving average. Loss = −I_DV.
 *
 * @example
 * ```ts
 * const bound = donskerVaradhan();
 * const { estimate } = bound.compute({ scores }, {});
 * const asInThePapers = donskerVaradhan({ marginals: 'shifted' }); // or the spec 'dv:marginals=shifted'
 * ```
 */
export function donskerVaradhan(options?: DonskerVaradhanOptions): Bound {
  return donskerVaradhanPlugin.create(options);
}
