import { readOptions } from '@mi/core';
import type { Bound, BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  logDomainTarget,
  type RegularizerOptions,
  regularized,
  regularizedPlugin,
  resolveRegularizer,
} from '../regularized';
import { createBound } from '../shared/create-bound';
import { references } from '../shared/references';
import {
  logPartitionFrom,
  type MarginalInputs,
  marginalsConfig,
  readMarginals,
  readsOf,
} from '../shared/terms';
import { type DonskerVaradhanOptions, donskerVaradhan, donskerVaradhanPlugin } from './dv';
import { type InfoNCEOptions, infoNCEPlugin } from './infonce';
import { type JensenShannonOptions, jensenShannonPlugin } from './js';
import { type NwjOptions, nwjPlugin } from './nwj';
import { type SmileOptions, smileDv, smileDvPlugin } from './smile';
import { type TubaOptions, tubaPlugin } from './tuba';

/**
 * Options of {@link remine}: the regulariser with `distance` `l2` (default) or `l1`, and the DV
 * bound's `marginals` (`'all-pairs'` or `'shifted'`), which the regulariser's L uses as well.
 */
export type RemineOptions = DonskerVaradhanOptions & RegularizerOptions;

/** The `remine` bound as a registry plugin: `reminePlugin.create(options)` is `remine(options)`. */
export const reminePlugin: BoundPlugin<RemineOptions> = regularizedPlugin({
  id: 'remine',
  displayName: 'ReMINE',
  base: donskerVaradhanPlugin,
  baseOptionKeys: ['marginals'],
  regularizerDefaults: { distance: 'l2', lambda: 1, target: 0 },
  description: 'DV with its log partition term regularised towards C (L2 or L1).',
});

/** The `remineJoint` bound as a registry plugin: `remineJointPlugin.create(options)` is `remineJoint(options)`. */
export const remineJointPlugin: BoundPlugin<RemineOptions> = {
  id: 'remine-j',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'ReMINE-J',
  description: 'ReMINE training; reports E_diag[T] − C.',
  formula: 'report E_diag[T] − C; train as ReMINE',
  references: [{ ...references.remine, location: '§4' }],
  create(options) {
    const read = readOptions('remine-j', options, ['distance', 'lambda', 'target', 'marginals']);
    const marginals = readMarginals('remine-j', read.marginals);
    const resolved = resolveRegularizer('remine-j', {
      distance: 'l2',
      ...(read.distance === undefined ? {} : { distance: read.distance }),
      ...(read.lambda === undefined ? {} : { lambda: read.lambda }),
      ...(read.target === undefined ? {} : { target: read.target }),
    });
    const trained = regularized(donskerVaradhan({ marginals }), resolved, 'remine');
    const logTarget = logDomainTarget(resolved);
    return createBound<MarginalInputs>({
      id: 'remine-j',
      config: { ...resolved, ...marginalsConfig(marginals) },
      ...readsOf(marginals),
      compute(inputs, state) {
        const inner = trained.compute(inputs, state);
        const joint = inner.terms['joint'] as tf.Scalar;
        const estimate = tf.sub(joint, logTarget);
        return { ...inner, estimate };
      },
      logPartition: (inputs) => logPartitionFrom(inputs, marginals),
    });
  },
};

/** The `renwj` bound as a registry plugin: `renwjPlugin.create(options)` is `renwj(options)`. */
export const renwjPlugin: BoundPlugin<NwjOptions & RegularizerOptions> = regularizedPlugin({
  id: 'renwj',
  displayName: 'ReNWJ',
  base: nwjPlugin,
  baseOptionKeys: ['clip', 'marginals'],
  baseDefaults: { clip: 10 },
  regularizerDefaults: { distance: 'log-euclidean', lambda: 1, target: 1 },
  description: 'NWJ regularised with the log-Euclidean distance of its partition term to 1.',
});

