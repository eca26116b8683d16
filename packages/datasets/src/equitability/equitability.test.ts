import { createRandom } from '@mi/core';
import { type EquitabilityFunction, equitability, equitabilityMI } from '@mi/datasets';
import { describe, expect, it } from 'vitest';

const maps: Record<EquitabilityFunction, (x: number) => number> = {
  linear: (x) => x,
  cubic: (x) => x * x * x,
  sine: Math.sin,
};

describe('equitability family', () => {
  it('matches a Monte Carlo of the known density (60k pairs each, 4 standard errors)', () => {
    // Independent check: p(y) by a 2000-point midpoint rule over x, log p(y|x) exact.
    const sigma = 0.3;
    const grid = 2000;
    const random = createRandom(7);
    for (const fn of ['linear', 'cubic', 'sine'] as const) {
      const task = equitability({ fn, sigma });
      const n = 60_000;
      const { x, y } = task.sampleArrays(n, random);
      const f = maps[fn];
      const fx = new Float64Array(grid);
      for (let k = 0; k < grid; k++) fx[k] = f(-1 + (2 * (k + 0.5)) / grid);
      let sum = 0;
      let sumSquares = 0;
      for (let i = 0; i < n; i++) {
        const yi = y[i] as number;
        let density = 0;
        for (let k = 0; k < grid; k++) {
          const r = (yi - (fx[k] as number)) / sigma;
          density += Math.exp(-0.5 * r * r);
        }
        const logMarginal = Math.log(density / grid);
        const r = (yi - f(x[i] as number)) / sigma;
        const value = -0.5 * r * r - logMarginal; // the 1/(σ√2π) factors cancel
        sum += value;
        sumSquares += value * value;
      }
      const mean = sum / n;
      const standardError = Math.sqrt((sumSquares / n - mean * mean) / n);
      console.info(
        `equitability ${fn} sigma=${sigma}: integrated ${task.trueMI.toFixed(6)}, MC ${mean.toFixed(6)} ± ${standardError.toFixed(6)}, difference ${(mean - task.trueMI).toExponential(2)}`,
      );
      expect(Math.abs(mean - task.trueMI)).toBeLessThan(4 * standardError);
    }
  });

  it('agrees with independent SciPy quadrature and the Gaussian-channel limit', () => {
    // References: scipy.integrate.quad, with p(y) = [Φ((y+1)/σ) − Φ((y−1)/σ)]/2 for the linear
    // map and a nested quad for the others (relative tolerance 1e-12).
    const references: [EquitabilityFunction, number, number][] = [
      ['linear', 0.3, 0.7491405865987122],
      ['linear', 0.01, 3.8884108061990506],
      ['linear', 20, 0.0004164931519534676],
      ['cubic', 0.1, 1.2494699158308724],
      ['cubic', 1, 0.06676250842513021],
      ['sine', 0.1, 1.5355493768894024],
      ['sine', 1, 0.12047569902311261],
    ];
    for (const [fn, sigma, expected] of references) {
      expect(Math.abs(equitabilityMI(fn, sigma) - expected), `${fn} σ=${sigma}`).toBeLessThan(1e-8);
    }
    // Large σ: Y is nearly Gaussian, I ≈ ½ log(1 + Var X / σ²) with Var X = 1/3.
    expect(equitabilityMI('linear', 20)).toBeCloseTo(0.5 * Math.log(1 + 1 / 3 / 400), 7);
    // MI decreases with σ for every map.
    for (const fn of ['linear', 'cubic', 'sine'] as const) {
      const values = [0.05, 0.1, 0.5, 1].map((s) => equitabilityMI(fn, s));
      for (let k = 1; k < values.length; k++) {
        expect(values[k] as number).toBeLessThan(values[k - 1] as number);
      }
    }
  });

  it('sums independent coordinates and shares one integral per σ', () => {
    const task = equitability({ fn: 'sine', sigma: [0.2, 0.5, 0.2], dimension: 3 });
    expect(task.perDimensionMI[0]).toBe(task.perDimensionMI[2]);
    expect(task.trueMI).toBeCloseTo(
      2 * equitabilityMI('sine', 0.2) + equitabilityMI('sine', 0.5),
      12,
    );
    const { x, y } = task.sampleArrays(1000, createRandom(1));
    expect(Math.min(...x)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...x)).toBeLessThan(1);
    expect(y.length).toBe(3000);
  });

  it('rejects bad options', () => {
    expect(() => equitability({ fn: 'tanh' as 'sine', sigma: 1 })).toThrow(
      "equitability: invalid option 'fn': expected one of 'linear', 'cubic', 'sine', received \"tanh\"",
    );
    expect(() => equitability({ fn: 'cubic', sigma: [1, 2], dimension: 3 })).toThrow(
      "equitability: invalid option 'sigma': expected a number or an array of 3 numbers (one per dimension), received [1, 2]",
    );
    expect(() => equitability({ fn: 'cubic', sigma: [1, 0], dimension: 2 })).toThrow(
      "equitability: invalid option 'sigma[1]': expected a number > 0, received 0",
    );
    expect(() => equitabilityMI('linear', 0)).toThrow(
      "equitabilityMI: invalid option 'sigma': expected a number > 0, received 0",
    );
  });
});
