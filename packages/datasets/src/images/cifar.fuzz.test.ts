import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CIFAR10_CLASS_NAMES,
  CIFAR100_COARSE_CLASS_NAMES,
  CIFAR100_FINE_CLASS_NAMES,
  type ImageSplits,
  loadCifar10,
  loadCifar100,
} from '@mi/datasets';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  byteMutations,
  ensure,
  expectResultOrTypedError,
  fuzzParameters,
  mutate,
} from '../../test/fuzz';

const PIXELS = 3072;

/** `labels.length` records: the label byte(s), then 3072 pixel bytes. */
function records(labels: number[][]): Uint8Array {
  const size = labels[0]?.length ?? 1;
  const out = new Uint8Array(labels.length * (size + PIXELS));
  for (const [i, label] of labels.entries()) {
    out.set(label, i * (size + PIXELS));
    out.fill((i * 37) % 256, i * (size + PIXELS) + size, (i + 1) * (size + PIXELS));
  }
  return out;
}

const text = (lines: readonly string[]) => new TextEncoder().encode(`${lines.join('\n')}\n`);

/** CIFAR-10: five training batches of 2 images, a test batch of 1, the class names. */
const CIFAR10 = new Map<string, Uint8Array>([
  ...[1, 2, 3, 4, 5].map((b): [string, Uint8Array] => [`data_batch_${b}.bin`, records([[b], [9]])]),
  ['test_batch.bin', records([[0]])],
  ['batches.meta.txt', text(CIFAR10_CLASS_NAMES)],
]);

/** CIFAR-100: 2 training images and 1 test image (coarse, fine labels), the class names. */
const CIFAR100 = new Map<string, Uint8Array>([
  [
    'train.bin',
    records([
      [19, 99],
      [0, 0],
    ]),
  ],
  ['test.bin', records([[4, 55]])],
  ['coarse_label_names.txt', text(CIFAR100_COARSE_CLASS_NAMES)],
  ['fine_label_names.txt', text(CIFAR100_FINE_CLASS_NAMES)],
]);

/** Both splits are consistent: images of 32 × 32 × 3, labels in range, one name per class. */
function checkSplits(splits: ImageSplits): void {
  for (const set of [splits.train, splits.test]) {
    ensure(set.count > 0, `${set.name}: no images`);
    ensure(set.pixels.length === set.count * PIXELS, `${set.name}: pixel count`);
    ensure(set.labels.length === set.count, `${set.name}: label count`);
    ensure(set.classNames?.length === set.classes, `${set.name}: class names`);
    ensure(
      set.labels.every((label) => label < set.classes),
      `${set.name}: label out of range`,
    );
    if (set.coarseLabels !== undefined) {
      ensure(set.coarseLabels.length === set.count, `${set.name}: coarse label count`);
      ensure(
        set.coarseLabels.every((label) => label < (set.coarseClasses ?? 0)),
        `${set.name}: coarse label out of range`,
      );
    }
  }
}

const directory = mkdtempSync(join(tmpdir(), 'mi-cifar-fuzz-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Writes the valid files of a variant with `name` replaced by `replacement`. */
function writeFolder(files: Map<string, Uint8Array>, name: string, replacement: Uint8Array) {
  for (const [file, bytes] of files) {
    writeFileSync(join(directory, file), file === name ? replacement : bytes);
  }
}

describe.each([
  { variant: 'cifar10', files: CIFAR10, load: loadCifar10, recordSize: 1 + PIXELS },
  { variant: 'cifar100', files: CIFAR100, load: loadCifar100, recordSize: 2 + PIXELS },
])('$variant loader under fuzzing (files)', ({ files, load, recordSize }) => {
  const names = [...files.keys()];

  it('one mutated file among valid ones (labels, truncation, insertion, names): never untyped', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), byteMutations(4), (name, mutations) => {
        writeFolder(files, name, mutate(files.get(name) as Uint8Array, mutations));
        expectResultOrTypedError(() => load({ directory }), directory, checkSplits, {
          binary: true,
        });
      }),
      fuzzParameters(100),
    );
  });

  it('one file replaced by random bytes (whole records or not): never untyped', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -2, max: 2 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (name, wholeRecords, extra, seed) => {
          const length = Math.max(0, wholeRecords * recordSize + extra);
          const bytes = new Uint8Array(length);
          let state = seed;
          for (let k = 0; k < length; k++) {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            bytes[k] = state >>> 24;
          }
          writeFolder(files, name, bytes);
          expectResultOrTypedError(() => load({ directory }), directory, checkSplits, {
            binary: true,
          });
        },
      ),
      fuzzParameters(100),
    );
  });
});

describe('CIFAR regressions', () => {
  it('an unreadable class-names file is a DataFormatError, not a plain EISDIR error', () => {
    const folder = mkdtempSync(join(tmpdir(), 'mi-cifar-names-'));
    try {
      for (const [name, bytes] of CIFAR10) {
        if (name !== 'batches.meta.txt') writeFileSync(join(folder, name), bytes);
      }
      mkdirSync(join(folder, 'batches.meta.txt'));
      expect(() => loadCifar10({ directory: folder })).toThrow(
        `${join(folder, 'batches.meta.txt')}: loadCifar10: cannot read the file (EISDIR)`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
