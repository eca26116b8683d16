import { assertNumber, assertPositiveInteger } from '@mi/core';
import type { RandomSource } from '@mi/spec';
import { integrate } from '../math/integrate';
import { defineSampler, type SyntheticSampler } from '../sampler/synthetic-sampler';

/** Options of {@link labelledGaussians}. */
export interface LabelledGaussiansOptions {
  /** K ≥ 2 classes, drawn uniformly. */
  readonly classes: number;
  /** Distance between neighbouring class means (unit noise). */
  readonly separation: number;
}

/**
 * A discrete–continuous pair: X = k, a class drawn uniformly from {0, …, K − 1} (one column), and
 * Y = s·(k − (K − 1)/2) + ε with ε ~ N(0, 1). Its MI, I = H(X) − H(X | Y), is
 *
 * ```
 * I = (1/K) Σ_k ∫ φ(y − μ_k) log[ φ(y − μ_k) / ((1/K) Σ_j φ(y − μ_j)) ] dy
 * ```
 *
 * computed by adaptive quadrature (to 1e-10). It tends to log K as s grows and to 0 as s → 0.
 */
export function labelledGaussians(options: LabelledGaussiansOptions): SyntheticSampler {
  const { classes, separation } = options;
  assertPositiveInteger('labelledGaussians', 'classes', classes);
  assertNumber('labelledGaussians', 'classes', classes, { min: 2, integer: true });
  assertNumber('labelledGaussians', 'separation', separation, { min: 0 });
  const means = Array.from({ length: classes }, (_, k) => separation * (k - (classes - 1) / 2));
  return defineSampler({
    name: `labelled-gaussians(K=${classes}, s=${separation})`,
    shape: { x: [1], y: [1] },
    trueMI: labelledGaussiansMI(means),
    draw(n: number, random: RandomSource) {
      const x = new Float32Array(n);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const k = random.integer(0, classes - 1);
        x[i] = k;
        y[i] = (means[k] as number) + random.normal();
      }
      return { x, y, n };
    },
  });
}

function labelledGaussiansMI(means: readonly number[]): number {
  const log2pi = Math.log(2 * Math.PI);
  const logDensity = (y: number, mean: number) => -0.5 * (y - mean) ** 2 - 0.5 * log2pi;
  const low = (means[0] as number) - 12;
  const high = (means[means.length - 1] as number) + 12;
  let total = 0;
  for (const mean of means) {
    const integrand = (y: number) => {
      const own = logDensity(y, mean);
      const logs = means.map((m) => logDensity(y, m));
      const top = Math.max(...logs);
      const mixture =
        top + Math.log(logs.reduce((a, l) => a + Math.exp(l - top), 0) / means.length);
      return Math.exp(own) * (own - mixture);
    };
    total += integrate(integrand, [low, ...means, high], { absolute: 1e-12 }).value;
  }
  return total / means.length;
}
