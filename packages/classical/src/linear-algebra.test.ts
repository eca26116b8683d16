import { describe, expect, it } from 'vitest';
import { type ColumnMajor, householderQr, singularValues, transposeTimes } from './linear-algebra';
import { createNormalStream } from './preprocessing';

function randomMatrix(rows: number, columns: number, seed: number): ColumnMajor {
  const normal = createNormalStream(seed);
  return { rows, columns, data: Float64Array.from({ length: rows * columns }, () => normal()) };
}

function entry(m: ColumnMajor, r: number, c: number): number {
  return m.data[c * m.rows + r] as number;
}

/** Q diag(s) Vᵀ with Q, V orthonormal from QR of random matrices: singular values s exactly. */
function withSingularValues(rows: number, values: number[], seed: number): ColumnMajor {
  const m = values.length;
  const q = householderQr(randomMatrix(rows, m, seed)).q;
  const v = householderQr(randomMatrix(m, m, seed + 1)).q;
  const data = new Float64Array(rows * m);
  for (let c = 0; c < m; c++) {
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let j = 0; j < m; j++) sum += entry(q, r, j) * (values[j] as number) * entry(v, c, j);
      data[c * rows + r] = sum;
    }
  }
  return { rows, columns: m, data };
}

describe('householderQr', () => {
  it.each([
    [7, 3],
    [50, 5],
    [4, 4],
  ])('factors a %i × %i matrix into orthonormal Q and upper-triangular R with QR = A', (n, m) => {
    const a = randomMatrix(n, m, n * 10 + m);
    const { q, r } = householderQr(a);
    const qtq = transposeTimes(q, q);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        expect(Math.abs(entry(qtq, i, j) - (i === j ? 1 : 0))).toBeLessThan(1e-14);
        if (i > j) expect(entry(r, i, j)).toBe(0);
      }
    }
    for (let row = 0; row < n; row++) {
      for (let c = 0; c < m; c++) {
        let sum = 0;
        for (let j = 0; j <= c; j++) sum += entry(q, row, j) * entry(r, j, c);
        expect(Math.abs(sum - entry(a, row, c))).toBeLessThan(1e-13);
      }
    }
  });

  it('gives R_jj = 0 for a column in the span of the previous ones, and survives a zero column', () => {
    const a = randomMatrix(10, 3, 3);
    const data = Float64Array.from(a.data);
    for (let r = 0; r < 10; r++)
      data[2 * 10 + r] = 2 * (data[r] as number) - (data[10 + r] as number);
    expect(
      Math.abs(householderQr({ rows: 10, columns: 3, data }).r.data[8] as number),
    ).toBeLessThan(1e-14);
    const zero = householderQr({
      rows: 5,
      columns: 2,
      data: Float64Array.of(0, 0, 0, 0, 0, 1, 2, 3, 4, 5),
    });
    expect(zero.r.data[0]).toBe(0);
    expect(Number.isFinite(zero.r.data[3] as number)).toBe(true);
  });

  it('does not overflow on huge values', () => {
    const { r } = householderQr({ rows: 2, columns: 1, data: Float64Array.of(3e200, 4e200) });
    expect(Math.abs(r.data[0] as number)).toBeCloseTo(5e200, -188);
  });
});

describe('singularValues (one-sided Jacobi)', () => {
  it('recovers prescribed singular values to high relative accuracy, largest first', () => {
    const values = [5, 1, 1e-3, 1e-9];
    const result = singularValues(withSingularValues(30, values, 5));
    values.forEach((s, i) => {
      expect(Math.abs((result[i] as number) - s) / s).toBeLessThan(1e-6);
    });
    const exact = [3, 2, 0.5];
    const again = singularValues(withSingularValues(6, exact, 9));
    exact.forEach((s, i) => {
      expect(again[i]).toBeCloseTo(s, 13);
    });
  });

  it('handles wide matrices, repeated and zero singular values', () => {
    // A wide 2 × 4 matrix: min(2, 4) values.
    const wide: ColumnMajor = {
      rows: 2,
      columns: 4,
      data: Float64Array.of(3, 0, 0, 4, 0, 0, 0, 0),
    };
    expect(Array.from(singularValues(wide))).toEqual([4, 3]);
    const identity: ColumnMajor = {
      rows: 3,
      columns: 3,
      data: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1),
    };
    expect(Array.from(singularValues(identity))).toEqual([1, 1, 1]);
    const rankOne: ColumnMajor = { rows: 2, columns: 2, data: Float64Array.of(1, 1, 1, 1) };
    const s = singularValues(rankOne);
    expect(s[0]).toBeCloseTo(2, 14);
    expect(Math.abs(s[1] as number)).toBeLessThan(1e-15);
  });

  it('preserves the Frobenius norm and |det| of random square matrices', () => {
    for (const seed of [1, 2, 3]) {
      const a = randomMatrix(5, 5, seed);
      const s = singularValues(a);
      const frobenius = a.data.reduce((sum, v) => sum + v * v, 0);
      expect(s.reduce((sum, v) => sum + v * v, 0)).toBeCloseTo(frobenius, 12);
      const { r } = householderQr(a);
      let det = 1;
      for (let i = 0; i < 5; i++) det *= Math.abs(r.data[i * 5 + i] as number);
      expect(s.reduce((p, v) => p * v, 1) / det).toBeCloseTo(1, 12);
    }
  });
});
