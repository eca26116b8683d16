import { createRandom } from '@mi/core';
import {
  correlatedGaussian,
  gaussianMI,
  gaussianRho,
  gaussianStaircase,
  highDimensionalGaussian,
} from '@mi/datasets';
import { InvalidArgumentError } from '@mi/spec';
import { expectNoTensorLeakOf } from '@mi/test-utils';
import { describe, expect, it } from 'vitest';

/** Mean and standard error of the log density ratio over a sample (plain float64). */
function gaussianLogRatioMean(x: Float32Array, y: Float32Array, rho: number, d: number) {
  const n = x.length / d;
  const r2 = 1 - rho * rho;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    let value = 0;
    for (let k = 0; k < d; k++) {
      const a = x[i * d + k] as number;
      const b = y[i * d + k] as number;
      value += -0.5 * Math.log(r2) - (rho * rho * (a * a + b * b) - 2 * rho * a * b) / (2 * r2);
    }
    sum += value;
    sumSquares += value * value;
  }
  const mean = sum / n;
  return { mean, standardError: Math.sqrt((sumSquares / n - mean * mean) / n) };
}

describe('correlated Gaussian', () => {
  it('has the closed-form MI and its inverse', () => {
    expect(gaussianMI(0.5, 20)).toBeCloseTo(-10 * Math.log(0.75), 12);
    for (const mi of [0, 1e-9, 2, 4, 6, 8, 10]) {
      expect(gaussianMI(gaussianRho(mi, 20), 20)).toBeCloseTo(mi, 10);
    }
    expect(gaussianRho(2, 20)).toBeCloseTo(Math.sqrt(1 - Math.exp(-0.2)), 14);
    expect(gaussianMI(-0.5, 3)).toBe(gaussianMI(0.5, 3));
  });

  it('matches the closed form by Monte Carlo (200k pairs, d = 5, 4 standard errors)', () => {
    const task = correlatedGaussian({ dimension: 5, rho: 0.6 });
    const { x, y } = task.sampleArrays(200_000, createRandom(11));
    const { mean, standardError } = gaussianLogRatioMean(x, y, 0.6, 5);
    console.info(
      `gaussian d=5 rho=0.6: MC ${mean.toFixed(5)} ± ${standardError.toFixed(5)}, closed form ${task.trueMI.toFixed(5)}`,
    );
    expect(Math.abs(mean - task.trueMI)).toBeLessThan(4 * standardError);
    // Sample correlation of the first coordinate pair.
    let sxy = 0;
    for (let i = 0; i < 200_000; i++) sxy += (x[i * 5] as number) * (y[i * 5] as number);
    expect(Math.abs(sxy / 200_000 - 0.6)).toBeLessThan(0.01);
  });

  it('samples float32 tensors of shape [n, d], owned by the caller, the same for one seed', () => {
    const task = correlatedGaussian({ dimension: 3, mi: 1 });
    expect(task.rho).toBeCloseTo(gaussianRho(1, 3), 14);
    expect(task.trueMI).toBeCloseTo(1, 12);
    const batch = expectNoTensorLeakOf(() => {
      const b = task.sample(4, createRandom(5));
      return [b.x, b.y];
    });
    const [x, y] = batch as [
      import('@tensorflow/tfjs-core').Tensor,
      import('@tensorflow/tfjs-core').Tensor,
    ];
    expect(x.shape).toEqual([4, 3]);
    expect(y.shape).toEqual([4, 3]);
    expect(x.dtype).toBe('float32');
    const again = task.sampleArrays(4, createRandom(5));
    expect(Array.from(x.dataSync())).toEqual(Array.from(again.x));
    expect(Array.from(y.dataSync())).toEqual(Array.from(again.y));
    expect(Array.from(task.sampleArrays(4, createRandom(6)).x)).not.toEqual(Array.from(again.x));
    x.dispose();
    y.dispose();
  });

  it('applies y ↦ y³ in the cubic variant, with the same MI', () => {
    const plain = correlatedGaussian({ dimension: 2, rho: 0.3 });
    const cubic = correlatedGaussian({ dimension: 2, rho: 0.3, transform: 'cubic' });
    expect(cubic.trueMI).toBe(plain.trueMI);
    const a = plain.sampleArrays(10, createRandom(1));
    const b = cubic.sampleArrays(10, createRandom(1));
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    for (let k = 0; k < 20; k++) {
      expect(b.y[k]).toBeCloseTo((a.y[k] as number) ** 3, 5);
    }
  });

  it('knows HG(rho, d) in closed form', () => {
    const task = highDimensionalGaussian({ rho: 0.9, dimension: 6 });
    expect(task.trueMI).toBeCloseTo(-3 * Math.log(1 - 0.81), 12);
    expect(task.trueMI).toBeCloseTo(4.9822, 4);
    expect(task.name).toBe('HG(0.9, 6)');
    expect(task.shape).toEqual({ x: [6], y: [6] });
  });

  it('rejects bad options with typed errors', () => {
    expect(() => gaussianMI(1, 2)).toThrow(
      "gaussianMI: invalid option 'rho': expected a number in (-1, 1), received 1",
    );
    expect(() => gaussianRho(-1, 2)).toThrow(
      "gaussianRho: invalid option 'mi': expected a number >= 0, received -1",
    );
    expect(() => correlatedGaussian({ dimension: 0, rho: 0.5 })).toThrow(
      "correlatedGaussian: invalid option 'dimension': expected an integer >= 1, received 0",
    );
    expect(() => correlatedGaussian({ dimension: 2 })).toThrow(
      "correlatedGaussian: invalid option 'rho': expected exactly one of rho and mi, received undefined",
    );
    expect(() => correlatedGaussian({ dimension: 2, rho: 0.1, mi: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      correlatedGaussian({ dimension: 2, rho: 0.1, transform: 'square' as 'cubic' }),
    ).toThrow("expected 'identity' or 'cubic', received \"square\"");
    expect(() => correlatedGaussian({ dimension: 2, rho: 0.1 }).sample(0, createRandom(1))).toThrow(
      "gaussian(d=2, rho=0.1).sample: invalid option 'n': expected an integer >= 1, received 0",
    );
    expect(() => highDimensionalGaussian({ rho: 1, dimension: 6 })).toThrow(
      "highDimensionalGaussian: invalid option 'rho': expected a number in [0, 1), received 1",
    );
  });
});

describe('gaussianStaircase', () => {
  it('steps the truth through 2, 4, 6, 8, 10 nats every 4000 steps by default', () => {
    const stairs = gaussianStaircase();
    expect(stairs.totalSteps).toBe(20_000);
    expect(stairs.dimension).toBe(20);
    expect([0, 3999, 4000, 8000, 12_000, 16_000, 19_999, 25_000].map(stairs.trueMIAt)).toEqual([
      2, 2, 4, 6, 8, 10, 10, 10,
    ]);
    expect(stairs.rhoAt(0)).toBeCloseTo(gaussianRho(2, 20), 14);
    expect(stairs.rhoAt(16_000)).toBeCloseTo(Math.sqrt(1 - Math.exp(-1)), 14);
    const sampler = stairs.samplerAt(4000);
    expect(sampler.trueMI).toBeCloseTo(4, 12);
    expect(stairs.samplerAt(7999)).toBe(sampler);
    expect(stairs.schedule(8000, sampler).trueMI).toBeCloseTo(6, 12);
  });

  it('takes custom levels, steps per level and the cubic transform', () => {
    const stairs = gaussianStaircase({
      dimension: 4,
      levels: [1, 3],
      stepsPerLevel: 10,
      transform: 'cubic',
    });
    expect(stairs.totalSteps).toBe(20);
    expect(stairs.levelAt(9)).toBe(0);
    expect(stairs.levelAt(10)).toBe(1);
    expect(stairs.samplerAt(15).transform).toBe('cubic');
    expect(stairs.samplerAt(15).trueMI).toBeCloseTo(3, 12);
  });

  it('rejects bad options and steps', () => {
    expect(() => gaussianStaircase({ stepsPerLevel: 0 })).toThrow(
      "gaussianStaircase: invalid option 'stepsPerLevel': expected an integer >= 1, received 0",
    );
    expect(() => gaussianStaircase({ levels: [] })).toThrow(
      "gaussianStaircase: invalid option 'levels': expected a non-empty array of MI values in nats, received []",
    );
    expect(() => gaussianStaircase({ levels: [2, -1] })).toThrow(
      "gaussianStaircase: invalid option 'levels[1]': expected a number >= 0, received -1",
    );
    expect(() => gaussianStaircase().trueMIAt(-1)).toThrow(
      "gaussianStaircase.levelAt: invalid option 'step': expected an integer >= 0, received -1",
    );
  });
});
