import type { Tensor } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Reads a scalar tensor. */
export function scalarValue(t: Tensor): number {
  const values = t.dataSync();
  expect(values.length, 'expected a scalar tensor').toBe(1);
  return values[0] as number;
}

/**
 * Asserts that every entry of `actual` is within `atol + rtol·|expected|` of `expected`
 * (an array of the same length, or a number for a scalar).
 */
export function expectAllClose(
  actual: Tensor | ArrayLike<number>,
  expected: ArrayLike<number> | number,
  { atol = 1e-5, rtol = 1e-5 }: { atol?: number; rtol?: number } = {},
): void {
  const values = 'dataSync' in actual ? actual.dataSync() : actual;
  const wanted = typeof expected === 'number' ? [expected] : expected;
  expect(values.length, 'length').toBe(wanted.length);
  for (let i = 0; i < wanted.length; i++) {
    const a = values[i] as number;
    const e = wanted[i] as number;
    expect(Math.abs(a - e), `entry ${i}: received ${a}, expected ${e}`).toBeLessThanOrEqual(
      atol + rtol * Math.abs(e),
    );
  }
}
