import { InvalidArgumentError, NonFiniteEstimateError } from '@mi/spec';
import { type ColumnMajor, householderQr, singularValues, transposeTimes } from './linear-algebra';
import { assertPair, type Matrix } from './matrix';
import { assertKnownOptions, type ClassicalEstimate } from './options';

/** Options of {@link gaussianMI}: none yet; unknown keys are rejected. */
export type GaussianOptions = Readonly<Record<string, never>>;

/** What {@link gaussianMI} returns: the estimate and the sample canonical correlations. */
export interface GaussianEstimate extends ClassicalEstimate {
  readonly estimator: 'gaussian';
  /** The sample canonical correlations ρ₁ ≥ ρ₂ ≥ … ≥ 0, min(columns of x, columns of y) of them. */
  readonly canonicalCorrelations: readonly number[];
}

/**
 * Relative distance to a span under which a column is taken as a linear combination of others
 * (and a principal angle's sine as 0): exact dependence leaves ~1e-15 here, while 1e-10 is
 * already 23 nats of MI for one canonical pair.
 */
const RANK_TOLERANCE = 1e-10;

/**
 * The mutual information of a Gaussian with the sample covariance of [x, y], in nats: the exact MI
 * when (X, Y) is jointly Gaussian, and a lower bound on it for any distribution with that covariance.
 *
 *   I = −½ Σᵢ log(1 − ρᵢ²) = ½ log(det Σ_X · det Σ_Y / det Σ),
 *
 * with ρᵢ the canonical correlations of x and y (Σ the sample covariance of [x, y]).
 *
 * Computed without forming a covariance matrix (Björck & Golub 1973): the centred x and y are
 * factored by Householder QR, X = Q_x R_x and Y = Q_y R_y; the canonical correlations are the
 * singular values of Q_xᵀ Q_y (one-sided Jacobi SVD), and the sines of the principal angles,
 * √(1 − ρᵢ²), are the singular values of the residual W = Q_y − Q_x Q_xᵀ Q_y, whose product is the
 * |det| of W's R factor. So I = −Σ log |R_W,ii|, accurate even when some ρ is within 1e-8 of 1,
 * where 1 − ρ² computed from ρ would have lost every digit. Cost O(N (d_x + d_y)²).
 *
 * Needs rows > columns(x) + columns(y) and no column that is constant or a linear combination of
 * the others in x or in y (`InvalidArgumentError`); when y is an exact linear function of x the MI
 * is infinite (`NonFiniteEstimateError`).
 *
 * Statistics: the estimate is biased upwards by about d_x·d_y / (2N), and its standard error is
 * about √(Σᵢ ρᵢ²/N) (delta method with Var ρ̂ ≈ (1 − ρ²)²/N per canonical pair).
 *
 * @example
 * ```ts
 * const x = { rows: 4, columns: 1, data: Float64Array.of(0, 1, 2, 3) };
 * const y = { rows: 4, columns: 1, data: Float64Array.of(0.1, 0.9, 2.2, 2.9) };
 * const { estimate, canonicalCorrelations } = gaussianMI(x, y);
 * ```
 *
 * @see Å. Björck, G. H. Golub, *Numerical methods for computing angles between linear subspaces*,
 * Math. Comp. 27 (1973); T. M. Cover, J. A. Thomas, *Elements of Information Theory*, §8.
 */
export function gaussianMI(x: Matrix, y: Matrix, options: GaussianOptions = {}): GaussianEstimate {
  const functionName = 'gaussianMI';
  assertKnownOptions(functionName, options, []);
  const checked = assertPair(functionName, x, y, 2, 'a covariance needs two samples');
  const n = checked.x.rows;
  const dx = checked.x.columns;
  const dy = checked.y.columns;
  if (n <= dx + dy) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'x.rows',
      value: n,
      expected: `more rows than columns of x and y together (${dx} + ${dy}), or the sample covariance is singular`,
    });
  }
  const qx = orthonormalBasis(functionName, 'x', checked.x);
  const qy = orthonormalBasis(functionName, 'y', checked.y);
  const cross = transposeTimes(qx, qy);
  const correlations = Array.from(singularValues(cross), (rho) => Math.min(rho, 1));

  // W = Q_y − Q_x (Q_xᵀ Q_y), projected twice ("twice is enough") so that the small sines keep
  // their relative accuracy.
  const residual = Float64Array.from(qy.data);
  for (let pass = 0; pass < 2; pass++) {
    const c = pass === 0 ? cross : transposeTimes(qx, { rows: n, columns: dy, data: residual });
    for (let j = 0; j < dy; j++) {
      for (let i = 0; i < dx; i++) {
        const coefficient = c.data[j * dx + i] as number;
        for (let r = 0; r < n; r++) {
          residual[j * n + r] =
            (residual[j * n + r] as number) - coefficient * (qx.data[i * n + r] as number);
        }
      }
    }
  }
  const { r } = householderQr({ rows: n, columns: dy, data: residual });
  let estimate = 0;
  for (let j = 0; j < dy; j++) {
    const sine = Math.abs(r.data[j * dy + j] as number);
    if (!(sine > RANK_TOLERANCE)) {
      throw new NonFiniteEstimateError({
        source: functionName,
        quantity: 'estimate',
        value: Number.POSITIVE_INFINITY,
        reason:
          'y is (to 1e-10) a linear function of x: a canonical correlation is 1 and the Gaussian MI is infinite',
      });
    }
    estimate -= Math.log(sine);
  }
  return { estimator: 'gaussian', estimate, rows: n, canonicalCorrelations: correlations };
}

/**
 * An orthonormal basis of the centred columns of `matrix` (Q of its QR factorisation), after
 * scaling each column to max |value| = 1 (CCA is invariant to it, and it keeps QR's norms in range).
 */
function orthonormalBasis(functionName: string, parameter: string, matrix: Matrix): ColumnMajor {
  const { rows, columns, data } = matrix;
  const centred = new Float64Array(rows * columns);
  for (let c = 0; c < columns; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += data[r * columns + c] as number;
    mean /= rows;
    let scale = 0;
    for (let r = 0; r < rows; r++) {
      const v = (data[r * columns + c] as number) - mean;
      centred[c * rows + r] = v;
      scale = Math.max(scale, Math.abs(v));
    }
    if (scale === 0) throw rankError(functionName, parameter, c, 'is constant');
    for (let r = 0; r < rows; r++)
      centred[c * rows + r] = (centred[c * rows + r] as number) / scale;
  }
  const { q, r } = householderQr({ rows, columns, data: centred });
  for (let c = 0; c < columns; c++) {
    // |R_cc| is the distance of column c to the span of the columns before it.
    let norm2 = 0;
    for (let i = 0; i <= c; i++) norm2 += (r.data[c * columns + i] as number) ** 2;
    if (!(Math.abs(r.data[c * columns + c] as number) > RANK_TOLERANCE * Math.sqrt(norm2))) {
      throw rankError(
        functionName,
        parameter,
        c,
        'is a linear combination of the columns before it',
      );
    }
  }
  return q;
}

function rankError(
  functionName: string,
  parameter: string,
  column: number,
  what: string,
): InvalidArgumentError {
  return new InvalidArgumentError({
    functionName,
    parameter,
    value: `column ${column}`,
    expected: `columns that are not constant and not linear combinations of each other (column ${column} ${what}, so the covariance of ${parameter} is singular)`,
    message: `${functionName}: argument '${parameter}': column ${column} ${what} (after centring), so the covariance of ${parameter} is singular and the Gaussian MI is undefined; drop the column`,
  });
}
