import { readOptions } from '@mi/core';
import type { Bound, BoundPlugin } from '@mi/spec';
import { references } from '../shared/references';
import { contrastiveBound } from './infonce';

/** TNCE has no options: it is InfoNCE with the normalisation its critic calls for. */
export type TnceOptions = Record<string, never>;

/** The `tnce` bound as a registry plugin: `tncePlugin.create(options)` is `tnce(options)`. */
export const tncePlugin: BoundPlugin<TnceOptions> = {
  id: 'tnce',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'TNCE',
  description:
    "InfoNCE whose critic is the log-density of a tractable conditional q(y|x) (pair it with the 'conditional-gaussian' critic): each y_j is scored against every x_i; capped at log n.",
  formula: 'log n + mean_j [S_jj − logsumexp_i S_ij],  S_ij = log q(y_j | x_i)',
  references: [
    { ...references.poole, location: '§2.5' },
    references.infoNCE,
    { ...references.remine, location: 'App. 9, Table 1' },
  ],
  create(options) {
    readOptions('tnce', options, []);
    return contrastiveBound('tnce', 'columns', {});
  },
};

/**
 * TNCE, the structured InfoNCE bound with a tractable conditional (Poole et al. 2019 §2.5; van den
 * Oord et al. 2018), a baseline of ReMINE's Table 1. The critic is the log-density of a
 * conditional ("encoder") q(y | x), `S_ij = log q(y_j | x_i)`, and each y is contrasted against
 * every x of the batch, so the batch mixture (1/n) Σ_i q(y | x_i) stands in for p(y):
 *
 * ```
 * I_TNCE = 1/n Σ_j log [ q(y_j | x_j) / (1/n Σ_i q(y_j | x_i)) ]
 *        = log n + 1/n Σ_j [ S_jj − log Σ_i e^{S_ij} ]          ≤ log n
 * ```
 *
 * This is `infoNCE({ direction: 'columns' })`: along columns, InfoNCE's optimal critic is
 * log p(y | x) up to a function of y, so the true conditional is optimal, which it is not along
 * rows. Pair it with the `conditional-gaussian` critic of `@mi/critics`
 * (q(y | x) = N(y; μ(x), diag σ²)), whose linear-mean form contains the exact conditional of a
 * correlated Gaussian. Loss = −I_TNCE; terms as InfoNCE's (`logPartition` is the mean column
 * log-mean-exp).
 *
 * @example
 * ```ts
 * const critic = conditionalGaussianCritic({ xFeatures: 20, yFeatures: 20, mean: 'linear' });
 * const bound = tnce();
 * const { estimate } = evaluateBound(bound, { scores: critic.scores(x, y) });
 * ```
 * @see Poole et al. 2019, "On Variational Bounds of Mutual Information", §2.5.
 */
export function tnce(options?: TnceOptions): Bound {
  return tncePlugin.create(options);
}
