import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NpyArray, npyToMatrix, parseNpy, readNpyPair } from '@mi/datasets';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  byteMutations,
  checkTabular,
  elementCount,
  ensure,
  expectResultOrTypedError,
  fuzzParameters,
  mutate,
} from '../../test/fuzz';

const FILE = 'fuzz.npy';

/** How each accepted dtype is written, little-endian. */
const WRITERS: Record<
  string,
  { size: number; write: (view: DataView, offset: number, value: number) => void }
> = {
  '<f4': { size: 4, write: (v, o, x) => v.setFloat32(o, x, true) },
  '<f8': { size: 8, write: (v, o, x) => v.setFloat64(o, x, true) },
  '|i1': { size: 1, write: (v, o, x) => v.setInt8(o, x) },
  '|u1': { size: 1, write: (v, o, x) => v.setUint8(o, x) },
  '|b1': { size: 1, write: (v, o, x) => v.setUint8(o, x) },
  '<i2': { size: 2, write: (v, o, x) => v.setInt16(o, x, true) },
  '<u2': { size: 2, write: (v, o, x) => v.setUint16(o, x, true) },
  '<i4': { size: 4, write: (v, o, x) => v.setInt32(o, x, true) },
  '<u4': { size: 4, write: (v, o, x) => v.setUint32(o, x, true) },
  '<i8': { size: 8, write: (v, o, x) => v.setBigInt64(o, BigInt(x), true) },
  '<u8': { size: 8, write: (v, o, x) => v.setBigUint64(o, BigInt(x), true) },
};

/** Values each dtype holds exactly (float32 values rounded to float32). */
function valuesOf(descr: string): fc.Arbitrary<number> {
  switch (descr) {
    case '<f4':
      return fc.float();
    case '<f8':
      return fc.double();
    case '|i1':
      return fc.integer({ min: -128, max: 127 });
    case '|u1':
      return fc.integer({ min: 0, max: 255 });
    case '|b1':
      return fc.integer({ min: 0, max: 1 });
    case '<i2':
      return fc.integer({ min: -32768, max: 32767 });
    case '<u2':
      return fc.integer({ min: 0, max: 65535 });
    case '<i4':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case '<u4':
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case '<i8':
      return fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    default:
      return fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
  }
}

/** The header dictionary as numpy writes it, in any key order and spacing. */
function headerText(descr: string, fortran: string, shape: string, order: number[]): string {
  const entries = [`'descr': '${descr}'`, `'fortran_order': ${fortran}`, `'shape': ${shape}`];
  return `{${order.map((k) => entries[k]).join(', ')}, }`;
}

function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Magic, version, little-endian header length, header padded to 64 bytes with '\n', body. */
function npyBytes(version: number, header: string, body: Uint8Array): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const padded = `${header}${' '.repeat(63 - ((prefix + header.length) % 64))}\n`;
  const encoded = new TextEncoder().encode(padded);
  const out = new Uint8Array(prefix + encoded.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, encoded.length, true);
  else view.setUint32(8, encoded.length, true);
  out.set(encoded, prefix);
  out.set(body, prefix + encoded.length);
  return out;
}

interface ValidNpy {
  readonly bytes: Uint8Array;
  readonly descr: string;
  readonly shape: number[];
  /** The values in C order (row-major), as the reader returns them. */
  readonly values: number[];
}

/** Arrays of every accepted dtype, rank 0–3, C or Fortran order, format version 1–3. */
const validNpy: fc.Arbitrary<ValidNpy> = fc
  .record({
    descr: fc.constantFrom(...Object.keys(WRITERS)),
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
    fortran: fc.boolean(),
    version: fc.constantFrom(1, 2, 3),
    order: fc.shuffledSubarray([0, 1, 2], { minLength: 3 }),
  })
  .chain((spec) =>
    fc
      .array(valuesOf(spec.descr), {
        minLength: elementCount(spec.shape),
        maxLength: elementCount(spec.shape),
      })
      .map((values): ValidNpy => {
        const writer = WRITERS[spec.descr] as (typeof WRITERS)[string];
        const body = new Uint8Array(values.length * writer.size);
        const view = new DataView(body.buffer);
        values.forEach((_, i) => {
          // Fortran order on disk: element i of the file is the C-order element with reversed
          // multi-index.
          let source = i;
          if (spec.fortran && spec.shape.length > 1) {
            let rest = i;
            const index = spec.shape.map((d) => {
              const k = rest % d;
              rest = Math.floor(rest / d);
              return k;
            });
            source = index.reduce((flat, k, axis) => flat * (spec.shape[axis] as number) + k, 0);
          }
          writer.write(view, i * writer.size, values[source] as number);
        });
        const header = headerText(
          spec.descr,
          spec.fortran ? 'True' : 'False',
          shapeText(spec.shape),
          spec.order,
        );
        return {
          bytes: npyBytes(spec.version, header, body),
          descr: spec.descr,
          shape: spec.shape,
          values: spec.descr === '<f4' ? values.map(Math.fround) : values,
        };
      }),
  );

