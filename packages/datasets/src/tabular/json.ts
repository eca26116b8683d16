import { readFileSync } from 'node:fs';
import { DataFormatError } from '@mi/spec';
import { type InvalidRowPolicy, PairRows, type TabularData } from './matrix';

/** Options of {@link parseJsonPair} and {@link readJsonPair}. */
export interface JsonPairOptions {
  /** Key of X. Default `x`. */
  readonly xKey?: string;
  /** Key of Y. Default `y`. */
  readonly yKey?: string;
  /** `error` (default) or `drop` rows with null, non-numeric values or a wrong length. */
  readonly invalidRows?: InvalidRowPolicy;
}

type Row = { values: unknown[]; scalar: boolean };

function asRow(value: unknown): Row {
  return Array.isArray(value)
    ? { values: value, scalar: false }
    : { values: [value], scalar: true };
}

/**
 * Reads X and Y from JSON text in either layout:
 *
 * - columns: `{ "x": [[…], …], "y": [[…], …] }` (rows as arrays, or numbers for one column);
 * - records: `[{ "x": […], "y": […] }, …]` (arrays or numbers).
 *
 * Every row of a side must have as many values as its first row, and every value must be a finite
 * number (JSON has no NaN; `null` and strings are rejected). Bad rows throw a `DataFormatError`
 * with the file, the row (1-based) and the column, unless `invalidRows: 'drop'`.
 *
 * @example
 * ```ts
 * parseJsonPair('{"x": [1, 2, 3], "y": [[1, 0], [0, 1], [1, 1]]}', 'pairs.json');
 * ```
 */
export function parseJsonPair(
  text: string,
  file: string,
  options: JsonPairOptions = {},
): TabularData {
  const fn = 'parseJsonPair';
  const xKey = options.xKey ?? 'x';
  const yKey = options.yKey ?? 'y';
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new DataFormatError({
      file,
      detail: `${fn}: not valid JSON (${(cause as Error).message})`,
      cause,
    });
  }
  let xRows: unknown[];
  let yRows: unknown[];
  if (Array.isArray(document)) {
    xRows = [];
    yRows = [];
    document.forEach((record, k) => {
      if (record === null || typeof record !== 'object' || !(xKey in record) || !(yKey in record)) {
        throw new DataFormatError({
          file,
          row: k + 1,
          detail: `${fn}: expected an object with keys ${JSON.stringify(xKey)} and ${JSON.stringify(yKey)}, received ${JSON.stringify(record)?.slice(0, 60)}`,
        });
      }
      xRows.push((record as Record<string, unknown>)[xKey]);
      yRows.push((record as Record<string, unknown>)[yKey]);
    });
  } else if (document !== null && typeof document === 'object') {
    const object = document as Record<string, unknown>;
    for (const key of [xKey, yKey]) {
      if (!Array.isArray(object[key])) {
        throw new DataFormatError({
          file,
          detail: `${fn}: expected key ${JSON.stringify(key)} to hold an array of rows, received ${object[key] === undefined ? 'no such key' : typeof object[key]} (keys: ${Object.keys(object).join(', ')})`,
        });
      }
    }
    xRows = object[xKey] as unknown[];
    yRows = object[yKey] as unknown[];
    if (xRows.length !== yRows.length) {
      throw new DataFormatError({
        file,
        detail: `${fn}: row count mismatch: expected ${xRows.length} rows of ${JSON.stringify(yKey)} (as in ${JSON.stringify(xKey)}), received ${yRows.length}`,
      });
    }
  } else {
    throw new DataFormatError({
      file,
      detail: `${fn}: expected an object with arrays ${JSON.stringify(xKey)} and ${JSON.stringify(yKey)}, or an array of records, received ${JSON.stringify(document)}`,
    });
  }
  if (xRows.length === 0) {
    throw new DataFormatError({
      file,
      detail: `${fn}: no data rows: expected at least one, received 0`,
    });
  }
  const xWidth = asRow(xRows[0]).values.length;
  const yWidth = asRow(yRows[0]).values.length;
  const columns = (width: number, key: string) =>
    Array.from({ length: width }, (_, k) => `${key}[${k}]`);
  const rows = new PairRows(
    file,
    fn,
    columns(xWidth, xKey),
    columns(yWidth, yKey),
    options.invalidRows ?? 'error',
  );
  for (let r = 0; r < xRows.length; r++) {
    const numbers: number[][] = [];
    let ok = true;
    for (const [row, width, key] of [
      [asRow(xRows[r]), xWidth, xKey],
      [asRow(yRows[r]), yWidth, yKey],
    ] as const) {
      if (row.values.length !== width) {
        rows.reject(
          r + 1,
          key,
          `ragged row: expected ${width} values (as in row 1), received ${row.values.length}`,
        );
        ok = false;
        break;
      }
      const bad = row.values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0) {
        rows.reject(
          r + 1,
          row.scalar ? key : `${key}[${bad}]`,
          `expected a finite number, received ${JSON.stringify(row.values[bad]) ?? 'undefined'}`,
        );
        ok = false;
        break;
      }
      numbers.push(row.values as number[]);
    }
    if (ok) rows.add(r + 1, numbers[0] as number[], numbers[1] as number[]);
  }
  return rows.finish(file);
}

/** Reads X and Y from a JSON file, see {@link parseJsonPair}. */
export function readJsonPair(path: string, options: JsonPairOptions = {}): TabularData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DataFormatError({
      file: path,
      detail: `readJsonPair: cannot read the file (${(cause as { code?: string }).code ?? String(cause)})`,
      cause,
    });
  }
  return parseJsonPair(text, path, options);
}
