import { type Dataset, InvalidArgumentError, ShapeMismatchError } from '@mi/spec';
import { defineDataset } from '../internal/define-dataset';
import { type Matrix, type Standardization, standardizeMatrix, type TabularData } from './matrix';

/** Options of {@link tabularDataset}. */
export interface TabularDatasetOptions {
  /** Centre and scale every column of X and of Y to unit variance. Default false. */
  readonly standardize?: boolean;
  /** Name shown in reports; defaults to the source. */
  readonly name?: string;
}

/** A user's data set, with the statistics used to standardise it (when asked). */
export interface TabularDataset extends Dataset {
  readonly standardization:
    | { readonly x: Standardization; readonly y: Standardization }
    | undefined;
}

function toMatrix(
  values: Matrix | readonly (readonly number[])[] | readonly number[],
  side: 'x' | 'y',
): Matrix {
  if ('data' in values && 'rows' in values) return values as Matrix;
  const rows = values as readonly (number | readonly number[])[];
  const columns =
    rows.length > 0 && Array.isArray(rows[0]) ? (rows[0] as readonly number[]).length : 1;
  const data = new Float64Array(rows.length * columns);
  rows.forEach((row, r) => {
    const cells = Array.isArray(row) ? (row as readonly number[]) : [row as number];
    if (cells.length !== columns) {
      throw new ShapeMismatchError({
        functionName: 'tabularDataset',
        parameter: `${side}[${r}]`,
        expected: [columns],
        received: [cells.length],
        detail: 'every row needs the same number of columns',
      });
    }
    cells.forEach((value, c) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InvalidArgumentError({
          functionName: 'tabularDataset',
          parameter: `${side}[${r}][${c}]`,
          value,
          expected: 'a finite number',
        });
      }
      data[r * columns + c] = value;
    });
  });
  return { rows: rows.length, columns, data };
}

/**
 * A finite `Dataset` of a user's two matrices: from {@link readCsv}, {@link readNpyPair},
 * {@link readJsonPair}, or two arrays of rows. Rows are stored in float64 and gathered as float32
 * tensors `[n, columns]`. `trueMI` is unknown.
 *
 * @example
 * ```ts
 * const data = tabularDataset(readCsv('data.csv', { x: ['a', 'b'], y: ['c'] }), { standardize: true });
 * const simple = tabularDataset({ x: [[0.1], [0.4], [0.9]], y: [[1], [2], [3]] });
 * ```
 */
export function tabularDataset(
  data:
    | TabularData
    | {
        readonly x: Matrix | readonly (readonly number[])[] | readonly number[];
        readonly y: Matrix | readonly (readonly number[])[] | readonly number[];
      },
  options: TabularDatasetOptions = {},
): TabularDataset {
  let x = toMatrix(data.x, 'x');
  let y = toMatrix(data.y, 'y');
  if (x.rows !== y.rows || x.rows === 0) {
    throw new ShapeMismatchError({
      functionName: 'tabularDataset',
      parameter: 'y',
      expected: [x.rows, y.columns],
      received: [y.rows, y.columns],
      detail: 'X and Y need the same, positive number of rows',
    });
  }
  let standardization: TabularDataset['standardization'];
  if (options.standardize === true) {
    const sx = standardizeMatrix(x);
    const sy = standardizeMatrix(y);
    x = sx.matrix;
    y = sy.matrix;
    standardization = { x: sx.standardization, y: sy.standardization };
  }
  const name = options.name ?? ('source' in data ? (data as TabularData).source : 'arrays');
  const copy = (matrix: Matrix) => (index: number, out: Float32Array, offset: number) => {
    for (let c = 0; c < matrix.columns; c++) {
      out[offset + c] = matrix.data[index * matrix.columns + c] as number;
    }
  };
  return {
    ...defineDataset({
      name,
      size: x.rows,
      shape: { x: [x.columns], y: [y.columns] },
      trueMI: undefined,
      fillX: copy(x),
      fillY: copy(y),
    }),
    standardization,
  };
}
