/**
 * The digamma function ψ(x) = d/dx log Γ(x) for x > 0, to about 1e-15 relative accuracy.
 *
 * The recurrence ψ(x) = ψ(x + 1) − 1/x moves x to at least 10, where the asymptotic series
 * ψ(x) ~ log x − 1/(2x) − Σ B₂ₙ/(2n x²ⁿ) is truncated after the x⁻¹⁴ term (its next term is below
 * 1e-17 there). The k-NN estimators only need integer arguments (ψ(1) = −γ, ψ(n + 1) = ψ(n) + 1/n),
 * which the tests check against.
 */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  // Bernoulli numbers B₂ₙ / (2n): 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760, 1/12.
  const series =
    inv2 *
    (1 / 12 -
      inv2 *
        (1 / 120 -
          inv2 *
            (1 / 252 -
              inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760 - inv2 * (1 / 12)))))));
  return shift + Math.log(x) - 0.5 / x - series;
}

/**
 * log of the volume of the unit ball of dimension d: d·log 2 for the max-norm (the cube
 * [−1, 1]^d), (d/2)·log π − log Γ(d/2 + 1) for the Euclidean norm.
 */
export function logUnitBallVolume(dimension: number, norm: 'euclidean' | 'max'): number {
  if (norm === 'max') return dimension * Math.LN2;
  return (dimension / 2) * Math.log(Math.PI) - logGammaOfHalfInteger(dimension / 2 + 1);
}

/** log Γ(a) for a a positive multiple of 1/2, exactly as a sum of logs (Γ(1/2) = √π). */
function logGammaOfHalfInteger(a: number): number {
  let sum = 0;
  let t = a;
  while (t > 1) {
    t -= 1;
    sum += Math.log(t);
  }
  // t is now 1 (Γ(1) = 1) or 1/2 (Γ(1/2) = √π).
  return t === 0.5 ? sum + 0.5 * Math.log(Math.PI) : sum;
}
