import { normalQuantile, rankGaussianize } from '@mi/datasets';
import { describe, expect, it } from 'vitest';

describe('normalQuantile', () => {
  // Standard normal quantiles from published tables.
  it.each([
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.8413447460685429, 1],
    [0.001, -3.090232306167813],
    [1e-10, -6.361340902404056],
    [0.9999, 3.719016485455709],
  ])('Φ⁻¹(%s) = %s', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 9);
  });

  it('rejects 0 and 1', () => {
    expect(() => normalQuantile(0)).toThrow("normalQuantile: invalid option 'p'");
    expect(() => normalQuantile(1)).toThrow("normalQuantile: invalid option 'p'");
  });
});

describe('rankGaussianize', () => {
  it('maps each column to the normal scores of its ranks, ties sharing their mean rank', () => {
    // Column 0: 10, 30, 20, 40 → ranks 1, 3, 2, 4 → Φ⁻¹(1/8), Φ⁻¹(5/8), Φ⁻¹(3/8), Φ⁻¹(7/8).
    // Column 1: 5, 5, 1, 9 → ranks 2.5, 2.5, 1, 4 → Φ⁻¹(2/4 = 0.5) twice, Φ⁻¹(1/8), Φ⁻¹(7/8).
    const out = rankGaussianize({
      rows: 4,
      columns: 2,
      data: Float64Array.from([10, 5, 30, 5, 20, 1, 40, 9]),
    });
    const z = (p: number) => normalQuantile(p);
    const expected = [z(1 / 8), 0, z(5 / 8), 0, z(3 / 8), z(1 / 8), z(7 / 8), z(7 / 8)];
    Array.from(out.data).forEach((v, k) => {
      expect(v).toBeCloseTo(expected[k] as number, 12);
    });
  });

  it('is unchanged by a monotone warp of a column (y ↦ y³)', () => {
    const values = [0.3, -1.2, 2.5, 0.1, -0.4, 1.7];
    const plain = rankGaussianize({ rows: 6, columns: 1, data: Float64Array.from(values) });
    const cubed = rankGaussianize({
      rows: 6,
      columns: 1,
      data: Float64Array.from(values, (v) => v ** 3),
    });
    expect(Array.from(cubed.data)).toEqual(Array.from(plain.data));
  });
});
