// The estimators against analytic truth. Each case is one seeded sample, so the test is
// deterministic; the tolerances are stated per case from the estimators' known bias and spread.
import { gaussianMI, klEstimator, ksg, type Matrix, mixedKsg } from '@mi/classical';
import { describe, expect, it } from 'vitest';
import { createNormalStream } from './preprocessing';

const N = 2000;

/**
 * x ~ N(0, I_d), y = ρx + √(1 − ρ²)ε: d independent pairs of correlation ρ, I = −(d/2) log(1 − ρ²).
 * ρ is chosen so that the total MI is `mi`.
 */
function correlatedGaussians(
  d: number,
  mi: number,
  seed: number,
): { x: Matrix; y: Matrix; rho: number } {
  const rho = Math.sqrt(1 - Math.exp((-2 * mi) / d));
  const normal = createNormalStream(seed);
  const x = new Float64Array(N * d);
  const y = new Float64Array(N * d);
  for (let i = 0; i < N * d; i++) {
    const a = normal();
    x[i] = a;
    y[i] = rho * a + Math.sqrt(1 - rho * rho) * normal();
  }
  return { x: { rows: N, columns: d, data: x }, y: { rows: N, columns: d, data: y }, rho };
}

/** A seeded uniform in [0, 1) from the normal stream (Φ of a normal is uniform). */
function uniformStream(seed: number): () => number {
  const normal = createNormalStream(seed);
  return () => 0.5 * (1 + erf(normal() / Math.SQRT2));
}

/** erf to 1.5e-7 (Abramowitz & Stegun 7.1.26): enough to draw a uniform class label. */
function erf(t: number): number {
  const s = Math.sign(t);
  const a = Math.abs(t);
  const u = 1 / (1 + 0.3275911 * a);
  const poly =
    u *
    (0.254829592 + u * (-0.284496736 + u * (1.421413741 + u * (-1.453152027 + u * 1.061405429))));
  return s * (1 - poly * Math.exp(-a * a));
}

describe('Gaussian pairs (n = 2000, d per side, analytic MI)', () => {
  // KSG and KL spread and bias at n = 2000, k = 3, measured over 20 seeds (README, "Accuracy").
  // KSG's bias is negative and grows with dimension and MI (its local-uniformity assumption fails
  // when the density varies across a k-NN ball); it is ≈ 0 in 1-D.
  // Tolerance: |estimate − (truth + bias)| < 4 standard deviations of the estimator.
  const cases = [
    { d: 1, mi: 0.5, ksg1: [-0.004, 0.025], ksg2: [-0.003, 0.025], kl: [0.004, 0.03] },
    { d: 1, mi: 1.5, ksg1: [0.006, 0.036], ksg2: [0.006, 0.035], kl: [0.006, 0.033] },
    { d: 3, mi: 0.5, ksg1: [-0.034, 0.026], ksg2: [-0.026, 0.026], kl: [0.001, 0.048] },
    { d: 3, mi: 1.5, ksg1: [-0.113, 0.033], ksg2: [-0.092, 0.035], kl: [-0.073, 0.044] },
  ] as const;

  it.each(cases)('d = $d, I = $mi nats', ({ d, mi, ksg1, ksg2, kl }) => {
    const { x, y, rho } = correlatedGaussians(d, mi, 100 + 10 * d + mi * 2);

    // Gaussian closed form: standard error √(d ρ² / N) (delta method, Var ρ̂ = (1 − ρ²)²/N per
    // canonical pair; checked against 1000 NumPy replications), bias d²/(2N).
    const standardError = Math.sqrt((d * rho * rho) / N);
    const gaussian = gaussianMI(x, y);
    expect(Math.abs(gaussian.estimate - mi - (d * d) / (2 * N))).toBeLessThan(3 * standardError);
    for (const r of gaussian.canonicalCorrelations) expect(Math.abs(r - rho)).toBeLessThan(0.05);

    const within = (estimate: number, [bias, sd]: readonly [number, number]) =>
      expect(Math.abs(estimate - mi - bias)).toBeLessThan(4 * sd);
    within(ksg(x, y, { k: 3 }).estimate, ksg1);
    within(ksg(x, y, { k: 3, algorithm: 2 }).estimate, ksg2);
    within(klEstimator(x, y, { k: 3 }).estimate, kl);
  });
});

