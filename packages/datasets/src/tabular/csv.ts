import { readFileSync } from 'node:fs';
import { assertOneOf } from '@mi/core';
import { DataFormatError, describeValue, InvalidArgumentError } from '@mi/spec';
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
// Plain decimal notation only: Number() would also read '0x1F', '0b101' and '0o17' (identifiers,
// hashes) as numbers without a word, where numpy and pandas refuse them.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function looksNumeric(cell: string): boolean {
  const text = cell.trim();
  return NON_FINITE.test(text) || DECIMAL.test(text);
}

/** An option value for a message: plain objects as JSON, anything else as describeValue does. */
function describeOption(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) return json.length > 60 ? `${json.slice(0, 57)}...` : json;
    } catch {
      // Cyclic or BigInt-valued: fall back to the generic description.
    }
  }
  return describeValue(value);
}

/** A column selection after checking its form: a list of names/indices, or a range. */
type Selection =
  | { readonly kind: 'list'; readonly columns: readonly (string | number)[] }
  | { readonly kind: 'range'; readonly from: number; readonly to: number };

const SELECTION_FORMS =
  'column names or 0-based indices: an array, a { from, to } range or a string such as "a,b" or "0:3"';

/** Checks the form of a selection before any data is read; ranges stay unexpanded. */
function normalizeSelection(selection: unknown, parameter: string): Selection {
  const fail = (value: unknown, expected: string) =>
    new InvalidArgumentError({
      functionName: 'parseCsv',
      parameter,
      value,
      expected,
      message: `parseCsv: invalid option '${parameter}': expected ${expected}, received ${describeOption(value)}`,
    });
  let range: { from: unknown; to: unknown } | undefined;
  if (typeof selection === 'string') {
    const match = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(selection);
    if (!match) {
      const columns = selection
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0)
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
      return { kind: 'list', columns };
    }
    range = { from: Number(match[1]), to: Number(match[2]) };
  } else if (Array.isArray(selection)) {
    const bad = selection.findIndex(
      (c) => typeof c !== 'string' && !(Number.isSafeInteger(c) && (c as number) >= 0),
    );
    if (bad >= 0) {
      throw new InvalidArgumentError({
        functionName: 'parseCsv',
        parameter: `${parameter}[${bad}]`,
        value: selection[bad],
        expected: 'a column name or a 0-based column index (an integer >= 0)',
      });
    }
    return { kind: 'list', columns: [...selection] };
  } else if (selection !== null && typeof selection === 'object') {
    range = selection as { from: unknown; to: unknown };
  } else {
    throw fail(selection, SELECTION_FORMS);
  }
  const { from, to } = range;
  if (
    typeof from !== 'number' ||
    typeof to !== 'number' ||
    !Number.isSafeInteger(from) ||
    !Number.isSafeInteger(to) ||
    from < 0 ||
    to <= from
  ) {
    throw fail(selection, 'a range { from, to } of 0-based column indices with 0 <= from < to');
  }
  return { kind: 'range', from, to };
}

/**
 * The columns of a selection; a range is checked against the file's width before it is expanded,
 * so `{ from: 0, to: 1e9 }` is an error, not a billion-entry array.
 */
function expandSelection(
  selection: Selection,
  parameter: string,
  width: number,
  file: string,
): readonly (string | number)[] {
  if (selection.kind === 'list') return selection.columns;
  const { from, to } = selection;
  if (to > width) {
    const expected = `a range within the ${width} column${width === 1 ? '' : 's'} of ${file} (to <= ${width})`;
    throw new InvalidArgumentError({
      functionName: 'parseCsv',
      parameter,
      value: { from, to },
      expected,
      message: `parseCsv: invalid option '${parameter}': expected ${expected}, received { from: ${from}, to: ${to} }`,
    });
  }
  return Array.from({ length: to - from }, (_, k) => from + k);
}

/** Checks header, delimiter and invalidRows, so a bad option is reported as such, not as bad data. */
function checkOptions(options: CsvOptions): void {
  const fn = 'parseCsv';
  // null counts as not given, as `??` reads it.
  const { header, delimiter, invalidRows } = options;
  if (header != null && header !== true && header !== false && header !== 'auto') {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'header',
      value: header,
      expected: "true, false or 'auto'",
    });
  }
  if (
    delimiter != null &&
    (typeof delimiter !== 'string' || delimiter.length === 0 || /["\r\n]/.test(delimiter))
  ) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'delimiter',
      value: delimiter,
      expected: 'a non-empty string without quotes or line breaks, such as "," or ";" or "\\t"',
    });
  }
  if (invalidRows != null) assertOneOf(fn, 'invalidRows', invalidRows, ['error', 'drop']);
}

/**
 * Reads two matrices X and Y from CSV text (a leading byte-order mark is ignored). Columns are
 * chosen by name or index; every chosen cell must be a finite number in decimal notation (`1.5`,
 * `-2e-3`; not `0x1F`). A row with a missing, non-numeric, NaN or infinite cell, or with
 * a different number of fields than the first row, throws a `DataFormatError` naming the file,
 * the line and the column, unless `invalidRows: 'drop'` asks to skip it (then counted in
 * `droppedRows`). Options that no file could satisfy (a malformed selection, an empty delimiter)
 * throw an `InvalidArgumentError` before the text is read. `file` only names the source in
 * messages.
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
  const xSelection = normalizeSelection(options.x, 'x');
  const ySelection = options.y === undefined ? undefined : normalizeSelection(options.y, 'y');
  checkOptions(options);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: options.delimiter ?? ',',
      // Spreadsheets write a byte-order mark first; a quoted first field must still parse.
      bom: true,
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
    (options.header ?? 'auto') === 'auto'
      ? first.record.some((cell) => !looksNumeric(cell))
      : options.header === true;
  const names = header ? first.record.map((cell) => cell.trim()) : undefined;
  const resolve = (
    selection: Selection,
    parameter: string,
  ): { index: number; label: string | number }[] =>
    expandSelection(selection, parameter, width, file).map((column) => {
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
  const xColumns = resolve(xSelection, 'x');
  const chosen = new Set(xColumns.map((c) => c.index));
  const yColumns =
    ySelection === undefined
      ? Array.from({ length: width }, (_, k) => k)
          .filter((k) => !chosen.has(k))
          .map((k) => ({ index: k, label: names?.[k] ?? k }))
      : resolve(ySelection, 'y');
  if (ySelection === undefined && xColumns.length > 0 && yColumns.length === 0) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'y',
      value: undefined,
      expected: 'at least one column',
      message: `${fn}: no columns left for Y: Y defaults to the columns not in X, and X takes all ${width} column${width === 1 ? '' : 's'} of ${file}; pass y, or fewer columns in x`,
    });
  }
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
      if (!DECIMAL.test(cell)) {
        rows.reject(
          line,
          label,
          `not a number: expected a finite number, received ${JSON.stringify(cell)}`,
        );
        return undefined;
      }
      const value = Number(cell);
      if (!Number.isFinite(value)) {
        rows.reject(
          line,
          label,
          `out of range: expected a finite number (at most about 1.8e308 in size), received ${JSON.stringify(cell)}`,
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
