import { assertOneOf } from '@mi/core';
import { DataFormatError } from '@mi/spec';

/** A dense row-major matrix of float64 values. */
export interface Matrix {
  readonly rows: number;
  readonly columns: number;
  /** rows × columns, row-major. */
  readonly data: Float64Array;
}

/** What to do with a row that has a NaN/±Infinity, a non-numeric cell or a wrong column count. */
export type InvalidRowPolicy = 'error' | 'drop';

/** X and Y read from a user's file, row i of one with row i of the other. */
export interface TabularData {
  /** Where the data came from (file names), for messages and reports. */
  readonly source: string;
  readonly x: Matrix;
  readonly y: Matrix;
  /** Names (or 0-based indices) of the columns of X and Y. */
  readonly xColumns: readonly (string | number)[];
  readonly yColumns: readonly (string | number)[];
  /** Rows left out under `invalidRows: 'drop'`. */
  readonly droppedRows: number;
  /** Their row numbers as editors show them (1-based lines for CSV, 1-based rows otherwise). */
  readonly droppedRowNumbers: readonly number[];
}

/** Collects validated rows of X and Y; bad rows throw or are counted as dropped. */
export class PairRows {
  private readonly x: number[] = [];
  private readonly y: number[] = [];
  private rowCount = 0;
  private readonly dropped: number[] = [];

  constructor(
    private readonly file: string,
    private readonly functionName: string,
    private readonly xColumns: readonly (string | number)[],
    private readonly yColumns: readonly (string | number)[],
    private readonly policy: InvalidRowPolicy,
  ) {
    assertOneOf(functionName, 'invalidRows', policy, ['error', 'drop'] as const);
  }

  /** Rejects row `row`: throws under `error`, counts it under `drop`. */
  reject(row: number, column: string | number | undefined, detail: string): void {
    if (this.policy === 'error') {
      throw new DataFormatError({
        file: this.file,
        row,
        ...(column === undefined ? {} : { column }),
        detail: `${this.functionName}: ${detail} (pass invalidRows: 'drop' to skip such rows)`,
      });
    }
    this.dropped.push(row);
  }

  /** Adds a row after checking that every value is finite. */
  add(row: number, xValues: ArrayLike<number>, yValues: ArrayLike<number>): void {
    for (const [values, names] of [
      [xValues, this.xColumns],
      [yValues, this.yColumns],
    ] as const) {
      for (let k = 0; k < values.length; k++) {
        const value = values[k] as number;
        if (!Number.isFinite(value)) {
          this.reject(
            row,
            names[k],
            `expected a finite number, received ${Number.isNaN(value) ? 'NaN' : String(value)}`,
          );
          return;
        }
      }
    }
    for (let k = 0; k < xValues.length; k++) this.x.push(xValues[k] as number);
    for (let k = 0; k < yValues.length; k++) this.y.push(yValues[k] as number);
    this.rowCount++;
  }

  finish(source: string): TabularData {
    if (this.rowCount === 0) {
      throw new DataFormatError({
        file: this.file,
        detail: `${this.functionName}: no data rows: expected at least one valid row, received ${this.dropped.length} invalid row${this.dropped.length === 1 ? '' : 's'} and none valid`,
      });
    }
    return {
      source,
      x: { rows: this.rowCount, columns: this.xColumns.length, data: Float64Array.from(this.x) },
      y: { rows: this.rowCount, columns: this.yColumns.length, data: Float64Array.from(this.y) },
      xColumns: this.xColumns,
      yColumns: this.yColumns,
      droppedRows: this.dropped.length,
      droppedRowNumbers: this.dropped,
    };
  }
}

/** Per-column mean and standard deviation used by {@link standardizeMatrix}. */
export interface Standardization {
  readonly mean: Float64Array;
  /** Population standard deviation; 1 for constant columns (they are only centred). */
  readonly std: Float64Array;
}

/**
 * Centres every column and scales it to unit variance: z = (v − mean) / std. Constant columns are
 * centred only (std taken as 1), so no NaN can appear.
 */
export function standardizeMatrix(matrix: Matrix): {
  matrix: Matrix;
  standardization: Standardization;
} {
  const { rows, columns, data } = matrix;
  const mean = new Float64Array(columns);
  const std = new Float64Array(columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++)
      mean[c] = (mean[c] as number) + (data[r * columns + c] as number) / rows;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const d = (data[r * columns + c] as number) - (mean[c] as number);
      std[c] = (std[c] as number) + (d * d) / rows;
    }
  }
  for (let c = 0; c < columns; c++) {
    const s = Math.sqrt(std[c] as number);
    std[c] = s > 0 ? s : 1;
  }
  const out = new Float64Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      out[r * columns + c] =
        ((data[r * columns + c] as number) - (mean[c] as number)) / (std[c] as number);
    }
  }
  return { matrix: { rows, columns, data: out }, standardization: { mean, std } };
}
