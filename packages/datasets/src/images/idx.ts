import { gunzipSync } from 'node:zlib';
import { DataFormatError, InvalidArgumentError } from '@mi/spec';
import { isGzip, readMaybeGzip } from '../internal/files';

/** Element types of the IDX format, by their type byte. */
const IDX_TYPES: Record<number, { readonly name: IdxType; readonly size: number }> = {
  8: { name: 'uint8', size: 1 },
  9: { name: 'int8', size: 1 },
  11: { name: 'int16', size: 2 },
  12: { name: 'int32', size: 4 },
  13: { name: 'float32', size: 4 },
  14: { name: 'float64', size: 8 },
};

/** Element type names of the IDX format. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A parsed IDX array: shape from the header, values in a typed array of the element type. */
export interface IdxArray {
  readonly type: IdxType;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** What {@link parseIdx} should insist on (e.g. MNIST images: uint8, 3 dimensions). */
export interface IdxExpectation {
  readonly type?: IdxType;
  readonly rank?: number;
}

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

const TYPE_NAMES = Object.values(IDX_TYPES).map((type) => type.name);

/** A bad expectation is the caller's mistake, not the file's: an InvalidArgumentError. */
function checkExpectation(expect: IdxExpectation): void {
  if (expect.type !== undefined && !TYPE_NAMES.includes(expect.type)) {
    throw new InvalidArgumentError({
      functionName: 'parseIdx',
      parameter: 'expect.type',
      value: expect.type,
      expected: `one of ${TYPE_NAMES.map((name) => `'${name}'`).join(', ')}`,
    });
  }
  const rank = expect.rank;
  if (rank !== undefined && (!Number.isInteger(rank) || rank < 1 || rank > 255)) {
    throw new InvalidArgumentError({
      functionName: 'parseIdx',
      parameter: 'expect.rank',
      value: rank,
      expected: 'an integer in [1, 255] (the rank byte of an IDX magic number)',
    });
  }
}

/**
 * Parses the IDX format of LeCun et al.'s MNIST files (plain or gzip-compressed bytes): a 4-byte
 * magic `00 00 TT RR` (TT the element type, RR the rank), RR big-endian uint32 sizes, then the
 * big-endian values. Checks the magic, the rank and the exact byte count (against the sizes in the
 * header before anything is allocated); `file` only names the source in error messages. A bad
 * file is a `DataFormatError`; an `expect` that no IDX file could meet is an `InvalidArgumentError`.
 *
 * @see http://yann.lecun.com/exdb/mnist/ (file format section).
 * @example
 * ```ts
 * const images = parseIdx(readFileSync('train-images-idx3-ubyte'), 'train-images-idx3-ubyte', { type: 'uint8', rank: 3 });
 * images.shape; // [60000, 28, 28]
 * ```
 */
export function parseIdx(bytes: Uint8Array, file: string, expect: IdxExpectation = {}): IdxArray {
  const fail = (detail: string) => new DataFormatError({ file, detail: `parseIdx: ${detail}` });
  expect ??= {};
  checkExpectation(expect);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (cause) {
      throw new DataFormatError({
        file,
        detail: `parseIdx: the gzip stream is corrupt or truncated (${(cause as Error).message})`,
        cause,
      });
    }
  }
  if (bytes.length < 4) {
    throw fail(`truncated header: expected at least 4 bytes, received ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const typeCode = bytes[2] as number;
  const rank = bytes[3] as number;
  const type = IDX_TYPES[typeCode];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || rank === 0) {
    throw fail(
      `wrong magic number: expected 0x0000TTRR (TT an IDX type 08, 09, 0b, 0c, 0d or 0e, RR the rank), received ${hex(magic)}`,
    );
  }
  if (expect.type !== undefined && type.name !== expect.type) {
    throw fail(
      `wrong element type in magic ${hex(magic)}: expected ${expect.type}, received ${type.name}`,
    );
  }
  if (expect.rank !== undefined && rank !== expect.rank) {
    throw fail(
      `wrong rank in magic ${hex(magic)}: expected ${expect.rank} dimensions, received ${rank}`,
    );
  }
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw fail(
      `truncated header: expected ${headerLength} bytes for ${rank} dimensions, received ${bytes.length}`,
    );
  }
  const shape: number[] = [];
  for (let k = 0; k < rank; k++) shape.push(view.getUint32(4 + 4 * k));
  const count = shape.reduce((a, b) => a * b, 1);
  const expectedLength = headerLength + count * type.size;
  if (bytes.length !== expectedLength) {
    throw fail(
      `${bytes.length < expectedLength ? 'truncated data' : 'trailing bytes'}: shape [${shape.join(', ')}] of ${type.name} needs ${expectedLength} bytes, received ${bytes.length}`,
    );
  }
  const body = bytes.subarray(headerLength);
  switch (type.name) {
    case 'uint8':
      return { type: type.name, shape, data: Uint8Array.from(body) };
    case 'int8':
      return { type: type.name, shape, data: new Int8Array(Uint8Array.from(body).buffer) };
    default: {
      // Multi-byte values are big-endian in IDX; read them one by one through the DataView.
      const data =
        type.name === 'int16'
          ? new Int16Array(count)
          : type.name === 'int32'
            ? new Int32Array(count)
            : type.name === 'float32'
              ? new Float32Array(count)
              : new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const offset = headerLength + i * type.size;
        data[i] =
          type.name === 'int16'
            ? view.getInt16(offset)
            : type.name === 'int32'
              ? view.getInt32(offset)
              : type.name === 'float32'
                ? view.getFloat32(offset)
                : view.getFloat64(offset);
      }
      return { type: type.name, shape, data };
    }
  }
}

/** Reads and parses an IDX file (plain or `.gz`), see {@link parseIdx}. */
export function readIdx(path: string, expect: IdxExpectation = {}): IdxArray {
  return parseIdx(readMaybeGzip(path, 'readIdx'), path, expect);
}
