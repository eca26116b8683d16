import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JsonPairOptions, parseJsonPair, readJsonPair } from '@mi/datasets';
import { DataFormatError, InvalidArgumentError } from '@mi/spec';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  byteMutations,
  checkTabular,
  ensure,
  expectResultOrTypedError,
  fuzzParameters,
  mutate,
} from '../../test/fuzz';

const FILE = 'fuzz.json';

/** Finite doubles; -0 becomes 0, as JSON.stringify writes it. */
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => v + 0);

/** An n × d matrix with n in 1 … 6 and d in 1 … 3. */
const matrix = (n: number) =>
  fc
    .integer({ min: 1, max: 3 })
    .chain((d) =>
      fc.array(fc.array(finite, { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
    );

describe('parseJsonPair under fuzzing', () => {
  it('reads any finite pair exactly in both layouts (columns, records), with custom keys', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(matrix(n), matrix(n))),
        fc.record({
          records: fc.boolean(),
          scalars: fc.boolean(),
          indent: fc.constantFrom(0, 2, '\t'),
          keys: fc.constantFrom(['x', 'y'], ['inputs', 'targets'], ['a b', 'é']),
          extra: fc.boolean(),
        }),
        ([x, y], l) => {
          // A one-column side may be written as plain numbers instead of one-element rows.
          const rowsOf = (m: number[][]) =>
            l.scalars && (m[0] as number[]).length === 1 ? m.map((row) => row[0]) : m;
          const [xKey, yKey] = l.keys as [string, string];
          const document = l.records
            ? x.map((row, k) => ({
                ...(l.extra ? { id: k } : {}),
                [xKey]: rowsOf([row])[0],
                [yKey]: rowsOf([y[k] as number[]])[0],
              }))
            : {
                ...(l.extra ? { note: 'extra keys are ignored' } : {}),
                [xKey]: rowsOf(x),
                [yKey]: rowsOf(y),
              };
          const data = parseJsonPair(JSON.stringify(document, null, l.indent), FILE, {
            xKey,
            yKey,
          });
          expect([data.x.rows, data.x.columns, data.y.columns]).toEqual([
            x.length,
            (x[0] as number[]).length,
            (y[0] as number[]).length,
          ]);
          expect(Array.from(data.x.data)).toEqual(x.flat());
          expect(Array.from(data.y.data)).toEqual(y.flat());
        },
      ),
      fuzzParameters(250),
    );
  });

  /** A row that is not d finite numbers, written as JSON text (some not expressible by stringify). */
  const badRow = (d: number) =>
    fc.oneof(
      fc.constantFrom('null', '"1"', 'true', '{}', '[]', '1e400', '-1e400', '[[1]]'),
      fc.array(finite, { minLength: d + 1, maxLength: d + 2 }).map((row) => JSON.stringify(row)),
      fc
        .tuple(
          fc.nat({ max: d - 1 }),
          fc.constantFrom('null', '"2"', '1e400', '[1]', '{}', 'false'),
        )
        .map(
          ([at, value]) =>
            `[${Array.from({ length: d }, (_, k) => (k === at ? value : '1')).join(', ')}]`,
        ),
    );

  it("keeps exactly the valid rows under invalidRows: 'drop' and names the first bad row otherwise", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 3 })
          .chain((d) =>
            fc.tuple(
              fc.constant(d),
              fc.array(
                fc.tuple(
                  fc.option(badRow(d), { freq: 3, nil: undefined }),
                  fc.array(finite, { minLength: d, maxLength: d }),
                  fc.array(finite, { minLength: 1, maxLength: 1 }),
                ),
                { minLength: 1, maxLength: 8 },
              ),
              fc.boolean(),
            ),
          ),
        ([d, rows, records]) => {
          // Row 1 sets the width of X, so it is always d values (good ones) in this oracle.
          const xTexts = rows.map(([bad, good], k) =>
            bad !== undefined && k > 0 ? bad : JSON.stringify(good),
          );
          const yTexts = rows.map(([, , y]) => JSON.stringify(y));
          const text = records
            ? `[${xTexts.map((x, k) => `{"x": ${x}, "y": ${yTexts[k]}}`).join(', ')}]`
            : `{"x": [${xTexts.join(', ')}], "y": [${yTexts.join(', ')}]}`;
          const badRows = rows.flatMap(([bad], k) => (bad !== undefined && k > 0 ? [k + 1] : []));
          const goodRows = rows.filter(([bad], k) => bad === undefined || k === 0);
          if (badRows.length > 0) {
            let thrown: unknown;
            try {
              parseJsonPair(text, FILE);
            } catch (error) {
              thrown = error;
            }
            ensure(DataFormatError.isInstance(thrown), `no DataFormatError for ${text}`);
            expect(thrown.row).toBe(badRows[0]);
          }
          const data = parseJsonPair(text, FILE, { invalidRows: 'drop' });
          expect(data.droppedRowNumbers).toEqual(badRows);
          expect(data.x.columns).toBe(d);
          expect(Array.from(data.x.data)).toEqual(goodRows.flatMap(([, x]) => x));
          expect(Array.from(data.y.data)).toEqual(goodRows.flatMap(([, , y]) => y));
        },
      ),
      fuzzParameters(250),
    );
  });

  /** JSON text built from random values and pieces JSON.stringify never writes. */
  const element: fc.Arbitrary<string> = fc.oneof(
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '1e400',
        '-1e400',
        '1e-400',
        '[]',
        '[[]]',
        '[[1, 2], [3]]',
        '[[[1]]]',
        `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
        '{"x": 1, "y": 2}',
        '{"__proto__": [1]}',
      ),
    },
  );
  const rowsText = fc.array(element, { maxLength: 6 }).map((rows) => `[${rows.join(', ')}]`);
  const documentText = fc.oneof(
    fc.tuple(rowsText, rowsText).map(([x, y]) => `{"x": ${x}, "y": ${y}}`),
    fc
      .array(fc.tuple(element, element), { maxLength: 6 })
      .map((records) => `[${records.map(([x, y]) => `{"x": ${x}, "y": ${y}}`).join(', ')}]`),
    element,
    fc.json(),
    fc.string({ maxLength: 40 }),
  );
  const keys = fc.constantFrom('x', 'y', 'toString', '__proto__', 'constructor', 'length', '');

  it('random documents (wrong types, ragged and nested rows, huge numbers, deep nesting): never untyped', () => {
    fc.assert(
      fc.property(
        documentText,
        fc.record(
          { xKey: keys, yKey: keys, invalidRows: fc.constantFrom('error', 'drop') },
          { requiredKeys: [] },
        ),
        (text, options) => {
          expectResultOrTypedError(
            () => parseJsonPair(text, FILE, options as JsonPairOptions),
            FILE,
            checkTabular,
          );
        },
      ),
      fuzzParameters(300),
    );
  });

  it('mutated valid files (truncation, flips, insertions, deletions of bytes): never untyped', () => {
    const valid = new TextEncoder().encode('{"x": [[1, 2], [3, 4.5]], "y": [-1, 2e3]}');
    fc.assert(
      fc.property(byteMutations(16), fc.constantFrom('error', 'drop'), (mutations, invalidRows) => {
        const text = new TextDecoder().decode(mutate(valid, mutations));
        expectResultOrTypedError(
          () => parseJsonPair(text, FILE, { invalidRows: invalidRows as 'error' | 'drop' }),
          FILE,
          checkTabular,
        );
      }),
      fuzzParameters(300),
    );
  });

  it('options that no file could satisfy are InvalidArgumentErrors, whatever the text', () => {
    fc.assert(
      fc.property(
        documentText,
        fc.oneof(
          fc.record({ xKey: fc.constantFrom<unknown>(5, {}, [], true) }),
          fc.record({ yKey: fc.constantFrom<unknown>(5, {}, [], true) }),
          fc.record({ invalidRows: fc.constantFrom<unknown>('skip', 1, 'Drop') }),
        ),
        (text, options) => {
          expect(() => parseJsonPair(text, FILE, options as JsonPairOptions)).toThrow(
            InvalidArgumentError,
          );
        },
      ),
      fuzzParameters(100),
    );
  });
});

describe('readJsonPair under fuzzing (files)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'mi-json-fuzz-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('a mutated file on disk: consistent data or a typed error naming the file', () => {
    const path = join(directory, 'pairs.json');
    const valid = new TextEncoder().encode('[{"x": [1, 2], "y": 3}, {"x": [4, 5], "y": 6}]');
    fc.assert(
      fc.property(byteMutations(8), (mutations) => {
        writeFileSync(path, mutate(valid, mutations));
        expectResultOrTypedError(
          () => readJsonPair(path, { invalidRows: 'drop' }),
          path,
          checkTabular,
        );
      }),
      fuzzParameters(60),
    );
  });
});

describe('parseJsonPair regressions (minimal counterexamples from fuzzing)', () => {
  it('looks keys up as own keys, so "toString" is not found on every object', () => {
    expect(() => parseJsonPair('[{"x": {}, "y": []}]', FILE, { xKey: 'toString' })).toThrow(
      'fuzz.json (row 1): parseJsonPair: expected an object with keys "toString" and "y", received an object with keys "x", "y"',
    );
    expect(() => parseJsonPair('{"x": [1], "y": [1]}', FILE, { xKey: 'toString' })).toThrow(
      'fuzz.json: parseJsonPair: expected key "toString" to hold an array of rows, received no such key (keys: x, y)',
    );
  });

  it('reports a non-string key as an InvalidArgumentError before reading', () => {
    expect(() => parseJsonPair('', FILE, { yKey: 5 as unknown as string })).toThrow(
      "parseJsonPair: invalid option 'yKey': expected a string: the key of the rows in each record or in the top-level object, received 5",
    );
  });

  it('describes a deeply nested value without overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => parseJsonPair(`[${deep}]`, FILE)).toThrow(
      'fuzz.json (row 1): parseJsonPair: expected an object with keys "x" and "y", received [an array of 1 value]',
    );
    expect(() => parseJsonPair(`{"x": [${deep}], "y": [1]}`, FILE)).toThrow(
      'fuzz.json (row 1, column "x[0]"): parseJsonPair: expected a finite number, received [an array of 1 value]',
    );
  });

  it('rejects an empty first row instead of returning a matrix with no columns', () => {
    expect(() => parseJsonPair('[{"x": {}, "y": []}]', FILE, { xKey: 'y' })).toThrow(
      'fuzz.json (row 1, column "y"): parseJsonPair: empty row: expected at least one value',
    );
    expect(() => parseJsonPair('{"x": [[]], "y": [[1]]}', FILE, { invalidRows: 'drop' })).toThrow(
      'fuzz.json: parseJsonPair: no data rows',
    );
  });

  it('calls 1e400 a number beyond the float64 range, not null', () => {
    expect(() => parseJsonPair('{"x": [1e400], "y": [1]}', FILE)).toThrow(
      'fuzz.json (row 1, column "x"): parseJsonPair: expected a finite number, received a number beyond the float64 range',
    );
  });
});
