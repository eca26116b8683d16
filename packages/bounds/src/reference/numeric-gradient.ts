import type { Matrix } from './score-matrix';

/**
 * ∂f/∂S by central finite differences in float64: (f(S + h e_ij) − f(S − h e_ij)) / 2h for every
 * entry. With float64 arithmetic and h = 1e-5 the error is about h²·|f'''| + 1e-16·|f|/h, far below
 * what float32 implementations can resolve, so this serves as the reference gradient. `S` may be
 * any list of rows (they need not be square or of equal length). `f` must be smooth within h of S
 * (no clip or |·| kink there).
 */
export function numericGradient(f: (S: Matrix) => number, S: Matrix, h = 1e-5): number[][] {
  const shifted = S.map((row) => [...row]);
  return S.map((row, i) =>
    row.map((value, j) => {
      const target = shifted[i] as number[];
      target[j] = value + h;
      const up = f(shifted);
      target[j] = value - h;
      const down = f(shifted);
      target[j] = value;
      return (up - down) / (2 * h);
    }),
  );
}
