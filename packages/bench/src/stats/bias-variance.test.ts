import { biasVariance, meanInterval, parseBoundSpec } from '@mi/bench';
import { describe, expect, it } from 'vitest';

describe('biasVariance', () => {
  it('matches hand-computed values (bias = truth − mean)', () => {
    // estimates 1, 2, 3 against truth 2.5: mean 2, bias 0.5, variance 2/3, mse = 0.25 + 2/3
    const stats = biasVariance([1, 2, 3], 2.5);
    expect(stats.bias).toBeCloseTo(0.5, 12);
    expect(stats.variance).toBeCloseTo(2 / 3, 12);
    expect(stats.mse).toBeCloseTo(0.25 + 2 / 3, 12);
    expect(stats.count).toBe(3);
  });

  it('gives a 95% interval over seeds', () => {
    const { mean, halfWidth } = meanInterval([1, 2, 3]);
    expect(mean).toBe(2);
    expect(halfWidth).toBeCloseTo((1.96 * 1) / Math.sqrt(3), 12);
    expect(meanInterval([4]).halfWidth).toBeNaN();
  });
});

describe('parseBoundSpec', () => {
  it('reads ids with options and builds a canonical label', () => {
    expect(parseBoundSpec('smile:tau=5')).toEqual({
      id: 'smile',
      options: { tau: 5 },
      label: 'smile:tau=5',
    });
    expect(parseBoundSpec('remine:lambda=0.5;distance=l1').label).toBe(
      'remine:distance=l1;lambda=0.5',
    );
    expect(parseBoundSpec('smile:tau=inf').options).toEqual({ tau: Number.POSITIVE_INFINITY });
    expect(parseBoundSpec('mine:debias=true').options).toEqual({ debias: true });
    expect(() => parseBoundSpec('smile:tau')).toThrow("parseBoundSpec: invalid option 'bound'");
  });
});
