import { assertNumber, readOptions, valueWithGradientOf } from '@mi/core';
import type { Bound, BoundPlugin } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound, type RawBoundOutput } from '../shared/create-bound';
import { jensenShannonObjective } from '../shared/jensen-shannon';
import { references } from '../shared/references';
import { jointTerm, logPartitionOffDiagonal } from '../shared/terms';

/** Options of {@link smile} and {@link smileDv}. */
export interface SmileOptions {
  /** Clipping threshold τ > 0 (the paper uses 1, 5, 10; `Infinity` disables clipping). Default 5. */
  readonly tau?: number;
}

/**
 * The clipped DV bound shared by both SMILE variants; `trainOnJensenShannon` picks the gradient:
 * the JS objective's (Song & Ermon) or the clipped DV's own (Choi & Lee).
 */
function clippedDv(id: string, tau: number, trainOnJensenShannon: boolean) {
  return createBound({
    id,
    config: { tau },
    // The JS objective pins T (its optimum is the log density ratio), so pooling is unbiased;
    // trained on the clipped DV, T keeps a free constant that only cancels per batch.
    averaging: trainOnJensenShannon ? 'micro' : 'macro',
    compute({ scores }): RawBoundOutput {
      const joint = jointTerm(scores);
      const logPartition = logPartitionOffDiagonal(scores, tau);
      const estimate = tf.sub(joint, logPartition);
      if (!trainOnJensenShannon) {
        return { loss: tf.neg(estimate), estimate, terms: { joint, logPartition }, state: {} };
      }
      const objective = jensenShannonObjective(scores);
      return {
        loss: tf.neg(valueWithGradientOf(estimate, objective)),
        estimate,
        terms: { joint, logPartition, jsObjective: objective },
        state: {},
      };
    },
    // What a regulariser acts on: the unclipped term (ReSMILE keeps a gradient beyond ±τ).
    logPartition: ({ scores }) => logPartitionOffDiagonal(scores),
  });
}

function readTau(id: string, options: SmileOptions | undefined): number {
  const { tau = 5 } = readOptions(id, options, ['tau']);
  assertNumber(id, 'tau', tau, { min: 0, minExclusive: true, allowInfinity: true });
  return tau;
}

/** The `smile` bound as a registry plugin: `smilePlugin.create(options)` is `smile(options)`. */
export const smilePlugin: BoundPlugin<SmileOptions> = {
  id: 'smile',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'SMILE',
  description: 'DV with a clipped partition function (τ); gradient from the JS objective.',
  formula: 'report E_diag[T] − log mean_{i≠j} clip(e^{S_ij}, e^{−τ}, e^{τ}); train on JS',
  references: [{ ...references.smile, location: '§5, Eq. 17' }],
  create(options) {
    return clippedDv('smile', readTau('smile', options), true);
  },
};

/** The `smileDv` bound as a registry plugin: `smileDvPlugin.create(options)` is `smileDv(options)`. */
export const smileDvPlugin: BoundPlugin<SmileOptions> = {
  id: 'smile-dv',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'SMILE (DV-trained)',
  description: 'Clipped DV trained on its own value (no JS gradient), as in Choi & Lee 2022.',
  formula: 'E_diag[T] − log mean_{i≠j} e^{clip(S_ij, −τ, τ)}',
  references: [
    { ...references.smile, location: '§5' },
    { ...references.choiLee, location: 'Table 1' },
  ],
  create(options) {
    return clippedDv('smile-dv', readTau('smile-dv', options), false);
  },
};

/**
 * SMILE (Song & Ermon 2020, §5, Eq. 17): the DV value with the partition function clipped to
 * [e^{−τ}, e^{τ}], and the gradient of the Jensen–Shannon objective:
 *
 * ```
 * report     I_SMILE = E_diag[T] − log 1/(n(n−1)) Σ_{i≠j} clip(e^{S_ij}, e^{−τ}, e^{τ})
 * train on   J = E_diag[−softplus(−T)] − E_{i≠j}[softplus(T)]
 * ```
 *
 * The joint term uses the unclipped T, as in the paper's code. Clipping bounds the variance of
 * the partition term by a function of τ (Theorem 3) at the price of a bias. The loss has the value
 * −I_SMILE and the gradient of −J. See {@link smileDv} for the variant trained on the clipped DV.
 */
export function smile(options?: SmileOptions): Bound {
  return smilePlugin.create(options);
}

/**
 * SMILE trained directly on its clipped DV value (the variant Choi & Lee 2022 use as I_SMILE):
 * the same value as {@link smile}, but the gradient is that of the clipped DV, so scores outside
 * [−τ, τ] get no gradient through the partition term.
 *
 * ```
 * I = E_diag[T] − log 1/(n(n−1)) Σ_{i≠j} e^{clip(S_ij, −τ, τ)}     loss = −I
 * ```
 */
export function smileDv(options?: SmileOptions): Bound {
  return smileDvPlugin.create(options);
}