/** A parsed array is consistent: non-negative integer shape, one value per element. */
function checkNpy(array: NpyArray): void {
  ensure(
    array.shape.every((d) => Number.isSafeInteger(d) && d >= 0),
    `bad shape [${array.shape}]`,
  );
  ensure(
    array.data.length === elementCount(array.shape),
    `shape [${array.shape}] holds ${elementCount(array.shape)} values, data has ${array.data.length}`,
  );
  ensure(array.dtype in WRITERS || /^[<|=]/.test(array.dtype), `odd dtype ${array.dtype}`);
  if (array.shape.length > 0) {
    const matrix = npyToMatrix(array, FILE);
    ensure(matrix.rows * matrix.columns === array.data.length, 'matrix size differs from data');
  }
}

describe('parseNpy under fuzzing', () => {
  it('reads every valid array exactly (all dtypes, ranks 0–3, C and Fortran order, v1–v3)', () => {
    fc.assert(
      fc.property(validNpy, ({ bytes, shape, values }) => {
        const array = parseNpy(bytes, FILE);
        expect(array.shape).toEqual(shape);
        expect(Array.from(array.data)).toEqual(values);
      }),
      fuzzParameters(200),
    );
  });

  it('random bytes, with or without the magic: a consistent array or a DataFormatError', () => {
    const magic = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59);
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 300 }), (withMagic, tail) => {
        const bytes = withMagic ? Uint8Array.from([...magic, ...tail]) : tail;
        expectResultOrTypedError(() => parseNpy(bytes, FILE), FILE, checkNpy, { binary: true });
      }),
      fuzzParameters(300),
    );
  });

  it('mutated valid files (truncation, flips, insertions, deletions): never an untyped error', () => {
    fc.assert(
      fc.property(validNpy, byteMutations(80), ({ bytes }, mutations) => {
        const mutated = mutate(bytes, mutations);
        expectResultOrTypedError(() => parseNpy(mutated, FILE), FILE, checkNpy, { binary: true });
      }),
      fuzzParameters(300),
    );
  });

  it('one corrupt header field (dtype, fortran_order, shape, keys, header length, version) is a typed error', () => {
    const descr = fc.oneof(
      fc.constantFrom(
        '>f4',
        '|f4',
        '=f8',
        '<f2',
        '<c8',
        '|O',
        '<U3',
        '|V8',
        '<constructor',
        '<toString',
        '<__proto__',
        '<hasOwnProperty',
        '',
        '<',
        '<f4 ',
      ),
      fc.string({ maxLength: 6 }),
    );
    const fortran = fc.oneof(fc.constantFrom('true', '0', 'None', ''), fc.string({ maxLength: 5 }));
    const dimension = fc.oneof(
      fc.integer({ min: 0, max: 6 }).map(String),
      fc.constantFrom(
        '1000000000000',
        '4294967296',
        '9007199254740993',
        '1e300',
        '-1',
        '1e3',
        '0x10',
        '3L',
        '',
        ' ',
        '1.5',
        'None',
        '(2, 3)',
        '-0',
      ),
    );
    const shape = fc.oneof(
      fc
        .array(dimension, { maxLength: 4 })
        .map((dims) => `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`),
      fc.string({ maxLength: 8 }),
    );
    const corruption = fc.oneof(
      fc.record({ field: fc.constant('descr' as const), value: descr }),
      fc.record({ field: fc.constant('fortran' as const), value: fortran }),
      fc.record({ field: fc.constant('shape' as const), value: shape }),
      fc.record({
        field: fc.constant('keys' as const),
        value: fc.shuffledSubarray([0, 1, 2], { minLength: 1, maxLength: 2 }),
      }),
      fc.record({
        field: fc.constant('headerLength' as const),
        value: fc.nat({ max: 0xffffffff }),
      }),
      fc.record({ field: fc.constant('version' as const), value: fc.constantFrom(0, 4, 255) }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(WRITERS)),
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
        fc.constantFrom(1, 2, 3),
        corruption,
        (validDescr, validShape, version, corrupt) => {
          const header = headerText(
            corrupt.field === 'descr' ? corrupt.value : validDescr,
            corrupt.field === 'fortran' ? corrupt.value : 'False',
            corrupt.field === 'shape' ? corrupt.value : shapeText(validShape),
            corrupt.field === 'keys' ? corrupt.value : [0, 1, 2],
          );
          const size = elementCount(validShape) * (WRITERS[validDescr]?.size ?? 1);
          const bytes = npyBytes(
            corrupt.field === 'version' ? corrupt.value : version,
            header,
            new Uint8Array(size),
          );
          if (corrupt.field === 'headerLength') {
            const view = new DataView(bytes.buffer);
            if (version === 1) view.setUint16(8, corrupt.value & 0xffff, true);
            else view.setUint32(8, corrupt.value, true);
          }
          expectResultOrTypedError(() => parseNpy(bytes, FILE), FILE, checkNpy, { binary: true });
        },
      ),
      fuzzParameters(300),
    );
  });

  it('a valid file cut at any byte is reported as truncated (or empty), never as something else', () => {
    fc.assert(
      fc.property(validNpy, fc.nat(), ({ bytes }, cut) => {
        const at = cut % bytes.length;
        expect(() => parseNpy(bytes.subarray(0, at), FILE)).toThrow(/truncated|empty/);
      }),
      fuzzParameters(200),
    );
  });

  it('a header that claims more elements than the file holds is rejected without allocating', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(WRITERS)),
        fc.array(fc.integer({ min: 1, max: 2 ** 32 }), { minLength: 1, maxLength: 4 }),
        fc.uint8Array({ maxLength: 64 }),
        (descr, shape, body) => {
          fc.pre(elementCount(shape) * (WRITERS[descr]?.size ?? 1) > body.length);
          const bytes = npyBytes(1, headerText(descr, 'False', shapeText(shape), [0, 1, 2]), body);
          expect(() => parseNpy(bytes, FILE)).toThrow(/truncated data/);
        },
      ),
      fuzzParameters(200),
    );
  });
});

