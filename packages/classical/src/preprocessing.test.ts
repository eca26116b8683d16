import { describe, expect, it } from 'vitest';
import { addJitter, createNormalStream, standardizeColumns } from './preprocessing';
import { logUnitBallVolume } from './special-functions';

describe('createNormalStream', () => {
  it('is reproducible per seed, different across seeds, and standard normal', () => {
    const a = createNormalStream(1);
    const b = createNormalStream(1);
    const c = createNormalStream(2);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
    const sample = Array.from({ length: 100_000 }, createNormalStream(3));
    const mean = sample.reduce((s, v) => s + v, 0) / sample.length;
    const variance = sample.reduce((s, v) => s + (v - mean) ** 2, 0) / sample.length;
    expect(Math.abs(mean)).toBeLessThan(0.015); // 4.7 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
  });
});

describe('addJitter', () => {
  it('adds noise of amplitude · max(1, mean |column|), leaving the input untouched', () => {
    const data = Float64Array.of(100, 0.5, 300, 0.5, 200, 0.5);
    const matrix = { rows: 3, columns: 2, data };
    const out = addJitter(matrix, 1e-10, createNormalStream(0));
    expect(Array.from(data)).toEqual([100, 0.5, 300, 0.5, 200, 0.5]);
    for (let r = 0; r < 3; r++) {
      const big = Math.abs((out.data[2 * r] as number) - (data[2 * r] as number));
      const small = Math.abs((out.data[2 * r + 1] as number) - 0.5);
      expect(big).toBeGreaterThan(0);
      expect(big).toBeLessThan(200 * 1e-10 * 6);
      expect(small).toBeGreaterThan(0);
      expect(small).toBeLessThan(1e-10 * 6);
    }
  });
});

describe('standardizeColumns', () => {
  it('gives zero mean and unit variance; constant columns are only centred', () => {
    const m = standardizeColumns({
      rows: 4,
      columns: 2,
      data: Float64Array.of(1, 7, 2, 7, 3, 7, 4, 7),
    });
    const first = [0, 2, 4, 6].map((i) => m.data[i] as number);
    expect(first.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 14);
    expect(first.reduce((s, v) => s + v * v, 0) / 4).toBeCloseTo(1, 14);
    expect([1, 3, 5, 7].map((i) => m.data[i])).toEqual([0, 0, 0, 0]);
  });
});

describe('logUnitBallVolume', () => {
  it('is d log 2 for the max-norm and log(π^{d/2}/Γ(d/2 + 1)) for the Euclidean norm', () => {
    expect(logUnitBallVolume(3, 'max')).toBeCloseTo(3 * Math.LN2, 15);
    expect(logUnitBallVolume(1, 'euclidean')).toBeCloseTo(Math.LN2, 15);
    expect(logUnitBallVolume(2, 'euclidean')).toBeCloseTo(Math.log(Math.PI), 15);
    expect(logUnitBallVolume(3, 'euclidean')).toBeCloseTo(Math.log((4 / 3) * Math.PI), 15);
    expect(logUnitBallVolume(4, 'euclidean')).toBeCloseTo(Math.log(Math.PI ** 2 / 2), 14);
    expect(logUnitBallVolume(5, 'euclidean')).toBeCloseTo(Math.log((8 / 15) * Math.PI ** 2), 14);
  });
});
