import { readFileSync } from 'node:fs';
import { DataFormatError, InvalidArgumentError } from '@mi/spec';
import { parse } from 'csv-parse/sync';
import { type InvalidRowPolicy, PairRows, type TabularData } from './matrix';

/**
 * Columns by name (needs a header) or 0-based index, as an array, a `{ from, to }` range (`to`
 * exclusive), or a string: `"a,b,c"`, `"0,3"` or `"0:3"` (columns 0, 1, 2).
 */
export type ColumnSelection =
  | readonly (string | number)[]
  | { readonly from: number; readonly to: number }
  | string;

/** Options of {@link parseCsv} and {@link readCsv}. */
export interface CsvOptions {
  /** Columns of X. */
  readonly x: ColumnSelection;
  /** Columns of Y; default every column not in X. */
  readonly y?: ColumnSelection;
  /** Whether the first row names the columns; `auto` (default) when it has a non-numeric cell. */
  readonly header?: boolean | 'auto';
  /** Field separator; default `,`. */
  readonly delimiter?: string;
  /** `error` (default) throws on the first bad row; `drop` skips such rows and counts them. */
  readonly invalidRows?: InvalidRowPolicy;
}

const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function looksNumeric(cell: string): boolean {
  const text = cell.trim();
  return text !== '' && (NON_FINITE.test(text) || !Number.isNaN(Number(text)));
}

function parseSelection(selection: ColumnSelection, parameter: string): (string | number)[] {
  if (typeof selection === 'string') {
    const range = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(selection);
    if (range) return parseSelection({ from: Number(range[1]), to: Number(range[2]) }, parameter);
    return selection
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  }
  if (Array.isArray(selection)) return [...selection];
  const { from, to } = selection as { from: number; to: number };
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to <= from) {
    throw new InvalidArgumentError({
      functionName: 'parseCsv',
      parameter,
      value: `{ from: ${from}, to: ${to} }`,
      expected: 'a range { from, to } of 0-based column indices with 0 <= from < to',
    });
  }
  return Array.from({ length: to - from }, (_, k) => from + k);
}

/**
 * Reads two matrices X and Y from CSV text. Columns are chosen by name or index; every chosen
 * cell must be a finite number. A row with a missing, non-numeric, NaN or infinite cell, or with
 * a different number of fields than the first row, throws a `DataFormatError` naming the file,
 * the line and the column, unless `invalidRows: 'drop'` asks to skip it (then counted in
 * `droppedRows`). `file` only names the source in messages.
 *
 * @example
 * ```ts
 * parseCsv('a,b,c\n1,2,3\n4,5,6\n', 'data.csv', { x: ['a', 'b'], y: 'c' });
 * ```
 */
export function parseCsv(text: string, file: string, options: CsvOptions): TabularData {
  const fn = 'parseCsv';
  if (options?.x === undefined) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'x',
      value: undefined,
      expected: 'the columns of X (names, indices or a range)',
    });
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: options.delimiter ?? ',',
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (cause) {
    const line = (cause as { lines?: number }).lines;
    throw new DataFormatError({
      file,
      ...(line === undefined ? {} : { row: line }),
      detail: `${fn}: malformed CSV (${(cause as Error).message})`,
      cause,
    });
  }
  const first = records[0];
  if (first === undefined) {
    throw new DataFormatError({
      file,
      detail: `${fn}: empty file: expected a header or data rows, received nothing`,
    });
  }
  const width = first.record.length;
  const header =
    options.header === 'auto' || options.header === undefined
      ? first.record.some((cell) => !looksNumeric(cell))
      : options.header;
  const names = header ? first.record.map((cell) => cell.trim()) : undefined;
  const resolve = (
    selection: ColumnSelection,
    parameter: string,
  ): { index: number; label: string | number }[] =>
    parseSelection(selection, parameter).map((column) => {
      if (typeof column === 'number') {
        if (!Number.isInteger(column) || column < 0 || column >= width) {
          throw new InvalidArgumentError({
            functionName: fn,
            parameter,
            value: column,
            expected: `a column index in [0, ${width - 1}] (${file} has ${width} columns)`,
          });
        }
        return { index: column, label: names?.[column] ?? column };
      }
      const index = names?.indexOf(column) ?? -1;
      if (index < 0) {
        throw new InvalidArgumentError({
          functionName: fn,
          parameter,
          value: column,
          expected: names
            ? `a column of ${file}: ${names.map((n) => JSON.stringify(n)).join(', ')}`
            : `a column index: ${file} has no header row, so columns have no names`,
        });
      }
      return { index, label: column };
    });
  const xColumns = resolve(options.x, 'x');
  const chosen = new Set(xColumns.map((c) => c.index));
  const yColumns =
    options.y === undefined
      ? Array.from({ length: width }, (_, k) => k)
          .filter((k) => !chosen.has(k))
          .map((k) => ({ index: k, label: names?.[k] ?? k }))
      : resolve(options.y, 'y');
  if (xColumns.length === 0 || yColumns.length === 0) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: xColumns.length === 0 ? 'x' : 'y',
      value: xColumns.length === 0 ? options.x : options.y,
      expected: 'at least one column',
    });
  }
  const rows = new PairRows(
    file,
    fn,
    xColumns.map((c) => c.label),
    yColumns.map((c) => c.label),
    options.invalidRows ?? 'error',
  );
  const readCells = (
    record: string[],
    line: number,
    columns: { index: number; label: string | number }[],
  ): number[] | undefined => {
    const values: number[] = [];
    for (const { index, label } of columns) {
      const cell = (record[index] ?? '').trim();
      if (cell === '') {
        rows.reject(line, label, 'empty cell: expected a finite number');
        return undefined;
      }
      if (NON_FINITE.test(cell)) {
        values.push(/nan/i.test(cell) ? Number.NaN : cell.startsWith('-') ? -Infinity : Infinity);
        continue;
      }
      const value = Number(cell);
      if (Number.isNaN(value)) {
        rows.reject(
          line,
          label,
          `not a number: expected a finite number, received ${JSON.stringify(cell)}`,
        );
        return undefined;
      }
      values.push(value);
    }
    return values;
  };
  for (const [k, { record, info }] of records.entries()) {
    if (k === 0 && header) continue;
    const line = info.lines;
    if (record.length !== width) {
      rows.reject(
        line,
        undefined,
        `ragged row: expected ${width} fields (as in line ${first.info.lines}), received ${record.length}`,
      );
      continue;
    }
    const xValues = readCells(record, line, xColumns);
    if (xValues === undefined) continue;
    const yValues = readCells(record, line, yColumns);
    if (yValues === undefined) continue;
    rows.add(line, xValues, yValues);
  }
  return rows.finish(file);
}

/**
 * Reads X and Y from a CSV file, see {@link parseCsv}.
 *
 * @example
 * ```ts
 * const data = readCsv('measurements.csv', { x: '0:3', y: ['target'], invalidRows: 'drop' });
 * console.log(`${data.droppedRows} rows dropped`);
 * ```
 */
export function readCsv(path: string, options: CsvOptions): TabularData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DataFormatError({
      file: path,
      detail: `readCsv: cannot read the file (${(cause as { code?: string }).code ?? String(cause)})`,
      cause,
    });
  }
  return parseCsv(text, path, options);
}
