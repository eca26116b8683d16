import { describe, expect, it } from 'vitest';
import { percentile, summarizeTimes } from './step-statistics';

describe('percentile', () => {
  it('interpolates between ranks as numpy does', () => {
    // numpy.percentile([1, 2, 3, 4], [10, 50, 90]) = [1.3, 2.5, 3.7]
    expect(percentile([4, 1, 3, 2], 10)).toBeCloseTo(1.3, 12);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([4, 1, 3, 2], 90)).toBeCloseTo(3.7, 12);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes step times without reordering the input', () => {
    const times = [30, 10, 20];
    expect(summarizeTimes(times)).toEqual({ medianMs: 20, p10Ms: 12, p90Ms: 28 });
    expect(times).toEqual([30, 10, 20]);
  });
});
