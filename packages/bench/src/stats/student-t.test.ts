import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile } from './student-t';

describe('studentTQuantile', () => {
  // Two-sided 95% (p = 0.975) and one-sided 95% (p = 0.95) critical values from published t tables.
  it.each([
    [0.975, 1, 12.7062],
    [0.975, 2, 4.3027],
    [0.975, 3, 3.1824],
    [0.975, 4, 2.7764],
    [0.975, 5, 2.5706],
    [0.975, 10, 2.2281],
    [0.975, 30, 2.0423],
    [0.975, 120, 1.9799],
    [0.95, 4, 2.1318],
    [0.995, 9, 3.2498],
    [0.975, Number.POSITIVE_INFINITY, 1.96],
  ])('t(%s; df = %s) = %s', (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 3);
  });

  it('is antisymmetric, inverts the CDF, and has exact closed forms at df = 1 and 2', () => {
    expect(studentTQuantile(0.025, 3)).toBeCloseTo(-studentTQuantile(0.975, 3), 10);
    expect(studentTCdf(studentTQuantile(0.9, 7), 7)).toBeCloseTo(0.9, 10);
    // df = 1 is Cauchy: t_p = tan(π(p − ½)); df = 2: t_p = (2p − 1)·√(2 / (4p(1 − p))).
    expect(studentTQuantile(0.8, 1)).toBeCloseTo(Math.tan(Math.PI * 0.3), 9);
    expect(studentTQuantile(0.8, 2)).toBeCloseTo(0.6 * Math.sqrt(2 / (4 * 0.8 * 0.2)), 9);
  });

  it('rejects probabilities outside (0, 1) and non-positive degrees of freedom', () => {
    expect(() => studentTQuantile(1, 3)).toThrow("studentTQuantile: invalid option 'p'");
    expect(() => studentTQuantile(0.9, 0)).toThrow("studentTQuantile: invalid option 'df'");
  });
});