/** The `resmile` bound as a registry plugin: `resmilePlugin.create(options)` is `resmile(options)`. */
export const resmilePlugin: BoundPlugin<SmileOptions & RegularizerOptions> = regularizedPlugin({
  id: 'resmile',
  displayName: 'ReSMILE',
  base: smileDvPlugin,
  baseOptionKeys: ['tau'],
  baseDefaults: { tau: 10 },
  regularizerDefaults: { distance: 'l2', lambda: 1, target: 0 },
  description:
    'DV-trained SMILE (τ = 10) regularised with the Euclidean distance of its unclipped log partition term to 0.',
});

/** The `reinfonce` bound as a registry plugin: `reinfoncePlugin.create(options)` is `reinfonce(options)`. */
export const reinfoncePlugin: BoundPlugin<InfoNCEOptions & RegularizerOptions> = regularizedPlugin({
  id: 'reinfonce',
  displayName: 'ReInfoNCE',
  base: infoNCEPlugin,
  baseOptionKeys: ['direction'],
  regularizerDefaults: { distance: 'l2', lambda: 1, target: 0 },
  description: 'InfoNCE regularised with the Euclidean distance of its mean row log-mean-exp to 0.',
});

/** The `retuba` bound as a registry plugin: `retubaPlugin.create(options)` is `retuba(options)`. */
export const retubaPlugin: BoundPlugin<TubaOptions & RegularizerOptions> = regularizedPlugin({
  id: 'retuba',
  displayName: 'ReTUBA',
  base: tubaPlugin,
  baseOptionKeys: ['logBaseline', 'clip'],
  baseDefaults: { clip: 10 },
  regularizerDefaults: { distance: 'log-euclidean', lambda: 1, target: 1 },
  description:
    'TUBA (a(y) = 1) regularised with the log-Euclidean distance of its partition term to 1.',
});

/** The `rejs` bound as a registry plugin: `rejsPlugin.create(options)` is `rejs(options)`. */
export const rejsPlugin: BoundPlugin<JensenShannonOptions & RegularizerOptions> = regularizedPlugin(
  {
    id: 'rejs',
    displayName: 'ReJS',
    base: jensenShannonPlugin,
    baseOptionKeys: ['readout'],
    regularizerDefaults: { distance: 'log-euclidean', lambda: 1, target: 1 },
    description:
      'JS-trained critic, NWJ readout, with the log-Euclidean distance of its NWJ partition term E_Q[e^{T−1}] to 1.',
  },
);

/**
 * ReMINE (ReMINE 2021, Eq. 6; Choi & Lee 2022, Eq. 14): the plug-in DV bound with its log
 * partition term pulled to a constant C:
 *
 * ```
 * loss = −[ E_diag[T] − L ] + λ·d(L, C)       L = log mean_{i≠j} e^{S_ij}
 *                                             L = log mean_i e^{S_i,(i+1) mod n}   (marginals = 'shifted')
 * d    = (L − C)²  (l2, default; λ = 1, C = 0)   or   |L − C|  (l1)
 * ```
 *
 * The bound's partition term and the regulariser's L are the same quantity, on the same marginal
 * samples: `marginals: 'shifted'` uses n per batch, as ReMINE's Algorithm 1 ("draw M samples from
 * the marginal distribution") and Choi & Lee's experiments do (see {@link donskerVaradhan}).
 *
 * The estimate is the DV value. The regulariser fixes the drift of DV's free constant and
 * keeps the critic's outputs from exploding (ReMINE §3–4).
 */
export function remine(options?: RemineOptions): Bound {
  return reminePlugin.create(options);
}

/**
 * ReMINE-J (ReMINE 2021 §4): trained as {@link remine}, but reports only the joint term minus the
 * target, E_diag[T] − C, which at the regularised optimum (log E_Q[e^T] = C) equals the DV value
 * and has no partition-term variance. C is in the log domain; with `distance: 'log-euclidean'`
 * the target is given in the linear domain and the estimate is E_diag[T] − log C.
 */
export function remineJoint(options?: RemineOptions): Bound {
  return remineJointPlugin.create(options);
}

