import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CIFAR_SOURCES,
  CIFAR10_CLASS_NAMES,
  DatasetUnavailableError,
  downloadCifar,
  type FetchLike,
  labelCounts,
  loadCifar10,
  loadCifar100,
} from '@mi/datasets';
import { DataFormatError } from '@mi/spec';
import { afterAll, describe, expect, it } from 'vitest';

const folders: string[] = [];
function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'mi-cifar-'));
  folders.push(path);
  return path;
}
afterAll(() => {
  for (const path of folders) rmSync(path, { recursive: true, force: true });
});

/** The pixel byte of image `image`, channel `c`, pixel `p`, in the generated files. */
const pixel = (image: number, c: number, p: number) => (image * 7 + c * 50 + p) % 256;

/** Records in the exact binary layout: label byte(s), then R, G, B planes of 1024 bytes. */
function records(labels: number[][], firstImage: number): Uint8Array {
  const size = labels[0]?.length ?? 1;
  const out = new Uint8Array(labels.length * (size + 3072));
  labels.forEach((label, i) => {
    const start = i * (size + 3072);
    out.set(label, start);
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) out[start + size + c * 1024 + p] = pixel(firstImage + i, c, p);
    }
  });
  return out;
}

/** A CIFAR-10 folder: five training batches of 4 images and a test batch of 3. */
function cifar10Files(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (let b = 1; b <= 5; b++) {
    files.set(`data_batch_${b}.bin`, records([[b % 10], [(b + 1) % 10], [3], [9]], (b - 1) * 4));
  }
  files.set('test_batch.bin', records([[0], [1], [2]], 100));
  files.set('batches.meta.txt', new TextEncoder().encode(`${CIFAR10_CLASS_NAMES.join('\n')}\n\n`));
  return files;
}

function writeFiles(directory: string, files: Map<string, Uint8Array>): void {
  mkdirSync(directory, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(directory, name), bytes);
}

