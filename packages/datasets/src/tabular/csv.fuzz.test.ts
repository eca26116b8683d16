import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ColumnSelection, type CsvOptions, parseCsv, readCsv } from '@mi/datasets';
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

const FILE = 'fuzz.csv';

/** How a matrix is written: every dialect choice a spreadsheet or script might make. */
interface Layout {
  readonly delimiter: ',' | ';' | '\t' | '|';
  readonly eol: '\n' | '\r\n';
  readonly bom: boolean;
  readonly header: boolean;
  readonly quoteHeader: boolean;
  readonly quoteCells: boolean;
  readonly pad: boolean;
  readonly trailingEol: boolean;
  readonly blankLineAfter: number | undefined;
}

const layout: fc.Arbitrary<Layout> = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  eol: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  header: fc.boolean(),
  quoteHeader: fc.boolean(),
  quoteCells: fc.boolean(),
  pad: fc.boolean(),
  trailingEol: fc.boolean(),
  blankLineAfter: fc.option(fc.nat({ max: 5 }), { nil: undefined }),
});

/** Finite doubles of every magnitude. */
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
/** The exact decimal text of a double (String(-0) would drop the sign). */
const decimal = (value: number) => (Object.is(value, -0) ? '-0' : String(value));

function writeCsv(rows: readonly (readonly string[])[], names: readonly string[], l: Layout) {
  const line = (cells: readonly string[], quote: boolean) =>
    cells.map((cell) => (quote ? `"${cell}"` : l.pad ? ` ${cell} ` : cell)).join(l.delimiter);
  const lines = rows.map((row) => line(row, l.quoteCells));
  if (l.blankLineAfter !== undefined) lines.splice(Math.min(l.blankLineAfter, lines.length), 0, '');
  if (l.header) lines.unshift(line(names, l.quoteHeader));
  return `${l.bom ? '\uFEFF' : ''}${lines.join(l.eol)}${l.trailingEol ? l.eol : ''}`;
}

/** The first `k` columns in each of the selection's accepted spellings. */
function spellingsOfFirst(k: number, names: readonly string[] | undefined): ColumnSelection[] {
  const indices = Array.from({ length: k }, (_, c) => c);
  return [
    indices,
    `0:${k}`,
    { from: 0, to: k },
    indices.join(','),
    ...(names ? [names.slice(0, k), names.slice(0, k).join(',')] : []),
  ];
}

