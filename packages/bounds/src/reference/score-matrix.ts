/**
 * Float64 helpers for the reference bounds: plain JavaScript numbers, no tfjs, so that the
 * references share no code (and no float32 rounding) with the implementations they check.
 *
 * A score matrix is `S[i][j] = T(x_i, y_j)`: rows index x, the diagonal holds the joint pairs and
 * the n(n−1) off-diagonal entries are samples of the product of marginals.
 */

/** A score matrix (n × n), or for {@link numericGradient} any list of rows. */
export type Matrix = readonly (readonly number[])[];

/** `S[i][j]`; throws on an index outside the matrix instead of returning undefined. */
export function entry(S: Matrix, i: number, j: number): number {
  const value = S[i]?.[j];
  if (value === undefined) throw new RangeError(`reference: no entry (${i}, ${j}) in the matrix`);
  return value;
}

/** The side n of a square matrix. */
export function sizeOf(S: Matrix): number {
  return S.length;
}

/** S with `f` applied to every entry. */
export function mapEntries(
  S: Matrix,
  f: (value: number, i: number, j: number) => number,
): number[][] {
  return S.map((row, i) => row.map((value, j) => f(value, i, j)));
}

/** Sᵀ. */
export function transpose(S: Matrix): number[][] {
  const n = sizeOf(S);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => entry(S, j, i)));
}

/** The diagonal S_ii (joint pairs). */
export function diagonalOf(S: Matrix): number[] {
  return S.map((_, i) => entry(S, i, i));
}

/** The n(n−1) off-diagonal entries S_ij, i ≠ j (product of marginals), row by row. */
export function offDiagonalOf(S: Matrix): number[] {
  return S.flatMap((row, i) => row.filter((_, j) => j !== i));
}

/**
 * The n entries S_i,(i+1) mod n: each y_{(i+1) mod n} with x_i, one product-of-marginals sample
 * per row, none on the diagonal (n ≥ 2), in row order.
 */
export function shiftedPairsOf(S: Matrix): number[] {
  const n = sizeOf(S);
  if (n < 2) throw new RangeError('reference: shifted pairs need n >= 2');
  return S.map((_, i) => entry(S, i, (i + 1) % n));
}

/** How the partition term samples the product of marginals (the implementations' `marginals`). */
export type MarginalsReference = 'all-pairs' | 'shifted';

/** The arithmetic mean (sum in order; float64). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('reference: mean of no values');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * log Σ e^{v}, shifted by the maximum so that nothing overflows; −∞ for no values or all −∞.
 */
export function logSumExp(values: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  if (max === Number.NEGATIVE_INFINITY) return max;
  if (max === Number.POSITIVE_INFINITY) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** log mean e^{v}. */
export function logMeanExp(values: readonly number[]): number {
  return logSumExp(values) - Math.log(values.length);
}

/** log(1 + e^x) without overflow for large x or loss of precision for very negative x. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** x clipped to [−limit, limit]; `Infinity` leaves x unchanged. */
export function clipSymmetric(x: number, limit: number): number {
  return Math.min(limit, Math.max(-limit, x));
}

/** E_d[S]: the mean of the diagonal (the joint term). */
export function jointMean(S: Matrix): number {
  return mean(diagonalOf(S));
}

/**
 * log E_o[e^S] = log 1/(n(n−1)) Σ_{i≠j} e^{S_ij}, on scores clipped to [−clip, clip] when `clip`
 * is given (e^{clip(S, −τ, τ)} = clip(e^S, e^{−τ}, e^{τ}), SMILE's clipped partition function).
 */
export function logPartitionOffDiagonal(S: Matrix, clip = Number.POSITIVE_INFINITY): number {
  return logMeanExp(offDiagonalOf(S).map((v) => clipSymmetric(v, clip)));
}

/** log E_o[e^S] = log 1/n Σ_i e^{S_i,(i+1) mod n}, on scores clipped to [−clip, clip] when given. */
export function logPartitionShifted(S: Matrix, clip = Number.POSITIVE_INFINITY): number {
  return logMeanExp(shiftedPairsOf(S).map((v) => clipSymmetric(v, clip)));
}

/** log E_o[e^S] over the marginal samples `marginals` names. */
export function logPartitionOver(
  S: Matrix,
  marginals: MarginalsReference = 'all-pairs',
  clip = Number.POSITIVE_INFINITY,
): number {
  return marginals === 'shifted' ? logPartitionShifted(S, clip) : logPartitionOffDiagonal(S, clip);
}