/**
 * ReNWJ (Choi & Lee 2022, Eq. 15 and Table 1): NWJ whose partition term reads scores clipped to
 * ±10 (so e^{T−1} cannot overflow), plus the log-Euclidean distance between the unclipped
 * partition term E_Q[e^{T−1}] and 1:
 *
 * ```
 * loss = −(E_diag[T] − E_{i≠j}[e^{clip(S_ij, −10, 10) − 1}]) + λ (log E_{i≠j}[e^{S_ij − 1}])²
 * ```
 *
 * With `marginals: 'shifted'` both expectations over i ≠ j become means over the n shifted pairs
 * (i, (i+1) mod n), the papers' one marginal sample per joint sample (see {@link nwj}).
 * The estimate is the clipped NWJ value.
 */
export function renwj(options?: NwjOptions & RegularizerOptions): Bound {
  return renwjPlugin.create(options);
}

/**
 * ReSMILE (Choi & Lee 2022, §4 and Table 1): SMILE trained on its clipped DV value (τ = 10,
 * {@link smileDv}) plus the Euclidean regulariser on the **unclipped** log partition term:
 *
 * ```
 * loss = −(E_diag[T] − log E_{i≠j}[e^{clip(S_ij, −τ, τ)}]) + λ (log E_{i≠j}[e^{S_ij}] − C)²
 * ```
 *
 * Clipping zeroes the bound's gradient for scores beyond ±τ; the unclipped regulariser keeps one
 * there, which "avoids freezing T". The estimate is the clipped DV value.
 */
export function resmile(options?: SmileOptions & RegularizerOptions): Bound {
  return resmilePlugin.create(options);
}

/** ReInfoNCE (Choi & Lee 2022, Table 1): InfoNCE with the Euclidean regulariser on its log partition term. */
export function reinfonce(options?: InfoNCEOptions & RegularizerOptions): Bound {
  return reinfoncePlugin.create(options);
}

/**
 * ReTUBA (Choi & Lee 2022, Table 1): TUBA with a(y) = 1 whose partition term reads scores clipped
 * to ±10, plus the log-Euclidean distance between the unclipped partition term and 1. The
 * estimate is the clipped TUBA value.
 */
export function retuba(options?: TubaOptions & RegularizerOptions): Bound {
  return retubaPlugin.create(options);
}

/**
 * ReJS (Choi & Lee 2022, Eq. 11 and Table 1): the critic trained on the Jensen–Shannon objective,
 * MI read out as NWJ, and the regulariser of the NWJ family, d(E_Q[e^{T−1}], 1) (Eq. 11):
 *
 * ```
 * loss = −NWJ(T) (gradient of −J_JS) + λ·(log E_{i≠j}[e^{T−1}])²     (λ = 1)
 * ```
 *
 * The partition term is the one the NWJ readout subtracts (E_{i≠j}[e^{T}] with readout
 * `'nwj-shifted'`). Pinning it to 1 is NWJ's self-normalisation: with readout `'nwj'` it pulls the
 * JS critic (optimum log p/q, where E_Q[e^{T−1}] = 1/e) towards NWJ's optimum 1 + log p/q, where
 * the readout is tight.
 *
 * Table 1 calls JS's distance "Euclidean". The distance is taken on the log of the partition term,
 * as for ReNWJ: on the term itself (`distance: 'linear-l2'`, λ(E_Q[e^{T−1}] − 1)²) the penalty
 * grows like e^{2T} and the contrastive benchmark's critic diverges at every λ, which the paper's
 * ReJS does not; on the Gaussian staircase both give the same error. The DV family's
 * λ(log E_{i≠j}[e^T])² is `distance: 'l2'` with `target: −1` (readout `'nwj'`) or `target: 0`
 * (`'nwj-shifted'`).
 */
export function rejs(options?: JensenShannonOptions & RegularizerOptions): Bound {
  return rejsPlugin.create(options);
}
