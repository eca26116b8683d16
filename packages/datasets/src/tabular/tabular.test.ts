import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseCsv,
  parseJsonPair,
  parseNpy,
  readCsv,
  readJsonPair,
  readNpyPair,
  tabularDataset,
} from '@mi/datasets';
import { DataFormatError, ShapeMismatchError } from '@mi/spec';
import { expectNoTensorLeakOf } from '@mi/test-utils';
import type * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';

const directory = mkdtempSync(join(tmpdir(), 'mi-tabular-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A .npy file (version 1.0) with the header padded to 64 bytes, as numpy writes it. */
function npy(
  descr: string,
  shape: number[],
  body: Uint8Array,
  fortran = false,
  version = 1,
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  header += `${' '.repeat(64 - ((prefix + header.length + 1) % 64))}\n`;
  const out = new Uint8Array(prefix + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(body, prefix + header.length);
  return out;
}
const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const f64 = (values: number[]) => new Uint8Array(Float64Array.from(values).buffer);

function rowsOf(data: tf.TensorLike | ReturnType<typeof tabularDataset>, n: number) {
  const dataset = data as ReturnType<typeof tabularDataset>;
  const [x, y] = expectNoTensorLeakOf(() => {
    const batch = dataset.gather(Int32Array.from({ length: n }, (_, k) => k));
    return [batch.x, batch.y];
  }) as [tf.Tensor, tf.Tensor];
  const result = { x: Array.from(x.dataSync()), y: Array.from(y.dataSync()), xShape: x.shape };
  x.dispose();
  y.dispose();
  return result;
}

describe('CSV', () => {
  const text = 'a,b,c,label\n1,2,3,x\n4,5,6,y\n\n7,8,9,z\n';

  it('chooses columns by name, index, range or string, with or without a header', () => {
    const byName = parseCsv(text, 'data.csv', { x: ['a', 'b'], y: ['c'] });
    expect(Array.from(byName.x.data)).toEqual([1, 2, 4, 5, 7, 8]);
    expect(Array.from(byName.y.data)).toEqual([3, 6, 9]);
    expect(byName.xColumns).toEqual(['a', 'b']);
    expect(parseCsv(text, 'data.csv', { x: '0:2', y: '2' }).x.columns).toBe(2);
    expect(
      Array.from(parseCsv(text, 'data.csv', { x: { from: 1, to: 3 }, y: 'a' }).y.data),
    ).toEqual([1, 4, 7]);
    const noHeader = parseCsv('1;2;3\n4;5;6\n', 'n.csv', { x: [0], delimiter: ';' });
    expect(Array.from(noHeader.y.data)).toEqual([2, 3, 5, 6]); // y = every other column
    expect(noHeader.yColumns).toEqual([1, 2]);
    expect(() => parseCsv('1,2\n3,4\n', 'n.csv', { x: ['a'] })).toThrow(
      'parseCsv: invalid option \'x\': expected a column index: n.csv has no header row, so columns have no names, received "a"',
    );
  });

  it('rejects NaN, infinities, text, empty cells and ragged rows with file, line and column', () => {
    const options = { x: ['a'], y: ['b'] };
    expect(() => parseCsv('a,b\n1,2\n3,NaN\n', 'd.csv', options)).toThrow(
      `d.csv (row 3, column "b"): parseCsv: expected a finite number, received NaN (pass invalidRows: 'drop' to skip such rows)`,
    );
    expect(() => parseCsv('a,b\n-inf,2\n', 'd.csv', options)).toThrow(
      'd.csv (row 2, column "a"): parseCsv: expected a finite number, received -Infinity',
    );
    expect(() => parseCsv('a,b\n1,2\n3,abc\n', 'd.csv', options)).toThrow(
      'd.csv (row 3, column "b"): parseCsv: not a number: expected a finite number, received "abc"',
    );
    expect(() => parseCsv('a,b\n1,\n', 'd.csv', options)).toThrow(
      'd.csv (row 2, column "b"): parseCsv: empty cell: expected a finite number',
    );
    expect(() => parseCsv('a,b\n1,2\n3,4,5\n', 'd.csv', options)).toThrow(
      'd.csv (row 3): parseCsv: ragged row: expected 2 fields (as in line 1), received 3',
    );
    const error = (() => {
      try {
        parseCsv('a,b\n1,2\n3,NaN\n', 'd.csv', options);
      } catch (e) {
        return e;
      }
    })() as DataFormatError;
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect([error.file, error.row, error.column]).toEqual(['d.csv', 3, 'b']);
  });

  it('drops bad rows only when asked, and counts them', () => {
    const data = parseCsv('a,b\n1,2\n3,NaN\n5\n7,8\nx,9\n', 'd.csv', {
      x: ['a'],
      y: ['b'],
      invalidRows: 'drop',
    });
    expect(Array.from(data.x.data)).toEqual([1, 7]);
    expect(data.droppedRows).toBe(3);
    expect(data.droppedRowNumbers).toEqual([3, 4, 6]);
    expect(() =>
      parseCsv('a,b\nx,y\n', 'd.csv', { x: ['a'], y: ['b'], invalidRows: 'drop' }),
    ).toThrow(
      'd.csv: parseCsv: no data rows: expected at least one valid row, received 1 invalid row and none valid',
    );
  });

  it('reads files and makes a standardised dataset', () => {
    const path = join(directory, 'data.csv');
    writeFileSync(path, 'u,v,w\n1,10,5\n2,20,5\n3,30,5\n');
    const data = tabularDataset(readCsv(path, { x: ['u', 'v'], y: ['w'] }), { standardize: true });
    expect(data.name).toBe(path);
    const { x, y, xShape } = rowsOf(data, 3);
    expect(xShape).toEqual([3, 2]);
    const z = Math.sqrt(1.5);
    for (const [k, v] of [-z, -z, 0, 0, z, z].entries()) expect(x[k]).toBeCloseTo(v, 6);
    expect(y).toEqual([0, 0, 0]); // a constant column is only centred
    expect(Array.from(data.standardization?.x.mean ?? [])).toEqual([2, 20]);
    expect(() => readCsv(join(directory, 'missing.csv'), { x: [0] })).toThrow(
      `${join(directory, 'missing.csv')}: readCsv: cannot read the file (ENOENT)`,
    );
  });
});

describe('.npy', () => {
  it('reads float32, float64, int and Fortran-ordered arrays, versions 1 and 2', () => {
    expect(Array.from(parseNpy(npy('<f4', [2, 2], f32([1, 2, 3, 4])), 'a.npy').data)).toEqual([
      1, 2, 3, 4,
    ]);
    expect(parseNpy(npy('<f8', [3], f64([0.1, 0.2, 0.3]), false, 2), 'b.npy').shape).toEqual([3]);
    const ints = new Uint8Array(new BigInt64Array([5n, -6n]).buffer);
    expect(Array.from(parseNpy(npy('<i8', [2], ints), 'c.npy').data)).toEqual([5, -6]);
    expect(Array.from(parseNpy(npy('|u1', [2], Uint8Array.of(7, 255)), 'd.npy').data)).toEqual([
      7, 255,
    ]);
    // Fortran order: columns stored one after the other.
    expect(
      Array.from(parseNpy(npy('<f4', [2, 3], f32([1, 4, 2, 5, 3, 6]), true), 'e.npy').data),
    ).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects wrong magic, big-endian data, truncation and trailing bytes', () => {
    expect(() => parseNpy(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 'a.npy')).toThrow(
      'a.npy: parseNpy: wrong magic: expected 93 4e 55 4d 50 59 ("\\x93NUMPY"), received 01 02 03 04 05 06',
    );
    expect(() => parseNpy(npy('>f4', [1], f32([1])), 'b.npy')).toThrow(
      `b.npy: parseNpy: unsupported dtype ">f4": expected little-endian float32/float64, integers or bool`,
    );
    const full = npy('<f8', [2, 2], f64([1, 2, 3, 4]));
    expect(() => parseNpy(full.subarray(0, full.length - 3), 'c.npy')).toThrow(
      `c.npy: parseNpy: truncated data: shape (2, 2) of <f8 needs ${full.length} bytes, received ${full.length - 3}`,
    );
    expect(() => parseNpy(Uint8Array.of(...full, 0), 'd.npy')).toThrow(
      `d.npy: parseNpy: trailing bytes: shape (2, 2) of <f8 needs ${full.length} bytes, received ${full.length + 1}`,
    );
    expect(() => parseNpy(full.subarray(0, 40), 'e.npy')).toThrow(
      `e.npy: parseNpy: truncated header: expected ${full.length - 32} header bytes, received 40`,
    );
  });

  it('pairs two files by rows, rejecting NaN and count mismatches with file, row and column', () => {
    const xPath = join(directory, 'x.npy');
    const yPath = join(directory, 'y.npy');
    writeFileSync(xPath, npy('<f4', [3, 2], f32([1, 2, 3, 4, 5, 6])));
    writeFileSync(yPath, npy('<f8', [3], f64([7, 8, 9])));
    const data = readNpyPair(xPath, yPath);
    expect([data.x.rows, data.x.columns, data.y.columns]).toEqual([3, 2, 1]);
    const { y } = rowsOf(tabularDataset(data), 3);
    expect(y).toEqual([7, 8, 9]);
    writeFileSync(yPath, npy('<f8', [3], f64([7, Number.NaN, 9])));
    expect(() => readNpyPair(xPath, yPath)).toThrow(
      `${yPath} (row 2, column 0): readNpyPair: expected a finite number, received NaN`,
    );
    const dropped = readNpyPair(xPath, yPath, { invalidRows: 'drop' });
    expect(dropped.droppedRows).toBe(1);
    expect(Array.from(dropped.x.data)).toEqual([1, 2, 5, 6]);
    writeFileSync(yPath, npy('<f8', [2], f64([7, 8])));
    expect(() => readNpyPair(xPath, yPath)).toThrow(
      `${yPath}: readNpyPair: row count mismatch: expected 3 rows (as in ${xPath}), received 2`,
    );
  });
});

describe('JSON', () => {
  it('reads the column and the record layouts', () => {
    const columns = parseJsonPair('{"x": [1, 2, 3], "y": [[1, 0], [0, 1], [1, 1]]}', 'p.json');
    expect([columns.x.columns, columns.y.columns]).toEqual([1, 2]);
    expect(Array.from(columns.y.data)).toEqual([1, 0, 0, 1, 1, 1]);
    const records = parseJsonPair('[{"a": [1, 2], "b": 3}, {"a": [4, 5], "b": 6}]', 'r.json', {
      xKey: 'a',
      yKey: 'b',
    });
    expect(Array.from(records.x.data)).toEqual([1, 2, 4, 5]);
    const path = join(directory, 'p.json');
    writeFileSync(path, '{"x": [[1], [2]], "y": [[3], [4]]}');
    expect(readJsonPair(path).x.rows).toBe(2);
  });

  it('rejects null, strings, ragged rows and count mismatches with row and column', () => {
    expect(() => parseJsonPair('{"x": [[1, 2], [3, null]], "y": [1, 2]}', 'p.json')).toThrow(
      'p.json (row 2, column "x[1]"): parseJsonPair: expected a finite number, received null',
    );
    expect(() => parseJsonPair('{"x": [[1, 2], [3]], "y": [1, 2]}', 'p.json')).toThrow(
      'p.json (row 2, column "x"): parseJsonPair: ragged row: expected 2 values (as in row 1), received 1',
    );
    expect(() => parseJsonPair('{"x": [1, 2], "y": [1]}', 'p.json')).toThrow(
      'p.json: parseJsonPair: row count mismatch: expected 2 rows of "y" (as in "x"), received 1',
    );
    expect(() => parseJsonPair('{"x": [1, "2"], "y": [1, 2]}', 'p.json')).toThrow(
      'p.json (row 2, column "x"): parseJsonPair: expected a finite number, received "2"',
    );
    expect(() => parseJsonPair('{"x": [1, 2]}', 'p.json')).toThrow(
      'p.json: parseJsonPair: expected key "y" to hold an array of rows, received no such key (keys: x)',
    );
    expect(() => parseJsonPair('{"x": [1', 'p.json')).toThrow(
      /^p\.json: parseJsonPair: not valid JSON/,
    );
    const dropped = parseJsonPair('{"x": [1, null, 3], "y": [1, 2, 3]}', 'p.json', {
      invalidRows: 'drop',
    });
    expect(dropped.droppedRowNumbers).toEqual([2]);
  });
});

describe('tabularDataset from arrays', () => {
  it('takes two arrays of rows and checks their shapes', () => {
    const data = tabularDataset({ x: [[0.5], [1.5]], y: [1, 2] });
    expect(data.shape).toEqual({ x: [1], y: [1] });
    expect(rowsOf(data, 2).x).toEqual([0.5, 1.5]);
    expect(() => tabularDataset({ x: [[1], [2]], y: [[1]] })).toThrow(ShapeMismatchError);
    expect(() => tabularDataset({ x: [[1, 2], [3]], y: [1, 2] })).toThrow(
      "tabularDataset: argument 'x[1]' has shape [1], expected [2] (every row needs the same number of columns)",
    );
    expect(() => tabularDataset({ x: [[1], [Number.NaN]], y: [1, 2] })).toThrow(
      "tabularDataset: invalid option 'x[1][0]': expected a finite number, received NaN",
    );
  });
});
