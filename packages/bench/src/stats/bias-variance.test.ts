import { describe, expect, it } from 'vitest';
import { biasVariance, meanInterval } from './bias-variance';

describe('biasVariance', () => {
  it('matches hand-computed values (bias = truth − mean)', () => {
    // estimates 1, 2, 3 against truth 2.5: mean 2, bias 0.5, variance 2/3, mse = 0.25 + 2/3
    const stats = biasVariance([1, 2, 3], 2.5);
    expect(stats.bias).toBeCloseTo(0.5, 12);
    expect(stats.variance).toBeCloseTo(2 / 3, 12);
    expect(stats.mse).toBeCloseTo(0.25 + 2 / 3, 12);
    expect(stats.count).toBe(3);
  });

  it('gives a 95% t interval over seeds (t_{0.975, 2} = 4.3027 from the tables, not 1.96)', () => {
    const { mean, halfWidth } = meanInterval([1, 2, 3]);
    expect(mean).toBe(2);
    expect(halfWidth).toBeCloseTo((4.3027 * 1) / Math.sqrt(3), 3);
    expect(meanInterval([4]).halfWidth).toBeNaN();
  });
});
