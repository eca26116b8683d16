import { readFileSync } from 'node:fs';
import { assertOneOf } from '@mi/core';
import { DataFormatError, InvalidArgumentError } from '@mi/spec';
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

/**
 * A JSON value for a message, without recursion (a row may nest 10⁵ arrays deep) and short (a
 * row may hold a million values): `"abc"`, `null`, `[1, 2, "x"]`, `an array of 40 values`.
 */
function describeJson(value: unknown, nested = false): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    // JSON.parse turns 1e400 into Infinity; the file held a number, just not a float64 one.
    return Number.isFinite(value) ? String(value) : 'a number beyond the float64 range';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (nested || value.length > 6) {
      return value.length === 0
        ? '[]'
        : `an array of ${value.length} value${value.length === 1 ? '' : 's'}`;
    }
    return `[${value.map((item) => describeJson(item, true)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0
      ? 'an empty object'
      : `an object with keys ${keys
          .slice(0, 4)
          .map((key) => JSON.stringify(key))
          .join(', ')}${keys.length > 4 ? ', …' : ''}`;
  }
  return typeof value;
}

/** Own properties only: a key such as "toString" must not find Object.prototype's members. */
function field(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

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
 * Every row of a side must have as many values (at least one) as its first row, and every value
 * must be a finite number (JSON has no NaN; `null`, strings, nested arrays and numbers beyond the
 * float64 range such as `1e400` are rejected). Bad rows throw a `DataFormatError` with the file,
 * the row (1-based) and the column, unless `invalidRows: 'drop'`. Keys are looked up as the
 * document's own keys only. A non-string key or an unknown policy is an `InvalidArgumentError`.
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
  for (const parameter of ['xKey', 'yKey'] as const) {
    const key = options?.[parameter];
    if (key !== undefined && typeof key !== 'string') {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter,
        value: key,
        expected: 'a string: the key of the rows in each record or in the top-level object',
      });
    }
  }
  const policy = options?.invalidRows ?? 'error';
  assertOneOf(fn, 'invalidRows', policy, ['error', 'drop']);
  const xKey = options?.xKey ?? 'x';
  const yKey = options?.yKey ?? 'y';
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
    for (const [k, record] of document.entries()) {
      if (
        record === null ||
        typeof record !== 'object' ||
        Array.isArray(record) ||
        !Object.hasOwn(record, xKey) ||
        !Object.hasOwn(record, yKey)
      ) {
        throw new DataFormatError({
          file,
          row: k + 1,
          detail: `${fn}: expected an object with keys ${JSON.stringify(xKey)} and ${JSON.stringify(yKey)}, received ${describeJson(record)}`,
        });
      }
      xRows.push(field(record, xKey));
      yRows.push(field(record, yKey));
    }
  } else if (document !== null && typeof document === 'object') {
    for (const key of [xKey, yKey]) {
      const rows = field(document, key);
      if (!Array.isArray(rows)) {
        const keys = Object.keys(document);
        throw new DataFormatError({
          file,
          detail: `${fn}: expected key ${JSON.stringify(key)} to hold an array of rows, received ${rows === undefined ? 'no such key' : describeJson(rows)} (keys: ${
            keys.length > 0
              ? `${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}`
              : 'none'
          })`,
        });
      }
    }
    xRows = field(document, xKey) as unknown[];
    yRows = field(document, yKey) as unknown[];
    if (xRows.length !== yRows.length) {
      throw new DataFormatError({
        file,
        detail: `${fn}: row count mismatch: expected ${xRows.length} rows of ${JSON.stringify(yKey)} (as in ${JSON.stringify(xKey)}), received ${yRows.length}`,
      });
    }
  } else {
    throw new DataFormatError({
      file,
      detail: `${fn}: expected an object with arrays ${JSON.stringify(xKey)} and ${JSON.stringify(yKey)}, or an array of records, received ${describeJson(document)}`,
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
  const rows = new PairRows(file, fn, columns(xWidth, xKey), columns(yWidth, yKey), policy);
  for (let r = 0; r < xRows.length; r++) {
    const numbers: number[][] = [];
    let ok = true;
    for (const [row, width, key] of [
      [asRow(xRows[r]), xWidth, xKey],
      [asRow(yRows[r]), yWidth, yKey],
    ] as const) {
      if (row.values.length === 0) {
        rows.reject(r + 1, key, 'empty row: expected at least one value');
        ok = false;
        break;
      }
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
          `expected a finite number, received ${describeJson(row.values[bad])}`,
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
