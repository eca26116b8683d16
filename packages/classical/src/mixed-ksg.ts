import { InvalidArgumentError } from '@mi/spec';
import { KdTree } from './kd-tree';
import { joinColumns, type Matrix } from './matrix';
import {
  type ClassicalEstimate,
  type NearestNeighborOptions,
  prepareNeighborData,
} from './options';
import { digamma } from './special-functions';

/** Options of {@link mixedKsg}. */
export interface MixedKsgOptions extends NearestNeighborOptions {
  /**
   * `'paper'` (default): the formula of the paper, below. `'authors-code'`: the variant of the
   * authors' published code (`mixed.py`), less biased on continuous data at small k:
   * ξ_i = ψ(k′_i) + log N − ψ(n′_x(i) + 1) − ψ(n′_y(i) + 1), where k′_i = k when ρ_i > 0 and
   * k̃_i + 1 (the sample itself counted) when ρ_i = 0, and n′ counts other samples at distance
   * `< ρ_i` when ρ_i > 0 and `= 0` when ρ_i = 0.
   */
  readonly variant?: 'paper' | 'authors-code';
}

/**
 * The Mixed KSG estimator of Gao, Kannan, Oh and Viswanath (2017): a KSG-style k-NN estimator of
 * I(X; Y), in nats, that stays consistent when X, Y or both have discrete parts (repeated values).
 *
 * For each sample i, ρ_i is the max-norm distance to its k-th nearest neighbour in the joint space
 * (as in {@link ksg}: Chebyshev over all columns of [x, y], the sample itself excluded). When
 * ρ_i = 0 (at least k other samples equal to sample i), k̃_i is the number of other samples at
 * distance 0; otherwise k̃_i = k. n_x(i) and n_y(i) count the other samples within ρ_i (≤) in
 * each marginal, and
 *   ξ_i = ψ(k̃_i) + log N − log(n_x(i) + 1) − log(n_y(i) + 1),   Î = ⟨ξ_i⟩.
 * On purely discrete data this is the plug-in estimator up to the ψ/log difference, and on
 * continuous data it behaves as KSG.
 *
 * The formula mixes ψ and log: at small k on continuous data its log(n + 1) terms exceed
 * KSG's ψ(n + 1) by about 1/(2(n + 1)) each, a downward bias (n = 300, k = 3, true MI 0.223:
 * 0.148 here, 0.239 for KSG). The authors' published code differs from the paper in exactly these
 * places; `variant: 'authors-code'` reproduces it.
 *
 * @example
 * ```ts
 * // X uniform over 8 values, Y = X: the truth is log 8.
 * const values = Float64Array.from({ length: 800 }, (_, i) => i % 8);
 * const x = { rows: 800, columns: 1, data: values };
 * mixedKsg(x, x, { k: 3 }).estimate; // ≈ 2.06 (ψ(99) + log 800 − 2 log 100)
 * ```
 *
 * @see W. Gao, S. Kannan, S. Oh, P. Viswanath, *Estimating mutual information for
 * discrete-continuous mixtures*, NeurIPS 2017 (arXiv:1709.06212).
 */
export function mixedKsg(x: Matrix, y: Matrix, options: MixedKsgOptions = {}): ClassicalEstimate {
  const functionName = 'mixedKsg';
  const prepared = prepareNeighborData(functionName, x, y, options, ['variant']);
  const variant = prepared.options['variant'] ?? 'paper';
  if (variant !== 'paper' && variant !== 'authors-code') {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'variant',
      value: variant,
      expected: "'paper' or 'authors-code'",
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
  for (let i = 0; i < n; i++) {
    const radius = joint.kNearest(i, k, neighbors, distances, false);
    if (variant === 'paper') {
      const kTilde = radius === 0 ? joint.countWithin(i, 0, true) : k;
      sum +=
        digamma(kTilde) -
        Math.log(xTree.countWithin(i, radius, true) + 1) -
        Math.log(yTree.countWithin(i, radius, true) + 1);
    } else {
      // ≤ 0 when ρ_i = 0, < ρ_i otherwise; every count + 1 for the sample itself.
      const inclusive = radius === 0;
      const kTilde = inclusive ? joint.countWithin(i, 0, true) + 1 : k;
      sum +=
        digamma(kTilde) -
        digamma(xTree.countWithin(i, radius, inclusive) + 1) -
        digamma(yTree.countWithin(i, radius, inclusive) + 1);
    }
  }
  return { estimator: 'mixed-ksg', estimate: Math.log(n) + sum / n, rows: n, k };
}
