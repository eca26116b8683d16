import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Options of {@link expectGradientMatchesFiniteDifferences}. */
export interface GradientCheckOptions {
  /** Central-difference step. float32 arithmetic: 1e-2 to 1e-3 balances truncation and rounding. */
  readonly epsilon?: number;
  /** Accepted |analytic − numeric| ≤ atol + rtol·|numeric|. */
  readonly atol?: number;
  readonly rtol?: number;
}

/**
 * Compares `tf.grad(f)(x)` with central finite differences (f(x + εe_k) − f(x − εe_k)) / 2ε for
 * every entry k of x. `f` must return a scalar. Runs the differences in float64 JavaScript
 * around float32 evaluations, so tolerances should allow ~1e-3 relative error.
 */
export function expectGradientMatchesFiniteDifferences(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  options: GradientCheckOptions = {},
): { analytic: Float32Array; numeric: Float64Array } {
  const epsilon = options.epsilon ?? 1e-2;
  const atol = options.atol ?? 2e-3;
  const rtol = options.rtol ?? 2e-2;
  const analyticTensor = tf.grad(f)(x);
  const analytic = analyticTensor.dataSync() as Float32Array;
  analyticTensor.dispose();
  const base = x.dataSync();
  const numeric = new Float64Array(base.length);
  for (let k = 0; k < base.length; k++) {
    const evaluate = (delta: number): number =>
      tf.tidy(() => {
        const shifted = Float32Array.from(base);
        shifted[k] = (shifted[k] ?? 0) + delta;
        return f(tf.tensor(shifted, x.shape, 'float32')).dataSync()[0] ?? Number.NaN;
      });
    numeric[k] = (evaluate(epsilon) - evaluate(-epsilon)) / (2 * epsilon);
  }
  for (let k = 0; k < base.length; k++) {
    const a = analytic[k] ?? Number.NaN;
    const n = numeric[k] ?? Number.NaN;
    expect(
      Math.abs(a - n),
      `gradient entry ${k}: analytic ${a}, finite differences ${n}`,
    ).toBeLessThanOrEqual(atol + rtol * Math.abs(n));
  }
  return { analytic, numeric };
}