describe('parseCsv under fuzzing', () => {
  it('reads any finite matrix exactly in any dialect (delimiter, CRLF, BOM, quotes, header)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }).chain((d) =>
          fc.record({
            matrix: fc.array(fc.array(finite, { minLength: d, maxLength: d }), {
              minLength: 1,
              maxLength: 8,
            }),
            k: fc.integer({ min: 1, max: d - 1 }),
            layout,
          }),
        ),
        fc.nat({ max: 5 }),
        ({ matrix, k, layout: l }, pick) => {
          const d = (matrix[0] as number[]).length;
          const names = Array.from({ length: d }, (_, c) => `col ${c}`);
          const text = writeCsv(
            matrix.map((row) => row.map(decimal)),
            names,
            l,
          );
          const spellings = spellingsOfFirst(k, l.header ? names : undefined);
          const data = parseCsv(text, FILE, {
            x: spellings[pick % spellings.length] as ColumnSelection,
            header: l.header,
            delimiter: l.delimiter,
          });
          expect([data.x.rows, data.x.columns, data.y.columns]).toEqual([matrix.length, k, d - k]);
          expect(Array.from(data.x.data)).toEqual(matrix.flatMap((row) => row.slice(0, k)));
          expect(Array.from(data.y.data)).toEqual(matrix.flatMap((row) => row.slice(k)));
          // With the header left to detection, a header row of names is still recognised.
          if (l.header) {
            expect(
              parseCsv(text, FILE, { x: names.slice(0, k), delimiter: l.delimiter }).x.rows,
            ).toBe(matrix.length);
          }
        },
      ),
      fuzzParameters(250),
    );
  });

  /** Cells that no reader should take for a finite number. */
  const badCell = fc.constantFrom(
    '',
    ' ',
    'NaN',
    'nan',
    '-inf',
    'Infinity',
    '+Infinity',
    'abc',
    '1e400',
    '-1e400',
    '0x1F',
    '0b101',
    '0o17',
    '1,5',
    '1 000',
    '1_000',
    '--1',
    '1e',
    '.',
    'true',
    'null',
  );

  it("keeps exactly the valid rows under invalidRows: 'drop' and names the first bad row otherwise", () => {
    const cell = fc.oneof(
      { weight: 4, arbitrary: finite.map(decimal) },
      { weight: 1, arbitrary: badCell.map((text) => ({ bad: text })) },
    );
    const row = fc.oneof(
      { weight: 4, arbitrary: fc.array(cell, { minLength: 3, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.array(finite.map(decimal), { minLength: 1, maxLength: 5 }) },
    );
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 10 }), (rows) => {
        const text = [
          'a,b,c',
          ...rows.map((r) => r.map((c) => (typeof c === 'string' ? c : c.bad)).join(',')),
        ].join('\n');
        const isGood = (r: (typeof rows)[number]) =>
          r.length === 3 && r.every((c) => typeof c === 'string');
        const goodRows = rows.filter(isGood) as string[][];
        const badLines = rows.flatMap((r, k) => (isGood(r) ? [] : [k + 2]));
        const options = { x: ['a', 'b'], y: 'c', header: true } as const;
        if (badLines.length > 0) {
          let thrown: unknown;
          try {
            parseCsv(text, FILE, options);
          } catch (error) {
            thrown = error;
          }
          ensure(
            DataFormatError.isInstance(thrown),
            `no DataFormatError for ${JSON.stringify(text)}`,
          );
          expect(thrown.row).toBe(badLines[0]);
        }
        if (goodRows.length === 0) {
          expect(() => parseCsv(text, FILE, { ...options, invalidRows: 'drop' })).toThrow(
            /no data rows/,
          );
          return;
        }
        const data = parseCsv(text, FILE, { ...options, invalidRows: 'drop' });
        expect(data.droppedRowNumbers).toEqual(badLines);
        expect(Array.from(data.x.data)).toEqual(goodRows.flatMap((r) => r.slice(0, 2).map(Number)));
        expect(Array.from(data.y.data)).toEqual(goodRows.map((r) => Number(r[2])));
      }),
      fuzzParameters(250),
    );
  });

  /** Pieces of CSV text that stress quoting, separators, line ends and numbers. */
  const token = fc.constantFrom(
    ',',
    ';',
    '\t',
    '"',
    '""',
    '"a""b"',
    '"1\n2"',
    '\n',
    '\r\n',
    '\r',
    ' ',
    '\uFEFF',
    '1',
    '-2.5',
    '3e8',
    'NaN',
    '-inf',
    '1e400',
    '0x1F',
    '',
    'a',
    'é',
    '\u0000',
  );
  const csvText = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.array(token, { maxLength: 40 }).map((parts) => parts.join('')),
  );
  /** Any options, valid or not (as JavaScript callers may pass them). */
  const selection = fc.oneof(
    fc.constantFrom<unknown>(
      [0],
      [1],
      '0',
      '0:2',
      '1:3',
      'a',
      'a,b',
      { from: 0, to: 1 },
      [0, 'a'],
      '',
      [],
      [-1],
      [1.5],
      '2:1',
      { from: 0, to: 1e9 },
      { from: 0, to: 2 ** 32 },
      '0:4294967296',
      { from: -1, to: 2 },
      null,
      5,
      {},
      [null],
      [{}],
    ),
    fc.string({ maxLength: 5 }),
  );
  const options = fc.record(
    {
      x: selection,
      y: selection,
      header: fc.constantFrom<unknown>(true, false, 'auto', 'yes', 1, null),
      delimiter: fc.constantFrom<unknown>(',', ';', '\t', '||', '', '"', '\n', '\r', 5, null),
      invalidRows: fc.constantFrom<unknown>('error', 'drop', 'skip', null),
    },
    { requiredKeys: ['x'] },
  );

  it('random text with random options: a consistent result or a typed error, never a hang', () => {
    fc.assert(
      fc.property(csvText, options, (text, opts) => {
        expectResultOrTypedError(
          () => parseCsv(text, FILE, opts as unknown as CsvOptions),
          FILE,
          checkTabular,
        );
      }),
      fuzzParameters(300),
    );
  });

  it('mutated valid files (truncation, flips, insertions, deletions of bytes): never untyped', () => {
    const valid = new TextEncoder().encode(
      '\uFEFF"x 1",x2,"y"\r\n1.5,-2,3e-4\r\n"4",5,6\r\n7,8,9\r\n',
    );
    fc.assert(
      fc.property(
        byteMutations(16),
        fc.constantFrom<ColumnSelection>(['x 1', 'x2'], [0, 1], '0:2'),
        fc.constantFrom('error', 'drop') as fc.Arbitrary<'error' | 'drop'>,
        (mutations, x, invalidRows) => {
          const text = new TextDecoder().decode(mutate(valid, mutations));
          expectResultOrTypedError(
            () => parseCsv(text, FILE, { x, invalidRows }),
            FILE,
            checkTabular,
          );
        },
      ),
      fuzzParameters(300),
    );
  });

  it('options that no file could satisfy are InvalidArgumentErrors, whatever the text', () => {
    const invalid = fc.oneof(
      fc.record({
        x: fc.constantFrom<unknown>(null, 5, {}, { from: 2, to: 2 }, '3:1', [-1], [1.5], [null]),
      }),
      fc.record({ x: fc.constant([0]), y: fc.constantFrom<unknown>(null, 5, { from: 2, to: 1 }) }),
      fc.record({
        x: fc.constant([0]),
        delimiter: fc.constantFrom<unknown>('', '"', '\n', '\r', 5),
      }),
      fc.record({ x: fc.constant([0]), header: fc.constantFrom<unknown>('yes', 1, 'false') }),
      fc.record({ x: fc.constant([0]), invalidRows: fc.constantFrom<unknown>('skip', 0) }),
    );
    fc.assert(
      fc.property(csvText, invalid, (text, opts) => {
        expect(() => parseCsv(text, FILE, opts as unknown as CsvOptions)).toThrow(
          InvalidArgumentError,
        );
      }),
      fuzzParameters(200),
    );
  });
});

