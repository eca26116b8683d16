/**
 * The small float64 linear algebra the Gaussian/CCA estimator needs: a thin Householder QR and a
 * one-sided Jacobi SVD. Matrices here are column-major (column c of an n-row matrix starts at
 * c · n), which makes the column operations of both algorithms contiguous.
 */

/** A column-major matrix. */
export interface ColumnMajor {
  readonly rows: number;
  readonly columns: number;
  readonly data: Float64Array;
}

/**
 * Thin QR of an n × m matrix (n ≥ m) by Householder reflections: A = Q R with Q n × m orthonormal
 * columns and R m × m upper triangular. Backward stable; unlike the normal equations (forming AᵀA)
 * it does not square the condition number. No pivoting: a zero column gives R_jj = 0.
 */
export function householderQr(a: ColumnMajor): { q: ColumnMajor; r: ColumnMajor } {
  const n = a.rows;
  const m = a.columns;
  const work = Float64Array.from(a.data);
  const vectors = new Float64Array(n * m);
  const r = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    const column = j * n;
    // Scaled norm of work[j..n) of column j, safe from overflow and underflow.
    let scale = 0;
    for (let i = j; i < n; i++) scale = Math.max(scale, Math.abs(work[column + i] as number));
    let alpha = 0;
    if (scale > 0) {
      let sum = 0;
      for (let i = j; i < n; i++) {
        const v = (work[column + i] as number) / scale;
        sum += v * v;
      }
      const norm = scale * Math.sqrt(sum);
      // Reflect onto −sign(a_jj)·‖a‖·e_j so that v_j = a_jj + sign(a_jj)‖a‖ never cancels.
      alpha = (work[column + j] as number) >= 0 ? -norm : norm;
      let vNorm2 = 0;
      for (let i = j; i < n; i++) {
        const v = i === j ? (work[column + i] as number) - alpha : (work[column + i] as number);
        vectors[column + i] = v;
        vNorm2 += v * v;
      }
      if (vNorm2 > 0) {
        const inverse = 1 / Math.sqrt(vNorm2);
        for (let i = j; i < n; i++) vectors[column + i] = (vectors[column + i] as number) * inverse;
      }
      // Apply H = I − 2vvᵀ to the remaining columns.
      for (let c = j + 1; c < m; c++) {
        const other = c * n;
        let dot = 0;
        for (let i = j; i < n; i++)
          dot += (vectors[column + i] as number) * (work[other + i] as number);
        dot *= 2;
        for (let i = j; i < n; i++)
          work[other + i] = (work[other + i] as number) - dot * (vectors[column + i] as number);
      }
    }
    r[j * m + j] = alpha;
    for (let c = j + 1; c < m; c++) r[c * m + j] = work[c * n + j] as number;
  }
  // Q = H_0 H_1 … H_{m−1} applied to the first m columns of the identity.
  const q = new Float64Array(n * m);
  for (let c = 0; c < m; c++) q[c * n + c] = 1;
  for (let j = m - 1; j >= 0; j--) {
    const column = j * n;
    for (let c = 0; c < m; c++) {
      const other = c * n;
      let dot = 0;
      for (let i = j; i < n; i++) dot += (vectors[column + i] as number) * (q[other + i] as number);
      if (dot === 0) continue;
      dot *= 2;
      for (let i = j; i < n; i++)
        q[other + i] = (q[other + i] as number) - dot * (vectors[column + i] as number);
    }
  }
  return { q: { rows: n, columns: m, data: q }, r: { rows: m, columns: m, data: r } };
}

/**
 * Singular values of a matrix, largest first, by one-sided Jacobi (Hestenes): plane rotations of
 * pairs of columns until every pair is orthogonal to working precision; the singular values are
 * then the column norms. Slower than Golub–Kahan for large matrices but short, and accurate to
 * high relative precision; the matrices here are at most (columns of x) × (columns of y).
 */
export function singularValues(a: ColumnMajor): Float64Array {
  // Work on the orientation with fewer columns: min(rows, columns) values.
  const transpose = a.columns > a.rows;
  const n = transpose ? a.columns : a.rows;
  const m = transpose ? a.rows : a.columns;
  const u = new Float64Array(n * m);
  for (let c = 0; c < a.columns; c++) {
    for (let i = 0; i < a.rows; i++) {
      const v = a.data[c * a.rows + i] as number;
      if (transpose) u[i * n + c] = v;
      else u[c * n + i] = v;
    }
  }
  const epsilon = 2.220446049250313e-16;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < n; i++) {
          const up = u[p * n + i] as number;
          const uq = u[q * n + i] as number;
          alpha += up * up;
          beta += uq * uq;
          gamma += up * uq;
        }
        if (gamma === 0 || Math.abs(gamma) <= epsilon * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // The rotation that zeroes the (p, q) entry of UᵀU (Golub & Van Loan, Alg. 8.5.1 form).
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cos = 1 / Math.sqrt(1 + t * t);
        const sin = cos * t;
        for (let i = 0; i < n; i++) {
          const up = u[p * n + i] as number;
          const uq = u[q * n + i] as number;
          u[p * n + i] = cos * up - sin * uq;
          u[q * n + i] = sin * up + cos * uq;
        }
      }
    }
    if (!rotated) break;
  }
  const values = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(u[c * n + i] as number));
    let sum = 0;
    if (scale > 0) {
      for (let i = 0; i < n; i++) {
        const v = (u[c * n + i] as number) / scale;
        sum += v * v;
      }
    }
    values[c] = scale * Math.sqrt(sum);
  }
  return values.sort().reverse();
}

/** AᵀB for column-major A (n × p) and B (n × q): a p × q column-major matrix. */
export function transposeTimes(a: ColumnMajor, b: ColumnMajor): ColumnMajor {
  const n = a.rows;
  const out = new Float64Array(a.columns * b.columns);
  for (let j = 0; j < b.columns; j++) {
    for (let i = 0; i < a.columns; i++) {
      let dot = 0;
      for (let r = 0; r < n; r++)
        dot += (a.data[i * n + r] as number) * (b.data[j * n + r] as number);
      out[j * a.columns + i] = dot;
    }
  }
  return { rows: a.columns, columns: b.columns, data: out };
}
