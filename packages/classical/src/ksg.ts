import { InvalidArgumentError } from '@mi/spec';
import { KdTree } from './kd-tree';
import { joinColumns, type Matrix } from './matrix';
import {
  type ClassicalEstimate,
  type NearestNeighborOptions,
  prepareNeighborData,
} from './options';
import { digamma } from './special-functions';

/** Options of {@link ksg}. */
export interface KsgOptions extends NearestNeighborOptions {
  /**
   * Which of the two estimators of Kraskov et al. (2004): `1` (default, eq. 8, the one
   * scikit-learn implements) or `2` (eq. 9, per-marginal neighbourhood sizes).
   */
  readonly algorithm?: 1 | 2;
}

/**
 * The Kraskov–Stögbauer–Grassberger k-nearest-neighbour estimator of I(X; Y), in nats.
 *
 * Distances are max-norms: in the joint space ‖z − z′‖ = max(‖x − x′‖, ‖y − y′‖) as the paper
 * requires, and within X and within Y the max-norm over coordinates too (the paper's choice for
 * its experiments, and scikit-learn's), so the joint distance is the Chebyshev distance over all
 * columns of [x, y]. For each sample i, ε(i)/2 is the distance to its k-th nearest neighbour in the
 * joint space (the sample itself excluded).
 *
 * Algorithm 1 (KSG eq. 8): n_x(i), n_y(i) count the other samples strictly within ε(i)/2 in each
 * marginal, and
 *   I⁽¹⁾ = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩.
 *
 * Algorithm 2 (KSG eq. 9): ε_x(i)/2 and ε_y(i)/2 are the largest X and Y distances from i to its k
 * joint neighbours, n_x(i), n_y(i) count the other samples with distance ≤ those, and
 *   I⁽²⁾ = ψ(k) − 1/k + ψ(N) − ⟨ψ(n_x) + ψ(n_y)⟩.
 * Among neighbours tied at the k-th distance, the ones with the smaller row index are taken.
 *
 * Continuous data only: with duplicate rows the k-th distance can be 0 and algorithm 1 then counts
 * nothing, which biases the estimate upwards without bound. Pass `jitter` (as scikit-learn does)
 * or use {@link mixedKsg} for discrete or mixed data.
 *
 * Cost: O(N log N) expected with the exact k-d tree of this package.
 *
 * @example
 * ```ts
 * const x = { rows: 4, columns: 1, data: Float64Array.of(0, 1, 2, 3) };
 * const y = { rows: 4, columns: 1, data: Float64Array.of(0.1, 0.9, 2.2, 2.9) };
 * ksg(x, y, { k: 1 }).estimate; // nats
 * ksg(x, y, { k: 1, algorithm: 2 }).estimate;
 * ```
 *
 * @see A. Kraskov, H. Stögbauer, P. Grassberger, *Estimating mutual information*, Phys. Rev. E 69,
 * 066138 (2004), eqs. (8) and (9).
 */
export function ksg(x: Matrix, y: Matrix, options: KsgOptions = {}): ClassicalEstimate {
  const functionName = 'ksg';
  const prepared = prepareNeighborData(functionName, x, y, options, ['algorithm']);
  const algorithm = prepared.options['algorithm'] ?? 1;
  if (algorithm !== 1 && algorithm !== 2) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'algorithm',
      value: algorithm,
      expected: '1 or 2',
    });
  }
  const { k } = prepared;
  const n = prepared.x.rows;
  const joint = new KdTree(joinColumns(prepared.x, prepared.y), { norm: 'max' });
  const xTree = new KdTree(prepared.x, { norm: 'max' });
  const yTree = new KdTree(prepared.y, { norm: 'max' });
  const neighbors = new Int32Array(k);
  const distances = new Float64Array(k);
  let sum = 0;
  if (algorithm === 1) {
    for (let i = 0; i < n; i++) {
      const radius = joint.kNearest(i, k, neighbors, distances, false);
      sum +=
        digamma(xTree.countWithin(i, radius, false) + 1) +
        digamma(yTree.countWithin(i, radius, false) + 1);
    }
    return { estimator: 'ksg', estimate: digamma(k) + digamma(n) - sum / n, rows: n, k };
  }
  for (let i = 0; i < n; i++) {
    joint.kNearest(i, k, neighbors, distances, true);
    let xRadius = 0;
    let yRadius = 0;
    for (let j = 0; j < k; j++) {
      const neighbor = neighbors[j] as number;
      xRadius = Math.max(xRadius, xTree.distanceBetween(i, neighbor));
      yRadius = Math.max(yRadius, yTree.distanceBetween(i, neighbor));
    }
    sum +=
      digamma(xTree.countWithin(i, xRadius, true)) + digamma(yTree.countWithin(i, yRadius, true));
  }
  return { estimator: 'ksg2', estimate: digamma(k) - 1 / k + digamma(n) - sum / n, rows: n, k };
}
