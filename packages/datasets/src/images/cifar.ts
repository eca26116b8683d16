import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError } from '@mi/spec';
import { readBytes } from '../internal/files';
import {
  CIFAR10_CLASS_NAMES,
  CIFAR100_COARSE_CLASS_NAMES,
  CIFAR100_FINE_CLASS_NAMES,
} from './cifar-classes';
import type { ImageSet } from './image-set';
import type { ImageSplits } from './mnist';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXELS = 3 * PLANE;

/** The binary files of each variant and the sub-folder their archive unpacks to. */
export const CIFAR_LAYOUT = {
  cifar10: {
    folder: 'cifar-10-batches-bin',
    train: [
      'data_batch_1.bin',
      'data_batch_2.bin',
      'data_batch_3.bin',
      'data_batch_4.bin',
      'data_batch_5.bin',
    ],
    test: ['test_batch.bin'],
    extra: ['batches.meta.txt'],
  },
  cifar100: {
    folder: 'cifar-100-binary',
    train: ['train.bin'],
    test: ['test.bin'],
    extra: ['coarse_label_names.txt', 'fine_label_names.txt'],
  },
} as const;

/** The two CIFAR variants. */
export type CifarVariant = keyof typeof CIFAR_LAYOUT;

/**
 * The folder that holds the variant's files: `directory` itself, or the sub-folder its archive
 * unpacks to (`cifar-10-batches-bin`, `cifar-100-binary`).
 */
function resolveFolder(variant: CifarVariant, directory: string, functionName: string): string {
  const layout = CIFAR_LAYOUT[variant];
  const first = layout.train[0];
  for (const candidate of [directory, join(directory, layout.folder)]) {
    if (existsSync(join(candidate, first))) return candidate;
  }
  throw new DataFormatError({
    file: join(directory, first),
    detail: `${functionName}: ${variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} binary files not found: expected ${[...layout.train, ...layout.test].join(', ')} in ${directory} or ${join(directory, layout.folder)}; run downloadCifar({ variant: '${variant}', directory }) or unpack ${variant === 'cifar10' ? 'cifar-10-binary.tar.gz' : 'cifar-100-binary.tar.gz'} there`,
  });
}

interface ParsedRecords {
  readonly count: number;
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly coarseLabels: Uint8Array | undefined;
}

/**
 * Parses CIFAR binary records: per image, the label byte(s) then 3072 pixel bytes as three
 * 32 × 32 planes (red, green, blue). Pixels come out channels-last.
 */
function parseRecords(
  bytes: Uint8Array,
  file: string,
  variant: CifarVariant,
  functionName: string,
): ParsedRecords {
  const labelBytes = variant === 'cifar10' ? 1 : 2;
  const record = labelBytes + PIXELS;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    throw new DataFormatError({
      file,
      detail: `${functionName}: truncated or malformed file: expected a positive multiple of ${record} bytes (${labelBytes} label byte${labelBytes > 1 ? 's' : ''} + ${PIXELS} pixels per image), received ${bytes.length} bytes (${Math.floor(bytes.length / record)} whole records and ${bytes.length % record} bytes left over)`,
    });
  }
  const count = bytes.length / record;
  const pixels = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  const coarseLabels = variant === 'cifar100' ? new Uint8Array(count) : undefined;
  const [fineLimit, coarseLimit] = variant === 'cifar10' ? [10, 0] : [100, 20];
  for (let i = 0; i < count; i++) {
    const start = i * record;
    const fine = bytes[start + labelBytes - 1] as number;
    if (fine >= fineLimit) {
      throw new DataFormatError({
        file,
        detail: `${functionName}: ${variant === 'cifar10' ? 'label' : 'fine label'} of record ${i} (byte offset ${start + labelBytes - 1}) out of range: expected 0 … ${fineLimit - 1}, received ${fine}`,
      });
    }
    labels[i] = fine;
    if (coarseLabels !== undefined) {
      const coarse = bytes[start] as number;
      if (coarse >= coarseLimit) {
        throw new DataFormatError({
          file,
          detail: `${functionName}: coarse label of record ${i} (byte offset ${start}) out of range: expected 0 … ${coarseLimit - 1}, received ${coarse}`,
        });
      }
      coarseLabels[i] = coarse;
    }
    const source = start + labelBytes;
    const target = i * PIXELS;
    for (let p = 0; p < PLANE; p++) {
      pixels[target + 3 * p] = bytes[source + p] as number;
      pixels[target + 3 * p + 1] = bytes[source + PLANE + p] as number;
      pixels[target + 3 * p + 2] = bytes[source + 2 * PLANE + p] as number;
    }
  }
  return { count, pixels, labels, coarseLabels };
}

function readNames(
  folder: string,
  file: string,
  expected: number,
  fallback: readonly string[],
  functionName: string,
): readonly string[] {
  const path = join(folder, file);
  if (!existsSync(path)) return fallback;
  const names = new TextDecoder()
    .decode(readBytes(path, functionName))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length !== expected) {
    throw new DataFormatError({
      file: path,
      detail: `${functionName}: expected ${expected} class names, one per line, received ${names.length}`,
    });
  }
  return names;
}

