import { InvalidArgumentError, NonFiniteEstimateError } from '@mi/spec';
import { KdTree } from './kd-tree';
import { assertMatrix, joinColumns, type Matrix } from './matrix';
import {
  assertKnownOptions,
  type ClassicalEstimate,
  DEFAULT_K,
  type NearestNeighborOptions,
  prepareNeighborData,
} from './options';
import { digamma, logUnitBallVolume } from './special-functions';

/** The norm of the Kozachenko–Leonenko estimator: Euclidean (default) or max-norm. */
export type EntropyNorm = 'euclidean' | 'max';

/** Options of {@link klEstimator}. */
export interface KlOptions extends NearestNeighborOptions {
  /**
   * The norm of the k-NN balls (default `'euclidean'`, as Kozachenko–Leonenko and Jiao et al.
   * 2018). With `'max'` the unit-ball volumes cancel in the MI.
   */
  readonly norm?: EntropyNorm;
}

/** Options of {@link klEntropy}. */
export interface KlEntropyOptions {
  /** The number of neighbours k, an integer in [1, rows − 1]. Default 3. */
  readonly k?: number;
  /** The norm of the k-NN balls (default `'euclidean'`). */
  readonly norm?: EntropyNorm;
}

/**
 * The Kozachenko–Leonenko k-NN estimator of the differential entropy h(X), in nats:
 *   Ĥ = ψ(N) − ψ(k) + log c_d + (d / N) Σᵢ log εᵢ,
 * with εᵢ the distance from sample i to its k-th nearest neighbour (the sample excluded) and c_d
 * the volume of the unit ball of the norm in dimension d (radius 1: π^{d/2} / Γ(d/2 + 1) for the
 * Euclidean norm, 2^d for the max-norm). This is KSG eq. (20) with its ε = 2 × distance and
 * unit-diameter c_d rewritten for radii.
 *
 * Throws `NonFiniteEstimateError` (from `@mi/spec`) when some εᵢ is 0 (at least k duplicates of a sample): the
 * estimator is −∞ there. Continuous data only.
 *
 * @example
 * ```ts
 * const x = { rows: 5, columns: 1, data: Float64Array.of(0.1, 0.5, 0.2, 0.9, 0.7) };
 * klEntropy(x, { k: 1 }); // nats
 * ```
 *
 * @see L. F. Kozachenko, N. N. Leonenko, *Sample estimate of the entropy of a random vector*,
 * Probl. Inf. Transm. 23 (1987); J. Jiao, W. Gao, Y. Han, *The nearest neighbor information
 * estimator is adaptively near minimax rate-optimal*, NeurIPS 2018.
 */
export function klEntropy(x: Matrix, options: KlEntropyOptions = {}): number {
  const functionName = 'klEntropy';
  const record = assertKnownOptions(functionName, options, ['k', 'norm']);
  const matrix = assertMatrix(functionName, 'x', x);
  const k = record['k'] ?? DEFAULT_K;
  if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 1 || k >= matrix.rows) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'k',
      value: k,
      expected: `an integer in [1, rows − 1 = ${matrix.rows - 1}]`,
    });
  }
  return entropy(functionName, 'x', matrix, k, assertNorm(functionName, record['norm']));
}

/**
 * The Kozachenko–Leonenko ("3H") estimator of I(X; Y), in nats:
 *   Î = Ĥ(X) + Ĥ(Y) − Ĥ(X, Y),
 * each entropy estimated by {@link klEntropy} with its own k-NN distances in its own space.
 * Unlike KSG, the three neighbourhoods are not matched, so the biases of the three terms do not
 * cancel; paper 000's Table 1 reports it ("KL", citing Jiao et al. 2018) as strongly biased in 20
 * dimensions.
 *
 * @example
 * ```ts
 * const x = { rows: 4, columns: 1, data: Float64Array.of(0, 1, 2, 3) };
 * const y = { rows: 4, columns: 1, data: Float64Array.of(0.1, 0.9, 2.2, 2.9) };
 * klEstimator(x, y, { k: 1 }).estimate; // nats
 * ```
 *
 * @see J. Jiao, W. Gao, Y. Han, NeurIPS 2018; A. Kraskov et al., Phys. Rev. E 69, 066138 (2004),
 * eq. (20).
 */
export function klEstimator(x: Matrix, y: Matrix, options: KlOptions = {}): ClassicalEstimate {
  const functionName = 'klEstimator';
  const prepared = prepareNeighborData(functionName, x, y, options, ['norm']);
  const norm = assertNorm(functionName, prepared.options['norm']);
  const { k } = prepared;
  const estimate =
    entropy(functionName, 'x', prepared.x, k, norm) +
    entropy(functionName, 'y', prepared.y, k, norm) -
    entropy(functionName, '[x, y]', joinColumns(prepared.x, prepared.y), k, norm);
  return { estimator: 'kl', estimate, rows: prepared.x.rows, k };
}

function assertNorm(functionName: string, norm: unknown): EntropyNorm {
  const value = norm ?? 'euclidean';
  if (value !== 'euclidean' && value !== 'max') {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'norm',
      value,
      expected: "'euclidean' or 'max'",
    });
  }
  return value;
}

function entropy(
  functionName: string,
  what: string,
  matrix: Matrix,
  k: number,
  norm: EntropyNorm,
): number {
  const n = matrix.rows;
  const tree = new KdTree(matrix, { norm });
  const neighbors = new Int32Array(k);
  const distances = new Float64Array(k);
  let sumLog = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const radius = tree.kNearest(i, k, neighbors, distances, false);
    if (radius === 0) zeros++;
    else sumLog += Math.log(radius);
  }
  if (zeros > 0) {
    throw new NonFiniteEstimateError({
      source: functionName,
      quantity: `entropy of ${what}`,
      value: Number.NEGATIVE_INFINITY,
      reason: `${zeros} of ${n} samples have at least k = ${k} exact duplicates, so their k-th neighbour distance is 0; pass jitter (e.g. 1e-10) for continuous data with repeated values, or use mixedKsg for discrete data`,
    });
  }
  const d = matrix.columns;
  return digamma(n) - digamma(k) + logUnitBallVolume(d, norm) + (d / n) * sumLog;
}