/** A ustar archive of the files under `prefix/`, as the official tarballs are laid out. */
function tar(prefix: string, files: Map<string, Uint8Array>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const header = (name: string, size: number, type: string) => {
    const block = new Uint8Array(512);
    block.set(new TextEncoder().encode(name), 0);
    block.set(new TextEncoder().encode('0000644\0'), 100);
    block.set(new TextEncoder().encode(`${size.toString(8).padStart(11, '0')}\0`), 124);
    block[156] = type.charCodeAt(0);
    block.set(new TextEncoder().encode('ustar\0'), 257);
    return block;
  };
  blocks.push(header(`${prefix}/`, 0, '5'));
  for (const [name, bytes] of files) {
    blocks.push(header(`${prefix}/${name}`, bytes.length, '0'));
    const padded = new Uint8Array(Math.ceil(bytes.length / 512) * 512);
    padded.set(bytes);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((s, b) => s + b.length, 0));
  let offset = 0;
  for (const block of blocks) {
    out.set(block, offset);
    offset += block.length;
  }
  return out;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A fetch that serves `bytes` in two chunks and counts its calls. */
function serving(bytes: Uint8Array): FetchLike & { calls: number } {
  const fetch = Object.assign(
    async () => {
      fetch.calls++;
      return {
        ok: true,
        status: 200,
        body: (async function* () {
          yield bytes.subarray(0, 1000);
          yield bytes.subarray(1000);
        })(),
        arrayBuffer: async () => bytes.slice().buffer,
      };
    },
    { calls: 0 },
  );
  return fetch;
}

describe('CIFAR-10 reader', () => {
  it('reads generated binary batches: counts, labels, channels-last pixels, class names', () => {
    const directory = folder();
    writeFiles(directory, cifar10Files());
    const { train, test } = loadCifar10({ directory });
    expect([train.count, train.height, train.width, train.channels]).toEqual([20, 32, 32, 3]);
    expect(test.count).toBe(3);
    expect(Array.from(train.labels.subarray(0, 4))).toEqual([1, 2, 3, 9]);
    expect(Array.from(train.labels.subarray(16))).toEqual([5, 6, 3, 9]);
    expect(labelCounts(test.labels, 10)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    // Image 5 (second batch, first record), pixel (row 3, column 4), every channel.
    const p = 3 * 32 + 4;
    for (let c = 0; c < 3; c++) expect(train.pixels[5 * 3072 + 3 * p + c]).toBe(pixel(5, c, p));
    expect(test.pixels[2 * 3072 + 3 * p + 1]).toBe(pixel(102, 1, p));
    expect(train.classNames?.[9]).toBe('truck');
  });

  it('finds the files in the cifar-10-batches-bin sub-folder of an unpacked archive', () => {
    const directory = folder();
    writeFiles(join(directory, 'cifar-10-batches-bin'), cifar10Files());
    expect(loadCifar10({ directory }).train.count).toBe(20);
  });

  it('rejects truncated files, unequal batches, bad labels, missing files and bad names', () => {
    const truncated = folder();
    const files = cifar10Files();
    files.set(
      'data_batch_2.bin',
      (files.get('data_batch_2.bin') as Uint8Array).subarray(0, 3 * 3073 + 100),
    );
    writeFiles(truncated, files);
    expect(() => loadCifar10({ directory: truncated })).toThrow(
      `${join(truncated, 'data_batch_2.bin')}: loadCifar10: truncated or malformed file: expected a positive multiple of 3073 bytes (1 label byte + 3072 pixels per image), received 9319 bytes (3 whole records and 100 bytes left over)`,
    );
    const unequal = folder();
    const short = cifar10Files();
    short.set(
      'data_batch_4.bin',
      (short.get('data_batch_4.bin') as Uint8Array).subarray(0, 3 * 3073),
    );
    writeFiles(unequal, short);
    expect(() => loadCifar10({ directory: unequal })).toThrow(
      `${join(unequal, 'data_batch_4.bin')}: loadCifar10: record count differs between the cifar10/train batches: expected 4 (as in ${join(unequal, 'data_batch_1.bin')}), received 3`,
    );
    const badLabel = folder();
    const labelled = cifar10Files();
    labelled.set('test_batch.bin', records([[0], [10]], 0));
    writeFiles(badLabel, labelled);
    expect(() => loadCifar10({ directory: badLabel })).toThrow(
      'loadCifar10: label of record 1 (byte offset 3073) out of range: expected 0 … 9, received 10',
    );
    const missing = folder();
    const partial = cifar10Files();
    partial.delete('test_batch.bin');
    writeFiles(missing, partial);
    expect(() => loadCifar10({ directory: missing })).toThrow(
      `${join(missing, 'test_batch.bin')}: loadCifar10: file not found: expected test_batch.bin in ${missing}`,
    );
    const nothing = folder();
    expect(() => loadCifar10({ directory: nothing })).toThrow(
      `loadCifar10: CIFAR-10 binary files not found: expected data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin in ${nothing} or ${join(nothing, 'cifar-10-batches-bin')}; run downloadCifar({ variant: 'cifar10', directory }) or unpack cifar-10-binary.tar.gz there`,
    );
    const names = folder();
    const renamed = cifar10Files();
    renamed.set('batches.meta.txt', new TextEncoder().encode('cat\ndog\n'));
    writeFiles(names, renamed);
    expect(() => loadCifar10({ directory: names })).toThrow(
      'loadCifar10: expected 10 class names, one per line, received 2',
    );
    expect(() => loadCifar10({ directory: '' })).toThrow(
      'loadCifar10: invalid option \'directory\': expected the path of the folder holding the binary batch files, received ""',
    );
  });
});

describe('CIFAR-100 reader', () => {
  it('reads coarse and fine labels from generated train.bin and test.bin', () => {
    const directory = folder();
    writeFiles(
      join(directory, 'cifar-100-binary'),
      new Map([
        [
          'train.bin',
          records(
            [
              [19, 99],
              [0, 0],
              [4, 55],
            ],
            0,
          ),
        ],
        ['test.bin', records([[7, 12]], 50)],
      ]),
    );
    const { train, test } = loadCifar100({ directory });
    expect(train.count).toBe(3);
    expect(Array.from(train.labels)).toEqual([99, 0, 55]);
    expect(Array.from(train.coarseLabels ?? [])).toEqual([19, 0, 4]);
    expect([train.classes, train.coarseClasses]).toEqual([100, 20]);
    expect(train.classNames?.[99]).toBe('worm');
    expect(train.coarseClassNames?.[19]).toBe('vehicles_2');
    expect(test.pixels[3 * 10 + 2]).toBe(pixel(50, 2, 10));
  });

  it('rejects a coarse label out of range and a truncated file', () => {
    const directory = folder();
    writeFiles(
      directory,
      new Map([
        ['train.bin', records([[20, 1]], 0)],
        ['test.bin', records([[1, 1]], 0)],
      ]),
    );
    expect(() => loadCifar100({ directory })).toThrow(
      'loadCifar100: coarse label of record 0 (byte offset 0) out of range: expected 0 … 19, received 20',
    );
    writeFileSync(join(directory, 'train.bin'), records([[1, 1]], 0).subarray(0, 3000));
    expect(() => loadCifar100({ directory })).toThrow(
      'expected a positive multiple of 3074 bytes (2 label bytes + 3072 pixels per image), received 3000 bytes',
    );
  });
});

describe('downloadCifar', () => {
  it('fails without network with a message that says what to download and where to put it', async () => {
    const directory = folder();
    const offline: FetchLike = () =>
      Promise.reject(new TypeError('fetch failed: getaddrinfo ENOTFOUND www.cs.toronto.edu'));
    const attempt = downloadCifar({ variant: 'cifar10', directory, fetch: offline });
    await expect(attempt).rejects.toThrow(DatasetUnavailableError);
    await expect(attempt).rejects.toThrow(
      `downloadCifar: cannot download CIFAR-10 from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz: the network is unreachable (fetch failed: getaddrinfo ENOTFOUND www.cs.toronto.edu). Without network access, download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (SHA-256 ${CIFAR_SOURCES.cifar10.sha256}, 170052171 bytes) on a connected machine and either put it at ${join(directory, 'cifar-10-binary.tar.gz')} and call downloadCifar again, or unpack it in ${directory} so that ${join(directory, 'cifar-10-batches-bin', 'data_batch_1.bin')} exists.`,
    );
    const error = await attempt.catch((e: unknown) => e);
    expect(DatasetUnavailableError.isInstance(error)).toBe(true);
    expect((error as DatasetUnavailableError).code).toBe('MI_DATASET_UNAVAILABLE');
    const http: FetchLike = async () => ({
      ok: false,
      status: 503,
      statusText: 'Service Unavailable',
      arrayBuffer: async () => new ArrayBuffer(0),
    });
    await expect(downloadCifar({ variant: 'cifar100', directory, fetch: http })).rejects.toThrow(
      'downloadCifar: cannot download CIFAR-100 from https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz: the server answered HTTP 503 Service Unavailable.',
    );
  });

  it('verifies the SHA-256, writes atomically, unpacks, and then loads offline', async () => {
    const directory = folder();
    const archive = gzipSync(tar('cifar-10-batches-bin', cifar10Files()));
    const fetch = serving(archive);
    const source = {
      url: 'https://mirror.example/cifar-10-binary.tar.gz',
      sha256: sha256(archive),
    };
    const result = await downloadCifar({ variant: 'cifar10', directory, fetch, source });
    expect(result.downloaded).toBe(true);
    expect(result.folder).toBe(join(directory, 'cifar-10-batches-bin'));
    expect(existsSync(join(directory, 'cifar-10-binary.tar.gz'))).toBe(true);
    // No temporary files are left behind.
    expect(readdirSync(directory).filter((name) => name.endsWith('.part'))).toEqual([]);
    expect(readdirSync(result.folder).filter((name) => name.endsWith('.part'))).toEqual([]);
    expect(loadCifar10({ directory }).train.count).toBe(20);
    // A second call finds the files and fetches nothing.
    const again = await downloadCifar({ variant: 'cifar10', directory, fetch, source });
    expect(again.downloaded).toBe(false);
    expect(fetch.calls).toBe(1);
    // With the batches gone but the verified archive present, it unpacks without fetching.
    rmSync(result.folder, { recursive: true });
    const unpacked = await downloadCifar({ variant: 'cifar10', directory, fetch, source });
    expect(unpacked.downloaded).toBe(false);
    expect(fetch.calls).toBe(1);
    expect(loadCifar10({ directory }).test.count).toBe(3);
  });

  it('discards a download whose checksum does not match', async () => {
    const directory = folder();
    const archive = gzipSync(tar('cifar-10-batches-bin', cifar10Files()));
    const attempt = downloadCifar({ variant: 'cifar10', directory, fetch: serving(archive) });
    await expect(attempt).rejects.toThrow(DataFormatError);
    await expect(attempt).rejects.toThrow(
      `https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz: downloadCifar: SHA-256 mismatch: expected ${CIFAR_SOURCES.cifar10.sha256}, received ${sha256(archive)}; the download was discarded`,
    );
    expect(readdirSync(directory).filter((name) => name !== 'cifar-10-batches-bin')).toEqual([]);
  });

  it('rejects an archive that lacks a batch file or is truncated', async () => {
    const files = cifar10Files();
    files.delete('test_batch.bin');
    const incomplete = gzipSync(tar('cifar-10-batches-bin', files));
    const directory = folder();
    await expect(
      downloadCifar({
        variant: 'cifar10',
        directory,
        fetch: serving(incomplete),
        source: {
          url: 'https://mirror.example/cifar-10-binary.tar.gz',
          sha256: sha256(incomplete),
        },
      }),
    ).rejects.toThrow('downloadCifar: the archive lacks cifar-10-batches-bin/test_batch.bin');
    const cut = gzipSync(tar('cifar-10-batches-bin', cifar10Files()).subarray(0, 5000));
    await expect(
      downloadCifar({
        variant: 'cifar10',
        directory: folder(),
        fetch: serving(cut),
        source: { url: 'https://mirror.example/cifar-10-binary.tar.gz', sha256: sha256(cut) },
      }),
    ).rejects.toThrow(
      /readTar: truncated archive: entry "cifar-10-batches-bin\/data_batch_1.bin" needs 12292 bytes from byte 1024, the archive ends at 5000/,
    );
    await expect(
      downloadCifar({ variant: 'cifar11' as 'cifar10', directory: 'x' }),
    ).rejects.toThrow(
      "downloadCifar: invalid option 'variant': expected one of 'cifar10', 'cifar100', received \"cifar11\"",
    );
  });
});