function loadSplit(
  variant: CifarVariant,
  folder: string,
  files: readonly string[],
  name: string,
  functionName: string,
): ParsedRecords {
  const parts = files.map((file) => {
    const path = join(folder, file);
    if (!existsSync(path)) {
      throw new DataFormatError({
        file: path,
        detail: `${functionName}: file not found: expected ${files.join(', ')} in ${folder}`,
      });
    }
    return {
      path,
      records: parseRecords(readBytes(path, functionName), path, variant, functionName),
    };
  });
  // The official batches are equal in size; a batch cut at a record boundary shows up here.
  const first = parts[0] as (typeof parts)[number];
  for (const part of parts) {
    if (part.records.count !== first.records.count) {
      throw new DataFormatError({
        file: part.path,
        detail: `${functionName}: record count differs between the ${name} batches: expected ${first.records.count} (as in ${first.path}), received ${part.records.count}`,
      });
    }
  }
  const count = parts.reduce((sum, part) => sum + part.records.count, 0);
  const pixels = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  const coarseLabels = variant === 'cifar100' ? new Uint8Array(count) : undefined;
  let offset = 0;
  for (const { records } of parts) {
    pixels.set(records.pixels, offset * PIXELS);
    labels.set(records.labels, offset);
    if (coarseLabels !== undefined && records.coarseLabels !== undefined) {
      coarseLabels.set(records.coarseLabels, offset);
    }
    offset += records.count;
  }
  return { count, pixels, labels, coarseLabels };
}

/** Options of {@link loadCifar10} and {@link loadCifar100}. */
export interface LoadCifarOptions {
  /**
   * Folder with the binary files, or the folder their archive was unpacked in (the loader then
   * looks in `cifar-10-batches-bin/` or `cifar-100-binary/`).
   */
  readonly directory: string;
}

function requireDirectory(functionName: string, options: LoadCifarOptions): string {
  if (typeof options?.directory !== 'string' || options.directory.length === 0) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'directory',
      value: options?.directory,
      expected: 'the path of the folder holding the binary batch files',
    });
  }
  return options.directory;
}

/**
 * Loads CIFAR-10 (Krizhevsky 2009) from its binary version: `data_batch_1.bin` … `data_batch_5.bin`
 * (training) and `test_batch.bin`, each a sequence of records of 1 label byte (0–9) and 3072
 * pixel bytes (red, green and blue 32 × 32 planes). Images come out channels-last
 * `[n, 32, 32, 3]`. Validates the file sizes, the label range and that the training batches have
 * equal record counts. Nothing is downloaded: see {@link downloadCifar}.
 *
 * @see Song & Ermon 2020 §6.2; Choi & Lee 2022 §5 (SLB, CLB).
 * @example
 * ```ts
 * const { train, test } = loadCifar10({ directory: '/data/cifar' });
 * train.count; // 50000
 * ```
 */
export function loadCifar10(options: LoadCifarOptions): ImageSplits {
  const fn = 'loadCifar10';
  const folder = resolveFolder('cifar10', requireDirectory(fn, options), fn);
  const layout = CIFAR_LAYOUT.cifar10;
  const classNames = readNames(folder, 'batches.meta.txt', 10, CIFAR10_CLASS_NAMES, fn);
  const make = (files: readonly string[], name: string): ImageSet => {
    const records = loadSplit('cifar10', folder, files, name, fn);
    return {
      name,
      count: records.count,
      height: SIDE,
      width: SIDE,
      channels: 3,
      pixels: records.pixels,
      labels: records.labels,
      classes: 10,
      classNames,
    };
  };
  return { train: make(layout.train, 'cifar10/train'), test: make(layout.test, 'cifar10/test') };
}

/**
 * Loads CIFAR-100 from its binary version: `train.bin` and `test.bin`, records of a coarse label
 * byte (20 superclasses), a fine label byte (100 classes) and 3072 pixel bytes (RGB planes).
 * `labels` holds the fine labels, `coarseLabels` the superclasses. Validated as
 * {@link loadCifar10}.
 *
 * @see Choi & Lee 2022 §5 (SLB and CLB on CIFAR-100, ideal MI log 100).
 * @example
 * ```ts
 * const { train } = loadCifar100({ directory: '/data/cifar' });
 * train.classes; // 100
 * ```
 */
export function loadCifar100(options: LoadCifarOptions): ImageSplits {
  const fn = 'loadCifar100';
  const folder = resolveFolder('cifar100', requireDirectory(fn, options), fn);
  const layout = CIFAR_LAYOUT.cifar100;
  const fineNames = readNames(folder, 'fine_label_names.txt', 100, CIFAR100_FINE_CLASS_NAMES, fn);
  const coarseNames = readNames(
    folder,
    'coarse_label_names.txt',
    20,
    CIFAR100_COARSE_CLASS_NAMES,
    fn,
  );
  const make = (files: readonly string[], name: string): ImageSet => {
    const records = loadSplit('cifar100', folder, files, name, fn);
    return {
      name,
      count: records.count,
      height: SIDE,
      width: SIDE,
      channels: 3,
      pixels: records.pixels,
      labels: records.labels,
      classes: 100,
      classNames: fineNames,
      coarseLabels: records.coarseLabels as Uint8Array,
      coarseClasses: 20,
      coarseClassNames: coarseNames,
    };
  };
  return { train: make(layout.train, 'cifar100/train'), test: make(layout.test, 'cifar100/test') };
}
