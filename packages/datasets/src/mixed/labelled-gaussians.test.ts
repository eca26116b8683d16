import { createRandom } from '@mi/core';
import { labelledGaussians } from '@mi/datasets';
import { describe, expect, it } from 'vitest';

describe('labelledGaussians', () => {
  it('has log K at a large separation and 0 without one', () => {
    expect(labelledGaussians({ classes: 4, separation: 40 }).trueMI).toBeCloseTo(Math.log(4), 8);
    expect(labelledGaussians({ classes: 3, separation: 0 }).trueMI).toBeCloseTo(0, 10);
  });

  it('matches a Monte-Carlo estimate of E[log p(y|k) − log p(y)] within 4 standard errors', () => {
    // K = 2, s = 2: means ±1. Draw (k, y) and average the log ratio with the exact densities.
    const sampler = labelledGaussians({ classes: 2, separation: 2 });
    const { x, y, n } = sampler.sampleArrays(200_000, createRandom(5));
    const logPhi = (v: number) => -0.5 * v * v;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const mean = (x[i] as number) === 0 ? -1 : 1;
      const value = y[i] as number;
      const ratio =
        logPhi(value - mean) -
        Math.log(0.5 * Math.exp(logPhi(value + 1)) + 0.5 * Math.exp(logPhi(value - 1)));
      sum += ratio;
      squares += ratio * ratio;
    }
    const mean = sum / n;
    const se = Math.sqrt((squares / n - mean * mean) / n);
    expect(Math.abs(mean - (sampler.trueMI as number))).toBeLessThan(4 * se);
    // Classes are uniform: about half of each.
    expect(Math.abs(x.reduce((a, v) => a + v, 0) / n - 0.5)).toBeLessThan(0.01);
  });

  it('rejects one class and a negative separation', () => {
    expect(() => labelledGaussians({ classes: 1, separation: 1 })).toThrow(
      "labelledGaussians: invalid option 'classes'",
    );
    expect(() => labelledGaussians({ classes: 2, separation: -1 })).toThrow(
      "labelledGaussians: invalid option 'separation'",
    );
  });
});
