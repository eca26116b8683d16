import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type IdxArray, type IdxType, type ImageSplits, loadMnist, parseIdx } from '@mi/datasets';
import { InvalidArgumentError } from '@mi/spec';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  byteMutations,
  elementCount,
  ensure,
  expectResultOrTypedError,
  fuzzParameters,
  mutate,
} from '../../test/fuzz';

const FILE = 'fuzz-idx3-ubyte';

/** Type byte, item size, big-endian writer, exact values and typed array of each IDX type. */
const TYPES: Record<
  IdxType,
  {
    code: number;
    size: number;
    write: (view: DataView, offset: number, value: number) => void;
    values: fc.Arbitrary<number>;
    array: new (length: number) => IdxArray['data'];
  }
> = {
  uint8: {
    code: 0x08,
    size: 1,
    write: (v, o, x) => v.setUint8(o, x),
    values: fc.integer({ min: 0, max: 255 }),
    array: Uint8Array,
  },
  int8: {
    code: 0x09,
    size: 1,
    write: (v, o, x) => v.setInt8(o, x),
    values: fc.integer({ min: -128, max: 127 }),
    array: Int8Array,
  },
  int16: {
    code: 0x0b,
    size: 2,
    write: (v, o, x) => v.setInt16(o, x),
    values: fc.integer({ min: -32768, max: 32767 }),
    array: Int16Array,
  },
  int32: {
    code: 0x0c,
    size: 4,
    write: (v, o, x) => v.setInt32(o, x),
    values: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    array: Int32Array,
  },
  float32: {
    code: 0x0d,
    size: 4,
    write: (v, o, x) => v.setFloat32(o, x),
    values: fc.float().map(Math.fround),
    array: Float32Array,
  },
  float64: {
    code: 0x0e,
    size: 8,
    write: (v, o, x) => v.setFloat64(o, x),
    values: fc.double(),
    array: Float64Array,
  },
};
const TYPE_NAMES = Object.keys(TYPES) as IdxType[];

/** An IDX file: magic 00 00 type rank, big-endian uint32 sizes, big-endian values. */
function idxBytes(type: IdxType, shape: readonly number[], values: readonly number[]): Uint8Array {
  const spec = TYPES[type];
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length * spec.size);
  const view = new DataView(out.buffer);
  out[2] = spec.code;
  out[3] = shape.length;
  for (const [k, d] of shape.entries()) view.setUint32(4 + 4 * k, d);
  for (const [i, value] of values.entries()) spec.write(view, header + i * spec.size, value);
  return out;
}

interface ValidIdx {
  readonly type: IdxType;
  readonly shape: number[];
  readonly values: number[];
  readonly bytes: Uint8Array;
  readonly gzip: boolean;
}

/** Every IDX type, rank 1–3, sizes 0–5, plain or gzip-compressed. */
const validIdx: fc.Arbitrary<ValidIdx> = fc
  .record({
    type: fc.constantFrom(...TYPE_NAMES),
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
    gzip: fc.boolean(),
  })
  .chain(({ type, shape, gzip }) =>
    fc
      .array(TYPES[type].values, {
        minLength: elementCount(shape),
        maxLength: elementCount(shape),
      })
      .map((values) => {
        const plain = idxBytes(type, shape, values);
        return { type, shape, values, gzip, bytes: gzip ? gzipSync(plain) : plain };
      }),
  );

/** A parsed array is consistent: rank ≥ 1, one value per element, the typed array of its type. */
function checkIdx(array: IdxArray): void {
  ensure(array.shape.length >= 1, 'rank 0');
  ensure(
    array.data.length === elementCount(array.shape),
    `shape [${array.shape}] holds ${elementCount(array.shape)} values, data has ${array.data.length}`,
  );
  ensure(array.data instanceof TYPES[array.type].array, `${array.type} in the wrong typed array`);
}

describe('parseIdx under fuzzing', () => {
  it('reads every valid array exactly (all types, ranks 1–3, plain and gzip)', () => {
    fc.assert(
      fc.property(validIdx, ({ type, shape, values, bytes }) => {
        const array = parseIdx(bytes, FILE);
        expect([array.type, array.shape]).toEqual([type, shape]);
        expect(Array.from(array.data)).toEqual(values);
        expect(parseIdx(bytes, FILE, { type, rank: shape.length }).data.length).toBe(values.length);
      }),
      fuzzParameters(200),
    );
  });

  it('random bytes, with or without a valid-looking magic: a consistent array or a typed error', () => {
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom(...TYPE_NAMES), { nil: undefined }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 300 }),
        (type, rank, tail) => {
          const bytes =
            type === undefined
              ? tail
              : Uint8Array.from([0, 0, TYPES[type].code, rank % 5, ...tail]);
          expectResultOrTypedError(() => parseIdx(bytes, FILE), FILE, checkIdx, { binary: true });
        },
      ),
      fuzzParameters(300),
    );
  });

  it('mutated valid files, plain or gzip (truncation, flips, insertions, deletions): never untyped', () => {
    fc.assert(
      fc.property(validIdx, byteMutations(20), ({ bytes }, mutations) => {
        const mutated = mutate(bytes, mutations);
        expectResultOrTypedError(() => parseIdx(mutated, FILE), FILE, checkIdx, { binary: true });
      }),
      fuzzParameters(300),
    );
  });

  it('a valid file cut at any byte is reported as truncated', () => {
    fc.assert(
      fc.property(validIdx, fc.nat(), ({ bytes }, cut) => {
        const at = cut % bytes.length;
        expect(() => parseIdx(bytes.subarray(0, at), FILE)).toThrow(/truncated/);
      }),
      fuzzParameters(200),
    );
  });

  it('a header that claims up to 2³² per dimension is checked against the file length first', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPE_NAMES),
        fc.array(fc.integer({ min: 1, max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 255 }),
        fc.uint8Array({ maxLength: 64 }),
        (type, shape, body) => {
          fc.pre(elementCount(shape) * TYPES[type].size > body.length);
          const bytes = Uint8Array.from([...idxBytes(type, shape, []), ...body]);
          expect(() => parseIdx(bytes, FILE)).toThrow(/truncated data/);
        },
      ),
      fuzzParameters(200),
    );
  });

  it('an expectation that is not an IDX type or a rank in 1 … 255 is an InvalidArgumentError', () => {
    const valid = idxBytes('uint8', [2, 2], [1, 2, 3, 4]);
    fc.assert(
      fc.property(
        fc.record(
          {
            type: fc.oneof(fc.constantFrom(...TYPE_NAMES), fc.string({ maxLength: 8 })),
            rank: fc.oneof(
              fc.integer({ min: -2, max: 300 }),
              fc.double(),
              fc.constantFrom('2' as unknown as number),
            ),
          },
          { requiredKeys: [] },
        ),
        (expectation) => {
          const typeOk = expectation.type === undefined || expectation.type in TYPES;
          const rankOk =
            expectation.rank === undefined ||
            (Number.isInteger(expectation.rank) &&
              expectation.rank >= 1 &&
              expectation.rank <= 255);
          const read = () =>
            parseIdx(valid, FILE, expectation as { type?: IdxType; rank?: number });
          if (typeOk && rankOk) {
            expectResultOrTypedError(read, FILE, checkIdx, { binary: true });
          } else {
            expect(read).toThrow(InvalidArgumentError);
          }
        },
      ),
      fuzzParameters(200),
    );
  });
});

