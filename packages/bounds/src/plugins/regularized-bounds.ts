import type { BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  type RegularizerOptions,
  regularized,
  regularizedPlugin,
  resolveRegularizer,
} from '../regularized';
import { createBound } from '../shared/create-bound';
import { readOptions } from '../shared/read-options';
import { references } from '../shared/references';
import { donskerVaradhan } from './dv';
import { type InfoNCEOptions, infoNCE } from './infonce';
import { jensenShannon } from './js';
import { nwj } from './nwj';
import { type SmileOptions, smile } from './smile';
import { type TubaOptions, tuba } from './tuba';

/** Options of {@link remine}: the regulariser with `distance` `l2` (default) or `l1`. */
export type RemineOptions = RegularizerOptions;

/**
 * ReMINE (ReMINE 2021, Eq. 6; Choi & Lee 2022, Eq. 14): the plug-in DV bound with its log
 * partition term pulled to a constant C:
 *
 * ```
 * loss = −[ E_diag[T] − L ] + λ·d(L, C)       L = log mean_{i≠j} e^{S_ij}
 * d    = (L − C)²  (l2, default; λ = 1, C = 0)   or   |L − C|  (l1)
 * ```
 *
 * The estimate is the DV value. The regulariser fixes the drift of DV's free constant and
 * keeps the critic's outputs from exploding (ReMINE §3–4).
 */
export const remine: BoundPlugin<RemineOptions> = regularizedPlugin({
  id: 'remine',
  displayName: 'ReMINE',
  base: donskerVaradhan,
  baseOptionKeys: [],
  regularizerDefaults: { distance: 'l2', lambda: 1, target: 0 },
  description: 'DV with its log partition term regularised towards C (L2 or L1).',
});

/**
 * ReMINE-J (ReMINE 2021 §4): trained as {@link remine}, but reports only the joint term minus the
 * target, E_diag[T] − C, which at the regularised optimum (log E_Q[e^T] = C) equals the DV value
 * and has no partition-term variance.
 */
export const remineJoint: BoundPlugin<RemineOptions> = {
  id: 'remine-j',
  specificationVersion: 'v1',
  displayName: 'ReMINE-J',
  description: 'ReMINE training; reports E_diag[T] − C.',
  formula: 'report E_diag[T] − C; train as ReMINE',
  references: [{ ...references.remine, location: '§4' }],
  create(options) {
    readOptions('remine-j', options, ['distance', 'lambda', 'target', 'clip']);
    const resolved = resolveRegularizer('remine-j', { distance: 'l2', ...options });
    const trained = regularized(donskerVaradhan.create(), resolved, 'remine');
    return createBound({
      id: 'remine-j',
      config: { ...resolved },
      compute(inputs, state) {
        const inner = trained.compute(inputs, state);
        const joint = inner.terms['joint'] as tf.Scalar;
        const estimate = tf.sub(joint, resolved.target);
        return { ...inner, estimate };
      },
      logPartition: (inputs, clip) =>
        trained.logPartition!(inputs, clip === undefined ? {} : { clip }),
    });
  },
};

/**
 * ReNWJ (Choi & Lee 2022, Eq. 15): NWJ with the log-Euclidean distance between its partition term
 * E_Q[e^{T−1}] and 1, computed on scores clipped to ±10 (Table 1):
 * `loss = −I_NWJ + λ (log E_Q[e^{T−1}])²`.
 */
export const renwj: BoundPlugin<RegularizerOptions> = regularizedPlugin({
  id: 'renwj',
  displayName: 'ReNWJ',
  base: nwj,
  baseOptionKeys: [],
  regularizerDefaults: { distance: 'log-euclidean', lambda: 1, target: 1, clip: 10 },
  description: 'NWJ regularised with the log-Euclidean distance of its partition term to 1.',
});

/** ReSMILE (Choi & Lee 2022, Table 1): SMILE with τ = 10 and the Euclidean regulariser on log E_Q[e^T]. */
export const resmile: BoundPlugin<SmileOptions & RegularizerOptions> = regularizedPlugin({
  id: 'resmile',
  displayName: 'ReSMILE',
  base: smile,
  baseOptionKeys: ['tau'],
  baseDefaults: { tau: 10 },
  regularizerDefaults: { distance: 'l2', lambda: 1, target: 0 },
  description:
    'SMILE (τ = 10) regularised with the Euclidean distance of its log partition term to 0.',
});

/** ReInfoNCE (Choi & Lee 2022, Table 1): InfoNCE with the Euclidean regulariser on its log partition term. */
export const reinfonce: BoundPlugin<InfoNCEOptions & RegularizerOptions> = regularizedPlugin({
  id: 'reinfonce',
  displayName: 'ReInfoNCE',
  base: infoNCE,
  baseOptionKeys: ['direction'],
  regularizerDefaults: { distance: 'l2', lambda: 1, target: 0 },
  description: 'InfoNCE regularised with the Euclidean distance of its mean row log-mean-exp to 0.',
});

/** ReTUBA (Choi & Lee 2022, Table 1): TUBA with a(y) = 1 and the log-Euclidean regulariser, clip 10. */
export const retuba: BoundPlugin<TubaOptions & RegularizerOptions> = regularizedPlugin({
  id: 'retuba',
  displayName: 'ReTUBA',
  base: tuba,
  baseOptionKeys: ['logBaseline'],
  regularizerDefaults: { distance: 'log-euclidean', lambda: 1, target: 1, clip: 10 },
  description:
    'TUBA (a(y) = 1) regularised with the log-Euclidean distance of its partition term to 1.',
});

/** ReJS (Choi & Lee 2022, Table 1): JS-trained critic, NWJ read-out, Euclidean regulariser. */
export const rejs: BoundPlugin<RegularizerOptions> = regularizedPlugin({
  id: 'rejs',
  displayName: 'ReJS',
  base: jensenShannon,
  baseOptionKeys: [],
  regularizerDefaults: { distance: 'l2', lambda: 1, target: 0 },
  description: 'JS-trained critic with the Euclidean regulariser on log E_Q[e^T].',
});
