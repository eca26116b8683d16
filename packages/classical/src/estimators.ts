import { InvalidArgumentError, NoSuchPluginError } from '@mi/spec';
import { gaussianMI } from './gaussian';
import { klEstimator } from './kozachenko-leonenko';
import { ksg } from './ksg';
import type { Matrix } from './matrix';
import { mixedKsg } from './mixed-ksg';
import type { ClassicalEstimate, ClassicalEstimatorId, NearestNeighborOptions } from './options';

/** The options a caller (the CLI) may pass to any entry of {@link classicalEstimators}. */
export type ClassicalEstimatorOptions = NearestNeighborOptions;

/** One entry of {@link classicalEstimators}: what it is, and a uniform way to run it. */
export interface ClassicalEstimator {
  readonly id: ClassicalEstimatorId;
  readonly displayName: string;
  /** One sentence: what it estimates and when to use it. */
  readonly description: string;
  /** The papers it implements. */
  readonly references: readonly string[];
  /** Whether it takes the k-NN options (`k`, `standardize`, `jitter`, `seed`). */
  readonly usesNeighbors: boolean;
  /** Runs the estimator; `gaussian` rejects k-NN options instead of ignoring them. */
  estimate(x: Matrix, y: Matrix, options?: ClassicalEstimatorOptions): ClassicalEstimate;
}

const KSG_REFERENCE =
  'A. Kraskov, H. Stögbauer, P. Grassberger, Estimating mutual information, Phys. Rev. E 69, 066138 (2004)';

/**
 * The estimators of this package by id, for wiring by name (`mi estimate --estimator ksg`).
 * A plain record: importing the package registers nothing anywhere.
 *
 * @example
 * ```ts
 * const entry = classicalEstimators['mixed-ksg'];
 * const { estimate } = entry.estimate(x, y, { k: 5 });
 * ```
 */
export const classicalEstimators: Readonly<Record<ClassicalEstimatorId, ClassicalEstimator>> =
  Object.freeze({
    ksg: {
      id: 'ksg',
      displayName: 'KSG (algorithm 1)',
      description:
        'Kraskov–Stögbauer–Grassberger k-NN estimator, algorithm 1 (max-norm, strict counts); continuous data.',
      references: [KSG_REFERENCE],
      usesNeighbors: true,
      estimate: (x, y, options) => ksg(x, y, { ...options, algorithm: 1 }),
    },
    ksg2: {
      id: 'ksg2',
      displayName: 'KSG (algorithm 2)',
      description:
        'Kraskov–Stögbauer–Grassberger k-NN estimator, algorithm 2 (per-marginal neighbourhood sizes); continuous data.',
      references: [KSG_REFERENCE],
      usesNeighbors: true,
      estimate: (x, y, options) => ksg(x, y, { ...options, algorithm: 2 }),
    },
    'mixed-ksg': {
      id: 'mixed-ksg',
      displayName: 'Mixed KSG',
      description:
        'KSG adapted to ties (Gao et al. 2017): consistent for discrete, continuous and mixed X and Y.',
      references: [
        'W. Gao, S. Kannan, S. Oh, P. Viswanath, Estimating mutual information for discrete-continuous mixtures, NeurIPS 2017',
      ],
      usesNeighbors: true,
      estimate: (x, y, options) => mixedKsg(x, y, options),
    },
    kl: {
      id: 'kl',
      displayName: 'Kozachenko–Leonenko (3H)',
      description:
        'Ĥ(X) + Ĥ(Y) − Ĥ(X, Y) with the Kozachenko–Leonenko k-NN entropy estimator (Euclidean); continuous data.',
      references: [
        'L. F. Kozachenko, N. N. Leonenko, Sample estimate of the entropy of a random vector, Probl. Inf. Transm. 23 (1987)',
        'J. Jiao, W. Gao, Y. Han, The nearest neighbor information estimator is adaptively near minimax rate-optimal, NeurIPS 2018',
      ],
      usesNeighbors: true,
      estimate: (x, y, options) => klEstimator(x, y, options),
    },
    gaussian: {
      id: 'gaussian',
      displayName: 'Gaussian (CCA)',
      description:
        'Closed form −½ Σ log(1 − ρᵢ²) over the canonical correlations: exact for jointly Gaussian data, a lower bound for any data with that covariance.',
      references: [
        'Å. Björck, G. H. Golub, Numerical methods for computing angles between linear subspaces, Math. Comp. 27 (1973)',
      ],
      usesNeighbors: false,
      estimate: (x, y, options) => {
        const given = Object.entries(options ?? {}).filter(([, value]) => value !== undefined);
        if (given.length > 0) {
          const [key, value] = given[0] as [string, unknown];
          throw new InvalidArgumentError({
            functionName: 'gaussianMI',
            parameter: key,
            value,
            expected: 'no options: the Gaussian estimator has no k, jitter or standardisation',
          });
        }
        return gaussianMI(x, y);
      },
    },
  });

/** The ids of {@link classicalEstimators}, in a stable order. */
export const classicalEstimatorIds: readonly ClassicalEstimatorId[] = Object.freeze([
  'ksg',
  'ksg2',
  'mixed-ksg',
  'kl',
  'gaussian',
]);

/**
 * The entry of {@link classicalEstimators} with this id; throws `NoSuchPluginError` listing the
 * known ids for any other string.
 */
export function getClassicalEstimator(id: string): ClassicalEstimator {
  if (!Object.hasOwn(classicalEstimators, id)) {
    throw new NoSuchPluginError({
      kind: 'classical estimator',
      id,
      knownIds: classicalEstimatorIds,
    });
  }
  return classicalEstimators[id as ClassicalEstimatorId];
}
