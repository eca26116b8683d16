import { assertOneOf, infoNCEParts, readOptions } from '@mi/core';
import type { Bound, BoundPlugin } from '@mi/spec';
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
    return contrastiveBound('infonce', direction, { direction });
  },
};

/**
 * The InfoNCE bound normalised along `direction`, under the plugin id `id` (InfoNCE itself, and
 * TNCE, which is InfoNCE with a conditional density as critic). Not exported from the package.
 */
export function contrastiveBound(
  id: string,
  direction: InfoNCEDirection,
  config: Readonly<Record<string, unknown>>,
): Bound {
  // One kernel with a written gradient on cpu, wasm and tensorflow (`@mi/core`'s infoNCEParts):
  // about 85 fewer kernel dispatches per training step than the composition of TF.js ops.
  return createBound({
    id,
    config,
    compute({ scores }) {
      const { loss, estimate, joint, logPartition } = infoNCEParts(scores, direction);
      return { loss, estimate, terms: { joint, logPartition }, state: {} };
    },
    ceiling: (n) => Math.log(n),
    logPartition: ({ scores }) => infoNCEParts(scores, direction).logPartition,
  });
}

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
