import { assertNumber, createRandom } from '@mi/core';
import type { Dataset } from '@mi/spec';
import { type ImageSet, imageSize } from '../images/image-set';
import { defineDataset } from '../internal/define-dataset';

/**
 * Writes image `index` scaled to [0, 1] into `out` as channel block `block` of `blocks`
 * (channels-last concatenation), keeping only the top `rows` rows; the rest stays zero.
 */
function writeImage(
  set: ImageSet,
  index: number,
  rows: number,
  out: Float32Array,
  offset: number,
  block: number,
  blocks: number,
): void {
  const { width, channels } = set;
  const source = index * imageSize(set);
  const stride = channels * blocks;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) {
      const pixel = r * width + c;
      for (let k = 0; k < channels; k++) {
        out[offset + pixel * stride + block * channels + k] =
          (set.pixels[source + pixel * channels + k] as number) / 255;
      }
    }
  }
}

/** Options of {@link topRowsPairing}. */
export interface TopRowsOptions {
  /** Rows t of the image that Y keeps (0 … height); the rest are zero. */
  readonly rows: number;
}

/**
 * Self-consistency setting 1 of Song & Ermon (§6.2, App. B.2): X is an image, Y the same image
 * with every row below the top t set to zero,
 *
 *   (X, Y) = (x, x ⊙ m_t),  m_t = 1 on rows < t, 0 elsewhere.
 *
 * I(X; Y) should be non-decreasing in t; at t = 0 Y is constant and I = 0 (the `trueMI` then);
 * otherwise no ground truth is known. Both sides are `[height, width, channels]` in [0, 1].
 *
 * @see Song & Ermon 2020 §6.2 and App. B.2, Fig. 3.
 * @example
 * ```ts
 * const data = topRowsPairing(loadMnist().train, { rows: 14 });
 * const { x, y } = data.gather(Int32Array.of(0, 1)); // [2, 28, 28, 1] each
 * ```
 */
export function topRowsPairing(set: ImageSet, options: TopRowsOptions): Dataset {
  const { rows } = options;
  assertNumber('topRowsPairing', 'rows', rows, { min: 0, max: set.height, integer: true });
  const shape = [set.height, set.width, set.channels];
  return defineDataset({
    name: `${set.name}/top-rows(t=${rows})`,
    size: set.count,
    shape: { x: shape, y: shape },
    trueMI: rows === 0 ? 0 : undefined,
    fillX: (index, out, offset) => writeImage(set, index, set.height, out, offset, 0, 1),
    fillY: (index, out, offset) => writeImage(set, index, rows, out, offset, 0, 1),
  });
}

/** Options of {@link dataProcessingPairing}. */
export interface DataProcessingOptions {
  /** Rows t that Y keeps. */
  readonly rows: number;
  /** Rows that h(Y) keeps; default t − 3 as in the paper (must be ≤ t). */
  readonly processedRows?: number;
}

/**
 * Self-consistency setting 2 (data processing): X′ = [X, X] and Y′ = [Y, h(Y)] with Y the top t
 * rows of X and h(Y) its top t − 3 rows, concatenated on the channel axis
 * (`[height, width, 2·channels]`). Since h(Y) is a function of Y, I(X′; Y′) = I(X; Y): an
 * estimator should report the ratio Î(X′; Y′) / Î(X; Y) ≈ 1.
 *
 * @see Song & Ermon 2020 §6.2 ("we set t₂ = t₁ − 3") and App. B.2, task 2.
 * @example
 * ```ts
 * const data = dataProcessingPairing(loadMnist().train, { rows: 14 }); // h keeps 11 rows
 * ```
 */
export function dataProcessingPairing(set: ImageSet, options: DataProcessingOptions): Dataset {
  const fn = 'dataProcessingPairing';
  const { rows } = options;
  assertNumber(fn, 'rows', rows, { min: 0, max: set.height, integer: true });
  const processed = options.processedRows ?? rows - 3;
  assertNumber(fn, 'processedRows', processed, { min: 0, max: rows, integer: true });
  const shape = [set.height, set.width, 2 * set.channels];
  return defineDataset({
    name: `${set.name}/data-processing(t=${rows}, h=${processed})`,
    size: set.count,
    shape: { x: shape, y: shape },
    trueMI: undefined,
    fillX: (index, out, offset) => {
      writeImage(set, index, set.height, out, offset, 0, 2);
      writeImage(set, index, set.height, out, offset, 1, 2);
    },
    fillY: (index, out, offset) => {
      writeImage(set, index, rows, out, offset, 0, 2);
      writeImage(set, index, processed, out, offset, 1, 2);
    },
  });
}

/** Options of {@link additivityPairing}. */
export interface AdditivityOptions {
  /** Rows t that Y₁ and Y₂ keep. */
  readonly rows: number;
  /** Seeds the choice of the independent partner image of every row. */
  readonly seed: number;
}

/**
 * Self-consistency setting 3 (additivity): X′ = [X₁, X₂], Y′ = [Y₁, Y₂] where X₁, X₂ are two
 * different images and Yₖ the top t rows of Xₖ, concatenated on the channel axis. Independence
 * of the pairs gives I(X′; Y′) = 2·I(X; Y): the ideal ratio Î(X′; Y′) / Î(X; Y) is 2.
 *
 * Row i pairs image i with partner π(i), where π is one random cycle through all images drawn
 * from `seed` (so no image is its own partner and each appears once as X₂).
 *
 * @see Song & Ermon 2020 §6.2 and App. B.2, task 3.
 * @example
 * ```ts
 * const data = additivityPairing(loadMnist().train, { rows: 14, seed: 0 }); // [28, 28, 2] each side
 * ```
 */
export function additivityPairing(set: ImageSet, options: AdditivityOptions): Dataset {
  const fn = 'additivityPairing';
  const { rows, seed } = options;
  assertNumber(fn, 'rows', rows, { min: 0, max: set.height, integer: true });
  assertNumber(fn, 'seed', seed, { integer: true });
  assertNumber(fn, 'images', set.count, { min: 2, integer: true });
  // Successors along a random cyclic order: a permutation without fixed points.
  const order = createRandom(seed).permutation(set.count);
  const partner = new Int32Array(set.count);
  for (let k = 0; k < set.count; k++) {
    partner[order[k] as number] = order[(k + 1) % set.count] as number;
  }
  const shape = [set.height, set.width, 2 * set.channels];
  return defineDataset({
    name: `${set.name}/additivity(t=${rows})`,
    size: set.count,
    shape: { x: shape, y: shape },
    trueMI: undefined,
    fillX: (index, out, offset) => {
      writeImage(set, index, set.height, out, offset, 0, 2);
      writeImage(set, partner[index] as number, set.height, out, offset, 1, 2);
    },
    fillY: (index, out, offset) => {
      writeImage(set, index, rows, out, offset, 0, 2);
      writeImage(set, partner[index] as number, rows, out, offset, 1, 2);
    },
  });
}