describe('readCsv under fuzzing (files)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'mi-csv-fuzz-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('a mutated file on disk: consistent data or a typed error naming the file', () => {
    const path = join(directory, 'data.csv');
    const valid = new TextEncoder().encode('a,b,c\n1,2,3\n4,5,6\n');
    fc.assert(
      fc.property(byteMutations(8), (mutations) => {
        writeFileSync(path, mutate(valid, mutations));
        expectResultOrTypedError(
          () => readCsv(path, { x: 'a', invalidRows: 'drop' }),
          path,
          checkTabular,
        );
      }),
      fuzzParameters(60),
    );
  });
});

describe('parseCsv regressions (minimal counterexamples from fuzzing)', () => {
  it('reads a quoted first field after a byte-order mark', () => {
    const data = parseCsv('\uFEFF"0","0"', FILE, { x: [0] });
    expect([Array.from(data.x.data), Array.from(data.y.data)]).toEqual([[0], [0]]);
    expect(parseCsv('\uFEFF"a","b"\r\n1,2\r\n', FILE, { x: ['a'] }).yColumns).toEqual(['b']);
  });

  it('rejects hexadecimal, binary and octal cells instead of reading them as numbers', () => {
    expect(() => parseCsv('a,b,c\n0,0,0o17\n', FILE, { x: ['a', 'b'] })).toThrow(
      'fuzz.csv (row 2, column "c"): parseCsv: not a number: expected a finite number, received "0o17"',
    );
    for (const cell of ['0x1F', '0b101']) {
      expect(() => parseCsv(`a,b\n${cell},1\n`, FILE, { x: ['a'] })).toThrow(
        `not a number: expected a finite number, received "${cell}"`,
      );
    }
    // Such a first row is a header under detection, not data.
    expect(parseCsv('0x1,0x2\n1,2\n', FILE, { x: ['0x1'] }).x.rows).toBe(1);
  });

  it('quotes a cell beyond the float64 range instead of calling it Infinity', () => {
    expect(() => parseCsv('a,b\n1e400,2\n', FILE, { x: ['a'] })).toThrow(
      'fuzz.csv (row 2, column "a"): parseCsv: out of range: expected a finite number (at most about 1.8e308 in size), received "1e400"',
    );
  });

  it('says that X took every column when Y is left to its default', () => {
    expect(() => parseCsv('\u0000', FILE, { x: [0] })).toThrow(
      'parseCsv: no columns left for Y: Y defaults to the columns not in X, and X takes all 1 column of fuzz.csv; pass y, or fewer columns in x',
    );
  });

  it('reports a bad delimiter, header or policy as an InvalidArgumentError before reading', () => {
    expect(() => parseCsv('', FILE, { x: [0], delimiter: '' })).toThrow(
      `parseCsv: invalid option 'delimiter': expected a non-empty string without quotes or line breaks, such as "," or ";" or "\\t", received ""`,
    );
    expect(() => parseCsv('a,b\n1,2\n', FILE, { x: [0], delimiter: '"' })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      parseCsv('a,b\n1,2\n', FILE, { x: [0], header: 'yes' as unknown as boolean }),
    ).toThrow(`parseCsv: invalid option 'header': expected true, false or 'auto', received "yes"`);
    expect(() => parseCsv('"', FILE, { x: [0], invalidRows: 'skip' as unknown as 'drop' })).toThrow(
      InvalidArgumentError,
    );
  });

  it('rejects a null or malformed selection with an InvalidArgumentError, not a TypeError', () => {
    const text = 'a,b\n1,2\n';
    expect(() => parseCsv(text, FILE, { x: null as unknown as ColumnSelection })).toThrow(
      `parseCsv: invalid option 'x': expected column names or 0-based indices: an array, a { from, to } range or a string such as "a,b" or "0:3", received null`,
    );
    expect(() => parseCsv(text, FILE, { x: {} as unknown as ColumnSelection })).toThrow(
      "parseCsv: invalid option 'x': expected a range { from, to } of 0-based column indices with 0 <= from < to, received {}",
    );
    expect(() => parseCsv(text, FILE, { x: [1.5] })).toThrow(
      "parseCsv: invalid option 'x[0]': expected a column name or a 0-based column index (an integer >= 0), received 1.5",
    );
  });

  it('checks a column range against the file before expanding it (no 2³²-entry array)', () => {
    expect(() => parseCsv('\u0000', FILE, { x: [0], y: { from: 0, to: 2 ** 32 } })).toThrow(
      "parseCsv: invalid option 'y': expected a range within the 1 column of fuzz.csv (to <= 1), received { from: 0, to: 4294967296 }",
    );
    expect(() => parseCsv('a,b\n1,2\n', FILE, { x: '0:1000000000000' })).toThrow(
      'expected a range within the 2 columns of fuzz.csv (to <= 2)',
    );
  });
});
