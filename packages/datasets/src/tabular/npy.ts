import { DataFormatError, InvalidArgumentError } from '@mi/spec';
import { readBytes } from '../internal/files';
import { type InvalidRowPolicy, type Matrix, PairRows, type TabularData } from './matrix';

/** A parsed `.npy` array, values widened to float64. */
export interface NpyArray {
  /** The numpy dtype string of the file, e.g. `<f4`. */
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Little-endian (or byte-order-free) numeric dtypes that the reader accepts, by item size. */
const DTYPES: Record<string, { size: number; read: (view: DataView, offset: number) => number }> = {
  f4: { size: 4, read: (v, o) => v.getFloat32(o, true) },
  f8: { size: 8, read: (v, o) => v.getFloat64(o, true) },
  i1: { size: 1, read: (v, o) => v.getInt8(o) },
  u1: { size: 1, read: (v, o) => v.getUint8(o) },
  b1: { size: 1, read: (v, o) => v.getUint8(o) },
  i2: { size: 2, read: (v, o) => v.getInt16(o, true) },
  u2: { size: 2, read: (v, o) => v.getUint16(o, true) },
  i4: { size: 4, read: (v, o) => v.getInt32(o, true) },
  u4: { size: 4, read: (v, o) => v.getUint32(o, true) },
  i8: { size: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  u8: { size: 8, read: (v, o) => Number(v.getBigUint64(o, true)) },
};

/**
 * Parses NumPy's `.npy` format (versions 1.0, 2.0, 3.0): the magic `\x93NUMPY`, a version, a
 * little-endian header length, a Python-literal header `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (n, d), }`, then the raw values. Accepts little-endian float32/float64, signed and
 * unsigned integers of 1–8 bytes and booleans, in C or Fortran order; rejects big-endian data,
 * object arrays, a wrong magic and a data length that does not match the shape. `file` only names
 * the source in messages.
 *
 * @see https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (detail: string) => new DataFormatError({ file, detail: `parseNpy: ${detail}` });
  if (bytes.length === 0) {
    throw fail('empty file: expected the magic "\\x93NUMPY", received 0 bytes');
  }
  if (MAGIC.some((b, k) => k < bytes.length && bytes[k] !== b)) {
    const received = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(
      ' ',
    );
    throw fail(`wrong magic: expected 93 4e 55 4d 50 59 ("\\x93NUMPY"), received ${received}`);
  }
  const major = bytes[6];
  if (major !== undefined && major !== 1 && major !== 2 && major !== 3) {
    throw fail(
      `unsupported format version ${major}.${bytes[7] ?? '?'} at byte 6: expected 1.0, 2.0 or 3.0`,
    );
  }
  // A prefix of a valid file (cut inside the fixed preamble) is truncated, not a wrong format.
  const headerStart = major === 2 || major === 3 ? 12 : 10;
  if (major === undefined || bytes.length < headerStart) {
    throw fail(
      `truncated header: expected ${headerStart} bytes of magic, version and header length, received ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    throw fail(
      `truncated header: expected ${dataStart} header bytes, received ${bytes.length} (the header length at byte 8 is ${headerLength})`,
    );
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, dataStart),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw fail(
      `malformed header: expected 'descr', 'fortran_order' and 'shape', received ${JSON.stringify(header.trim())}`,
    );
  }
  const order = descr.slice(0, 1);
  const kind = descr.slice(1);
  // Own keys only: a dtype such as '<constructor' must not find Object.prototype's members.
  const type = Object.hasOwn(DTYPES, kind) ? DTYPES[kind] : undefined;
  if (type === undefined || !['<', '|', '='].includes(order) || (type.size > 1 && order === '|')) {
    throw fail(
      `unsupported dtype ${JSON.stringify(descr)}: expected little-endian float32/float64, integers or bool ('<f4', '<f8', '<i4', '<i8', '|u1', …)`,
    );
  }
  // A Python tuple of decimal integers: `()`, `(3,)`, `(3, 4)`; only the last comma may trail.
  const parts = shapeText.trim() === '' ? [] : shapeText.split(',').map((part) => part.trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.some((part) => !/^\d+$/.test(part) || !Number.isSafeInteger(Number(part)))) {
    throw fail(
      `malformed shape (${shapeText}): expected a tuple of non-negative decimal integers such as (3, 4)`,
    );
  }
  const shape = parts.map(Number);
  // Checked against the actual length before anything is allocated: a header may claim 10¹² values.
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = dataStart + count * type.size;
  if (bytes.length !== expected) {
    throw fail(
      `${bytes.length < expected ? 'truncated data' : 'trailing bytes'}: shape (${shape.join(', ')}) of ${descr} needs ${expected} bytes, received ${bytes.length} (${dataStart} of header, then ${type.size} per value)`,
    );
  }
  const data = new Float64Array(count);
  if (fortran === 'True' && shape.length > 1) {
    // Column-major on disk: map each C-order position to its Fortran-order offset.
    const strides = new Array<number>(shape.length);
    let stride = 1;
    for (let k = 0; k < shape.length; k++) {
      strides[k] = stride;
      stride *= shape[k] as number;
    }
    const index = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < count; i++) {
      let offset = 0;
      for (let k = 0; k < shape.length; k++)
        offset += (index[k] as number) * (strides[k] as number);
      data[i] = type.read(view, dataStart + offset * type.size);
      for (let k = shape.length - 1; k >= 0; k--) {
        index[k] = (index[k] as number) + 1;
        if ((index[k] as number) < (shape[k] as number)) break;
        index[k] = 0;
      }
    }
  } else {
    for (let i = 0; i < count; i++) data[i] = type.read(view, dataStart + i * type.size);
  }
  return { dtype: descr, shape, data };
}

/** Reads a `.npy` file, see {@link parseNpy}. */
export function readNpy(path: string): NpyArray {
  return parseNpy(readBytes(path, 'readNpy'), path);
}

/** A `.npy` array as a matrix: 1-D → one column, (n, d₁, d₂, …) → n rows of d₁·d₂·… columns. */
export function npyToMatrix(array: NpyArray, file: string): Matrix {
  if (array.shape.length === 0) {
    throw new DataFormatError({
      file,
      detail: 'npyToMatrix: expected an array with a row axis, received a 0-d scalar',
    });
  }
  const rows = array.shape[0] as number;
  const columns = array.shape.slice(1).reduce((a, b) => a * b, 1);
  return { rows, columns, data: array.data };
}

/** Options of {@link readNpyPair}. */
export interface NpyPairOptions {
  /** `error` (default) or `drop` rows with a NaN or infinite value. */
  readonly invalidRows?: InvalidRowPolicy;
}

/**
 * Reads X and Y from two `.npy` files with the same number of rows (the first axis). Rows with a
 * NaN or infinite value throw a `DataFormatError` naming the file, row (1-based) and column
 * (0-based), unless `invalidRows: 'drop'`.
 *
 * @example
 * ```ts
 * const data = tabularDataset(readNpyPair('x.npy', 'y.npy'), { standardize: true });
 * ```
 */
export function readNpyPair(
  xPath: string,
  yPath: string,
  options: NpyPairOptions = {},
): TabularData {
  return npyPair(
    npyToMatrix(readNpy(xPath), xPath),
    xPath,
    npyToMatrix(readNpy(yPath), yPath),
    yPath,
    options,
  );
}

/** X and Y from two parsed `.npy` arrays (as {@link readNpyPair}, for bytes already in memory). */
export function npyPair(
  x: Matrix,
  xFile: string,
  y: Matrix,
  yFile: string,
  options: NpyPairOptions = {},
): TabularData {
  const fn = 'readNpyPair';
  if (x.rows !== y.rows) {
    throw new DataFormatError({
      file: yFile,
      detail: `${fn}: row count mismatch: expected ${x.rows} rows (as in ${xFile}), received ${y.rows}`,
    });
  }
  if (x.columns === 0 || y.columns === 0) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: x.columns === 0 ? 'x' : 'y',
      value: x.columns === 0 ? xFile : yFile,
      expected: 'an array with at least one column',
    });
  }
  const columnsOf = (m: Matrix) => Array.from({ length: m.columns }, (_, k) => k);
  // Check each side against its own file, so the message names the file with the bad value.
  const policy = options.invalidRows ?? 'error';
  const badRows = new Set<number>();
  for (const [m, file] of [
    [x, xFile],
    [y, yFile],
  ] as const) {
    const check = new PairRows(file, fn, columnsOf(m), [], policy);
    for (let r = 0; r < m.rows; r++) {
      const row = m.data.subarray(r * m.columns, (r + 1) * m.columns);
      if (!row.every(Number.isFinite)) {
        check.reject(
          r + 1,
          row.findIndex((v) => !Number.isFinite(v)),
          `expected a finite number, received ${row.find((v) => !Number.isFinite(v))}`,
        );
        badRows.add(r);
      }
    }
  }
  const rows = new PairRows(`${xFile} + ${yFile}`, fn, columnsOf(x), columnsOf(y), policy);
  for (let r = 0; r < x.rows; r++) {
    if (badRows.has(r)) {
      rows.reject(r + 1, undefined, 'non-finite value');
      continue;
    }
    rows.add(
      r + 1,
      x.data.subarray(r * x.columns, (r + 1) * x.columns),
      y.data.subarray(r * y.columns, (r + 1) * y.columns),
    );
  }
  return rows.finish(`${xFile} + ${yFile}`);
}
