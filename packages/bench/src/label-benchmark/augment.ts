import { assertNumber, assertOneOf, deriveRandom } from '@mi/core';
import type { Batch, Dataset, RandomSource } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Label-preserving image augmentations for the CLB's augmented-view variant:
 * - `shift`: move each image by a random whole number of pixels in [−padding, padding] on each
 *   axis, filling with zeros (small shifts; right for digits, which must not be mirrored);
 * - `crop-flip`: the same random crop of the zero-padded image plus a left–right flip with
 *   probability ½ (the usual CIFAR augmentation).
 */
export type AugmentationKind = 'shift' | 'crop-flip';

/** Options of {@link augmentImages} and {@link augmentedDataset}. */
export interface AugmentationOptions {
  readonly kind: AugmentationKind;
  /** Largest shift, pixels. Default 2 for `shift`, 4 for `crop-flip`. */
  readonly padding?: number;
}

/**
 * One random augmentation per image of `images` (`[n, h, w, c]`), drawn from `random`: pad with
 * `padding` zeros, take an h × w window at a random offset, and for `crop-flip` mirror a random
 * half. The windows and flips become one index map into the padded batch, applied with a single
 * `gather`, so pixels are copied exactly and every backend computes the same (wasm's
 * `cropAndResize` ignores the box's x offset in TF.js 4.22). The caller owns the result.
 */
export function augmentImages(
  images: tf.Tensor4D,
  random: RandomSource,
  options: AugmentationOptions,
): tf.Tensor4D {
  const fn = 'augmentImages';
  assertOneOf(fn, 'kind', options.kind, ['shift', 'crop-flip'] as const);
  const padding = options.padding ?? (options.kind === 'shift' ? 2 : 4);
  assertNumber(fn, 'padding', padding, { min: 0, integer: true });
  const [n, height, width, channels] = images.shape;
  const paddedHeight = height + 2 * padding;
  const paddedWidth = width + 2 * padding;
  // Row of the padded batch (flattened to [n·H'·W', c]) that each output pixel copies.
  const source = new Int32Array(n * height * width);
  for (let i = 0; i < n; i++) {
    const dy = random.integer(0, 2 * padding);
    const dx = random.integer(0, 2 * padding);
    const flip = options.kind === 'crop-flip' && random.uniform() < 0.5;
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const column = (flip ? width - 1 - c : c) + dx;
        source[(i * height + r) * width + c] = (i * paddedHeight + r + dy) * paddedWidth + column;
      }
    }
  }
  return tf.tidy(() => {
    const padded =
      padding === 0
        ? images
        : tf.pad(images, [
            [0, 0],
            [padding, padding],
            [padding, padding],
            [0, 0],
          ]);
    const rows = tf.reshape(padded, [n * paddedHeight * paddedWidth, channels]);
    const picked = tf.gather(rows, tf.tensor1d(source, 'int32'));
    return tf.reshape(picked, [n, height, width, channels]) as tf.Tensor4D;
  });
}

/**
 * `data` with both sides of every gathered batch augmented independently (x and y each get their
 * own random crop and flip), from a stream seeded by `seed` that advances with every gather. For
 * the CLB pairing (X₁, X₂ two images of one class) the views stay images of that class, so the
 * ideal MI is still H(Y); the critic now has to ignore where and which way round a digit or an
 * object is drawn. A side that is not an image batch (rank ≠ 4) is passed through.
 */
export function augmentedDataset(
  data: Dataset,
  options: AugmentationOptions & { readonly seed: number },
): Dataset {
  const random = deriveRandom(options.seed, 'augment');
  const augment = (t: tf.Tensor): tf.Tensor => {
    if (t.rank !== 4) return t;
    const out = augmentImages(t as tf.Tensor4D, random, options);
    t.dispose();
    return out;
  };
  return {
    ...data,
    name: `${data.name}/augmented(${options.kind})`,
    gather(indices: Int32Array): Batch {
      const batch = data.gather(indices);
      return { x: augment(batch.x), y: augment(batch.y) };
    },
  };
}
