import { InvalidArgumentError, ShapeMismatchError } from '@mi/spec';

/**
 * A dense row-major matrix of float64 values: row `r`, column `c` is `data[r * columns + c]`.
 * Structurally the same as `Matrix` of `@mi/datasets`, so the readers' output passes as it is.
 */
export interface Matrix {
  readonly rows: number;
  readonly columns: number;
  /** rows × columns values, row-major. */
  readonly data: Float64Array;
}

function isMatrixLike(value: unknown): value is Matrix {
  return (
    value != null &&
    typeof value === 'object' &&
    'rows' in value &&
    'columns' in value &&
    'data' in value
  );
}

/** Checks one matrix: integer sizes, a Float64Array of rows × columns finite values. */
export function assertMatrix(functionName: string, parameter: string, value: unknown): Matrix {
  if (!isMatrixLike(value)) {
    throw new InvalidArgumentError({
      functionName,
      parameter,
      value,
      expected: 'a matrix { rows, columns, data: Float64Array }',
    });
  }
  const { rows, columns, data } = value;
  if (!Number.isSafeInteger(rows) || rows < 0) {
    throw new InvalidArgumentError({
      functionName,
      parameter: `${parameter}.rows`,
      value: rows,
      expected: 'an integer ≥ 0',
    });
  }
  if (!Number.isSafeInteger(columns) || columns < 1) {
    throw new InvalidArgumentError({
      functionName,
      parameter: `${parameter}.columns`,
      value: columns,
      expected: 'an integer ≥ 1',
    });
  }
  if (!(data instanceof Float64Array)) {
    throw new InvalidArgumentError({
      functionName,
      parameter: `${parameter}.data`,
      value: data,
      expected: 'a Float64Array',
    });
  }
  if (data.length !== rows * columns) {
    throw new ShapeMismatchError({
      functionName,
      parameter,
      expected: [rows, columns],
      received: [data.length / columns, columns],
      detail: `data has ${data.length} values, rows × columns = ${rows * columns}`,
    });
  }
  for (let index = 0; index < data.length; index++) {
    const v = data[index] as number;
    if (!Number.isFinite(v)) {
      const row = Math.floor(index / columns);
      throw new InvalidArgumentError({
        functionName,
        parameter: `${parameter}[${row}][${index - row * columns}]`,
        value: v,
        expected: 'a finite number',
      });
    }
  }
  return value;
}

/** Checks x and y: each a valid matrix, the same number of rows, at least `minRows` rows. */
export function assertPair(
  functionName: string,
  x: unknown,
  y: unknown,
  minRows: number,
  minRowsReason: string,
): { x: Matrix; y: Matrix } {
  const xm = assertMatrix(functionName, 'x', x);
  const ym = assertMatrix(functionName, 'y', y);
  if (ym.rows !== xm.rows) {
    throw new ShapeMismatchError({
      functionName,
      parameter: 'y',
      expected: [xm.rows, null],
      received: [ym.rows, ym.columns],
      detail: 'x and y need one row per sample, row i of x paired with row i of y',
    });
  }
  if (xm.rows < minRows) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'x.rows',
      value: xm.rows,
      expected: `at least ${minRows} rows (${minRowsReason})`,
    });
  }
  return { x: xm, y: ym };
}

/** The rows of `x` and `y` side by side: a rows × (x.columns + y.columns) matrix. */
export function joinColumns(x: Matrix, y: Matrix): Matrix {
  const columns = x.columns + y.columns;
  const data = new Float64Array(x.rows * columns);
  for (let r = 0; r < x.rows; r++) {
    data.set(x.data.subarray(r * x.columns, (r + 1) * x.columns), r * columns);
    data.set(y.data.subarray(r * y.columns, (r + 1) * y.columns), r * columns + x.columns);
  }
  return { rows: x.rows, columns, data };
}
