import type { BiasVariance } from '@mi/spec';
import { studentTQuantile } from './student-t';

/**
 * Bias, variance and MSE of estimates against a truth (Song & Ermon 2020, Table 2):
 * bias = truth − mean (positive = under-estimate), variance = population variance,
 * MSE = mean((estimate − truth)²) = bias² + variance.
 */
export function biasVariance(estimates: ArrayLike<number>, truth: number): BiasVariance {
  const count = estimates.length;
  if (count === 0) return { bias: Number.NaN, variance: Number.NaN, mse: Number.NaN, count: 0 };
  let sum = 0;
  for (let i = 0; i < count; i++) sum += estimates[i] as number;
  const mean = sum / count;
  let squares = 0;
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const v = estimates[i] as number;
    squares += (v - mean) ** 2;
    errors += (v - truth) ** 2;
  }
  return { bias: truth - mean, variance: squares / count, mse: errors / count, count };
}

/**
 * Mean and half-width of a 95% interval over k seeds: t_{0.975, k−1} · sd/√k, the Student t
 * quantile (4.30 for 3 seeds, 2.78 for 5), not the normal 1.96, which is too narrow for few seeds.
 */
export function meanInterval(values: readonly number[]): { mean: number; halfWidth: number } {
  const k = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / k;
  if (k < 2) return { mean, halfWidth: Number.NaN };
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
  return { mean, halfWidth: (studentTQuantile(0.975, k - 1) * sd) / Math.sqrt(k) };
}

/** A metric as a record stores it: a finite number, or `null` for a diverged value. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