/** A tiny MNIST folder: 3 training and 2 test images of 2 × 3 pixels. */
function mnistFiles(): Map<string, Uint8Array> {
  return new Map([
    [
      'train-images-idx3-ubyte',
      idxBytes(
        'uint8',
        [3, 2, 3],
        Array.from({ length: 18 }, (_, k) => k),
      ),
    ],
    ['train-labels-idx1-ubyte', idxBytes('uint8', [3], [7, 0, 9])],
    ['t10k-images-idx3-ubyte', idxBytes('uint8', [2, 2, 3], new Array(12).fill(255))],
    ['t10k-labels-idx1-ubyte', idxBytes('uint8', [2], [1, 2])],
  ]);
}

/** Both splits are consistent: images, labels 0–9, pixels count × height × width. */
function checkSplits(splits: ImageSplits): void {
  for (const set of [splits.train, splits.test]) {
    ensure(set.count > 0 && set.height > 0 && set.width > 0, `${set.name}: empty images`);
    ensure(set.pixels.length === set.count * set.height * set.width, `${set.name}: pixel count`);
    ensure(set.labels.length === set.count, `${set.name}: label count`);
    ensure(
      set.labels.every((label) => label < set.classes),
      `${set.name}: label out of range`,
    );
  }
}

describe('loadMnist under fuzzing (files)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'mi-mnist-fuzz-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('one mutated file, plain or gzip, among valid ones: consistent splits or a typed error', () => {
    const files = mnistFiles();
    const names = [...files.keys()];
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.boolean(),
        byteMutations(20),
        (name, gzip, mutations) => {
          for (const [other, bytes] of files) {
            for (const path of [join(directory, other), join(directory, `${other}.gz`)]) {
              rmSync(path, { force: true });
            }
            if (other !== name) writeFileSync(join(directory, other), bytes);
          }
          const mutated = mutate(
            gzip ? gzipSync(files.get(name) as Uint8Array) : (files.get(name) as Uint8Array),
            mutations,
          );
          writeFileSync(join(directory, gzip ? `${name}.gz` : name), mutated);
          expectResultOrTypedError(() => loadMnist({ directory }), directory, checkSplits, {
            binary: true,
          });
        },
      ),
      fuzzParameters(100),
    );
  });
});

describe('IDX and MNIST regressions (minimal counterexamples from fuzzing)', () => {
  const valid = idxBytes('uint8', [2, 2], [1, 2, 3, 4]);

  it('blames an impossible expectation on the caller, not on the file', () => {
    expect(() => parseIdx(valid, FILE, { rank: '2' as unknown as number })).toThrow(
      `parseIdx: invalid option 'expect.rank': expected an integer in [1, 255] (the rank byte of an IDX magic number), received "2"`,
    );
    expect(() => parseIdx(valid, FILE, { type: 'uint16' as IdxType })).toThrow(
      "parseIdx: invalid option 'expect.type': expected one of 'uint8', 'int8', 'int16', 'int32', 'float32', 'float64', received \"uint16\"",
    );
  });

  it('loadMnist rejects a split with no images or images of no pixels', () => {
    const directory = mkdtempSync(join(tmpdir(), 'mi-mnist-empty-'));
    try {
      for (const [shape, labels] of [
        [[0, 2, 3], []],
        [
          [2, 0, 0],
          [1, 2],
        ],
      ] as const) {
        const files = mnistFiles();
        files.set('train-images-idx3-ubyte', idxBytes('uint8', shape, []));
        files.set('train-labels-idx1-ubyte', idxBytes('uint8', [labels.length], [...labels]));
        for (const [name, bytes] of files) writeFileSync(join(directory, name), bytes);
        expect(() => loadMnist({ directory })).toThrow(
          `loadMnist: no pixels: expected at least one image of at least 1 × 1 pixels, received ${shape[0]} images of ${shape[1]} × ${shape[2]}`,
        );
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
