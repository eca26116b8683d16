import { describe, expect, it } from 'vitest';
import { estimateInterval } from './estimate-interval';

describe('estimateInterval', () => {
  it('combines the seeds’ spread and the test errors with t_{0.975, k−1} (hand computation)', () => {
    // e = 1, 2, 3: mean 2, s² = 1; σ = 0.3, 0.4, 0.5: mean σ² = 0.5/3.
    // SE² = 1/3 + (0.5/3)/3 = 0.388889; t_{0.975, 2} = 4.302653 (tables).
    const interval = estimateInterval([
      { estimate: 1, standardError: 0.3 },
      { estimate: 2, standardError: 0.4 },
      { estimate: 3, standardError: 0.5 },
    ]);
    const se = Math.sqrt(1 / 3 + 0.5 / 9);
    expect(interval.mean).toBe(2);
    expect(interval.standardError).toBeCloseTo(se, 12);
    expect(interval.degreesOfFreedom).toBe(2);
    expect(interval.bounds[0]).toBeCloseTo(2 - 4.302653 * se, 5);
    expect(interval.bounds[1]).toBeCloseTo(2 + 4.302653 * se, 5);
    expect(interval.method).toMatch(/over 3 seeds/);
    expect(interval.method).toMatch(/does not include the estimator's bias/);
  });

  it('uses the test error alone (normal quantile) for one seed, and gives no interval without it', () => {
    const one = estimateInterval([{ estimate: 0.8, standardError: 0.05 }]);
    expect(one.bounds[0]).toBeCloseTo(0.8 - 1.959964 * 0.05, 5);
    expect(one.method).toMatch(/one seed/);
    expect(estimateInterval([{ estimate: 0.8, standardError: undefined }]).bounds).toEqual([
      null,
      null,
    ]);
    expect(estimateInterval([]).bounds).toEqual([null, null]);
  });
});
