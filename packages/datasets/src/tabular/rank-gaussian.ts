import { assertNumber } from '@mi/core';
import type { Matrix } from './matrix';

/**
 * Replaces every column by the normal scores of its ranks: z = Φ⁻¹((rank − ½)/n), ties sharing
 * their average rank. Each column becomes standard normal in distribution, whatever its marginal
 * (heavy tails, y³ warps, skew), and the map is increasing, so the mutual information between
 * the columns of X and those of Y is unchanged (it is invariant under strictly monotone maps of
 * each variable) while the critic sees well-scaled inputs. A discrete column keeps one value per
 * distinct level.
 */
export function rankGaussianize(matrix: Matrix): Matrix {
  const { rows, columns, data } = matrix;
  const out = new Float64Array(rows * columns);
  const order = new Int32Array(rows);
  for (let c = 0; c < columns; c++) {
    for (let r = 0; r < rows; r++) order[r] = r;
    const value = (r: number) => data[r * columns + c] as number;
    order.sort((a, b) => value(a) - value(b));
    for (let start = 0; start < rows; ) {
      let end = start + 1;
      while (end < rows && value(order[end] as number) === value(order[start] as number)) end += 1;
      // Ranks start + 1 … end share their mean, (start + end + 1)/2.
      const z = normalQuantile((start + end) / 2 / rows);
      for (let k = start; k < end; k++) out[(order[k] as number) * columns + c] = z;
      start = end;
    }
  }
  return { rows, columns, data: out };
}

/**
 * Φ⁻¹(p), the standard normal quantile, by Acklam's rational approximation (relative error below
 * 1.2e-9 on (0, 1)) refined with one Halley step on erfc, which brings it to double precision.
 */
export function normalQuantile(p: number): number {
  assertNumber('normalQuantile', 'p', p, {
    min: 0,
    max: 1,
    minExclusive: true,
    maxExclusive: true,
  });
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = tail(q, c, d);
  } else if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -tail(q, c, d);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      (((((((a[0] as number) * r + (a[1] as number)) * r + (a[2] as number)) * r +
        (a[3] as number)) *
        r +
        (a[4] as number)) *
        r +
        (a[5] as number)) *
        q) /
      ((((((b[0] as number) * r + (b[1] as number)) * r + (b[2] as number)) * r +
        (b[3] as number)) *
        r +
        (b[4] as number)) *
        r +
        1);
  }
  // One Halley step: e = Φ(x) − p with Φ(x) = ½ erfc(−x/√2).
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

function tail(q: number, c: readonly number[], d: readonly number[]): number {
  return (
    ((((((c[0] as number) * q + (c[1] as number)) * q + (c[2] as number)) * q + (c[3] as number)) *
      q +
      (c[4] as number)) *
      q +
      (c[5] as number)) /
    (((((d[0] as number) * q + (d[1] as number)) * q + (d[2] as number)) * q + (d[3] as number)) *
      q +
      1)
  );
}

/** erfc(x) to ~1e-15 relative: a continued fraction for |x| ≥ 2 and the series of erf below. */
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π Σ (−1)^k x^{2k+1} / (k! (2k + 1))
    let term = x;
    let sum = x;
    for (let k = 1; k < 60; k++) {
      term *= (-x * x) / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = e^{−x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))), evaluated backwards.
  let fraction = 0;
  for (let k = 60; k >= 1; k--) fraction = k / 2 / (x + fraction);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + fraction);
}
