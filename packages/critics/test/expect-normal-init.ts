import type * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Every bias is exactly 0 and every kernel's sample mean and standard deviation are within
 * `tolerance` of 0 and `std`: what `initStd` promises (kernels from N(0, std²), zero biases).
 */
export function expectNormalInit(
  weights: ReadonlyMap<string, tf.Variable>,
  std: number,
  tolerance: number,
): void {
  for (const [name, variable] of weights) {
    const values = Array.from(variable.dataSync());
    if (name.endsWith('bias')) {
      expect(
        values.every((v) => v === 0),
        name,
      ).toBe(true);
      continue;
    }
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    expect(Math.abs(sd - std), name).toBeLessThan(tolerance);
    expect(Math.abs(mean), name).toBeLessThan(tolerance);
  }
}
