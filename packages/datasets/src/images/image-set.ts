import { InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Images with class labels held in memory as bytes: MNIST, CIFAR-10, CIFAR-100 or any set in the
 * same layout. Pixels are row-major `[count, height, width, channels]` (channels last, as TF.js
 * expects), 0–255.
 */
export interface ImageSet {
  /** `mnist/train`, `cifar10/test`, … */
  readonly name: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** count × height × width × channels bytes. */
  readonly pixels: Uint8Array;
  /** Class of each image, 0 … classes − 1 (the fine label for CIFAR-100). */
  readonly labels: Uint8Array;
  /** Number of classes. */
  readonly classes: number;
  /** Class names, when the source provides them. */
  readonly classNames?: readonly string[];
  /** CIFAR-100's 20 superclass labels. */
  readonly coarseLabels?: Uint8Array;
  readonly coarseClasses?: number;
  readonly coarseClassNames?: readonly string[];
}

/** Number of bytes of one image. */
export function imageSize(set: ImageSet): number {
  return set.height * set.width * set.channels;
}

/**
 * The images at `indices` as a float32 tensor `[n, height, width, channels]` scaled to [0, 1],
 * owned by the caller.
 */
export function imageTensor(set: ImageSet, indices: Int32Array | readonly number[]): tf.Tensor4D {
  const size = imageSize(set);
  const out = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i] as number;
    if (!Number.isInteger(index) || index < 0 || index >= set.count) {
      throw new InvalidArgumentError({
        functionName: 'imageTensor',
        parameter: `indices[${i}]`,
        value: index,
        expected: `an integer in [0, ${set.count - 1}] (${set.name} has ${set.count} images)`,
      });
    }
    const from = index * size;
    for (let k = 0; k < size; k++) out[i * size + k] = (set.pixels[from + k] as number) / 255;
  }
  return tf.tensor4d(out, [indices.length, set.height, set.width, set.channels], 'float32');
}

/** How many images each class has (index = class). */
export function labelCounts(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

/**
 * Entropy in nats of the empirical label distribution, H(Y) = −Σ_c p_c log p_c: the ideal MI of
 * the SLB and CLB pairings (Choi & Lee 2022, Theorems 7–8). log K for K balanced classes.
 */
export function labelEntropy(labels: Uint8Array, classes: number): number {
  let entropy = 0;
  for (const count of labelCounts(labels, classes)) {
    if (count > 0) {
      const p = count / labels.length;
      entropy -= p * Math.log(p);
    }
  }
  return entropy;
}
