import { createRandom } from '@mi/core';
import { mixedGaussian, mixedGaussianMI } from '@mi/datasets';
import { describe, expect, it } from 'vitest';

/** log p(x, y) − log φ(x) − log φ(y) of MG(ρ), straight from the mixture density. */
function logRatio(x: number, y: number, rho: number): number {
  const r2 = 1 - rho * rho;
  const plus = -(x * x - 2 * rho * x * y + y * y) / (2 * r2);
  const minus = -(x * x + 2 * rho * x * y + y * y) / (2 * r2);
  const top = Math.max(plus, minus);
  const logMixture =
    top + Math.log(0.5 * Math.exp(plus - top) + 0.5 * Math.exp(minus - top)) - 0.5 * Math.log(r2);
  return logMixture + 0.5 * (x * x + y * y);
}

describe('MG(rho)', () => {
  it('has zero MI at rho = 0 and the small-rho limit rho^4 / 2', () => {
    expect(mixedGaussianMI(0)).toBe(0);
    // The next term of the expansion is O(ρ⁶): relative gaps of 0.65% at ρ = 0.05, 0.1% at 0.02.
    expect(Math.abs(mixedGaussianMI(0.05) / (0.05 ** 4 / 2) - 1)).toBeLessThan(0.01);
    expect(Math.abs(mixedGaussianMI(0.02) / (0.02 ** 4 / 2) - 1)).toBeLessThan(0.002);
  });

  it('matches a 1M-sample Monte Carlo of the mixture density within 4 standard errors', () => {
    const random = createRandom(2024);
    for (const rho of [0.5, 0.9, 0.99]) {
      const task = mixedGaussian({ rho });
      const n = 1_000_000;
      const { x, y } = task.sampleArrays(n, random);
      let sum = 0;
      let sumSquares = 0;
      for (let i = 0; i < n; i++) {
        const value = logRatio(x[i] as number, y[i] as number, rho);
        sum += value;
        sumSquares += value * value;
      }
      const mean = sum / n;
      const standardError = Math.sqrt((sumSquares / n - mean * mean) / n);
      console.info(
        `MG(${rho}): integrated ${task.trueMI.toFixed(6)}, MC ${mean.toFixed(6)} ± ${standardError.toFixed(6)}, difference ${(mean - task.trueMI).toExponential(2)}`,
      );
      expect(Math.abs(mean - task.trueMI)).toBeLessThan(4 * standardError);
    }
  });

  it('agrees with an independent SciPy dblquad of p·log(p / φφ) to 1e-9', () => {
    // scipy.integrate.dblquad over [−9, 9]², epsabs = epsrel = 1e-11, on the mixture density.
    expect(Math.abs(mixedGaussianMI(0.5) - 0.02540393566142676)).toBeLessThan(1e-9);
    expect(Math.abs(mixedGaussianMI(0.9) - 0.40844254977486366)).toBeLessThan(1e-9);
  });

  it('samples x and y with standard normal marginals and zero correlation', () => {
    const { x, y } = mixedGaussian({ rho: 0.9 }).sampleArrays(100_000, createRandom(3));
    let sxy = 0;
    let syy = 0;
    for (let i = 0; i < 100_000; i++) {
      sxy += (x[i] as number) * (y[i] as number);
      syy += (y[i] as number) ** 2;
    }
    expect(Math.abs(sxy / 100_000)).toBeLessThan(5 * Math.sqrt(1 / 100_000));
    expect(Math.abs(syy / 100_000 - 1)).toBeLessThan(5 * Math.sqrt(2 / 100_000));
  });

  it('rejects rho outside [0, 1)', () => {
    expect(() => mixedGaussian({ rho: 1 })).toThrow(
      "mixedGaussian: invalid option 'rho': expected a number in [0, 1), received 1",
    );
    expect(() => mixedGaussianMI(-0.1)).toThrow(
      "mixedGaussianMI: invalid option 'rho': expected a number in [0, 1), received -0.1",
    );
  });
});