describe('readNpyPair under fuzzing (files)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'mi-npy-fuzz-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('a mutated x.npy next to a valid y.npy: consistent data or a typed error', () => {
    const xPath = join(directory, 'x.npy');
    const yPath = join(directory, 'y.npy');
    const f8 = (values: number[]) => new Uint8Array(Float64Array.from(values).buffer);
    const x = npyBytes(1, headerText('<f8', 'False', '(3, 2)', [0, 1, 2]), f8([1, 2, 3, 4, 5, 6]));
    writeFileSync(yPath, npyBytes(1, headerText('<f8', 'False', '(3,)', [0, 1, 2]), f8([7, 8, 9])));
    fc.assert(
      fc.property(byteMutations(80), (mutations) => {
        writeFileSync(xPath, mutate(x, mutations));
        expectResultOrTypedError(
          () => readNpyPair(xPath, yPath, { invalidRows: 'drop' }),
          directory,
          checkTabular,
        );
      }),
      fuzzParameters(60),
    );
  });
});

describe('parseNpy regressions (minimal counterexamples from fuzzing)', () => {
  const header = (descr: string, shape: string) => headerText(descr, 'False', shape, [0, 1, 2]);

  it('does not take Object.prototype members for dtypes', () => {
    for (const descr of ['<__proto__', '<constructor', '<toString']) {
      expect(() => parseNpy(npyBytes(1, header(descr, '()'), new Uint8Array(4)), FILE)).toThrow(
        `fuzz.npy: parseNpy: unsupported dtype "${descr}": expected little-endian`,
      );
    }
  });

  it('calls a file cut inside the preamble truncated, not a wrong magic', () => {
    expect(() => parseNpy(Uint8Array.of(0x93), FILE)).toThrow(
      'fuzz.npy: parseNpy: truncated header: expected 10 bytes of magic, version and header length, received 1',
    );
    expect(() =>
      parseNpy(Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0), FILE),
    ).toThrow(
      'truncated header: expected 12 bytes of magic, version and header length, received 10',
    );
    expect(() => parseNpy(new Uint8Array(0), FILE)).toThrow('fuzz.npy: parseNpy: empty file');
  });

  it('rejects shapes that are not tuples of decimal integers', () => {
    for (const shape of ['(0x2,)', '(1,,2)', '(1e3,)', '(2.0,)', '(,)']) {
      expect(() => parseNpy(npyBytes(1, header('|u1', shape), new Uint8Array(2)), FILE)).toThrow(
        `fuzz.npy: parseNpy: malformed shape ${shape}: expected a tuple of non-negative decimal integers`,
      );
    }
  });
});