describe('discrete and mixed data', () => {
  it('Mixed KSG recovers I(X; X + N(0, 1)) for X uniform on {0, 1, 2, 3}', () => {
    // Truth: h(Y) − h(Y | X) with p_Y = ¼ Σ_j φ(y − j), h(Y) by Simpson's rule on [−12, 15]
    // (the tails beyond hold < 1e-30 of the mass).
    const phi = (t: number) => Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI);
    const density = (t: number) => 0.25 * (phi(t) + phi(t - 1) + phi(t - 2) + phi(t - 3));
    const [a, b, steps] = [-12, 15, 27_000];
    const h = (b - a) / steps;
    let entropy = 0;
    for (let i = 0; i <= steps; i++) {
      const p = density(a + i * h);
      const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
      if (p > 0) entropy -= weight * p * Math.log(p);
    }
    entropy *= h / 3;
    const truth = entropy - 0.5 * Math.log(2 * Math.PI * Math.E);
    expect(truth).toBeCloseTo(0.3996, 4);

    const uniform = uniformStream(7);
    const normal = createNormalStream(8);
    const xs = new Float64Array(N);
    const ys = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      xs[i] = Math.min(3, Math.floor(4 * uniform()));
      ys[i] = (xs[i] as number) + normal();
    }
    const x = { rows: N, columns: 1, data: xs };
    const y = { rows: N, columns: 1, data: ys };
    // The authors'-code variant (and KSG, whose formula it matches here): unbiased, sd ≈ 0.021
    // over 30 seeds; 4 sd.
    expect(
      Math.abs(mixedKsg(x, y, { k: 3, variant: 'authors-code' }).estimate - truth),
    ).toBeLessThan(0.085);
    // The paper's formula: log(n_y + 1) with ≤ counts exceeds KSG's ψ(n_y + 1) with < by
    // ≈ log((n + 2)/(n + ½)) at the small n_y of a k = 3 ball: bias −0.24 (k = 3), −0.14 (k = 5),
    // sd ≈ 0.02 over 30 seeds. It vanishes as k grows, as the paper's consistency theorem needs.
    expect(Math.abs(mixedKsg(x, y, { k: 3 }).estimate - truth + 0.241)).toBeLessThan(0.08);
    expect(Math.abs(mixedKsg(x, y, { k: 5 }).estimate - truth + 0.137)).toBeLessThan(0.08);
  });

  it('Mixed KSG recovers log 8 for X = Y uniform on 8 values, where KSG fails', () => {
    const uniform = uniformStream(21);
    const values = Float64Array.from({ length: N }, () => Math.min(7, Math.floor(8 * uniform())));
    const x = { rows: N, columns: 1, data: values };
    // Every k-NN distance is 0: k̃ = n_x = n_y = (class size − 1), so Î ≈ ⟨ψ(m − 1) + log N − 2 log m⟩,
    // log 8 − 0.008 at m ≈ 250 (sd 0.0013 over 30 seeds).
    expect(Math.abs(mixedKsg(x, x, { k: 3 }).estimate - Math.log(8))).toBeLessThan(0.02);
    expect(
      Math.abs(mixedKsg(x, x, { k: 3, variant: 'authors-code' }).estimate - Math.log(8)),
    ).toBeLessThan(0.02);
    // KSG counts nothing strictly inside a zero radius: ψ(k) + ψ(N) − 2ψ(1), about 9.7 nats.
    expect(ksg(x, x, { k: 3 }).estimate).toBeGreaterThan(Math.log(8) + 5);
  });
});
