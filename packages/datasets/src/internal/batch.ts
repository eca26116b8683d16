import type { Batch } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Wraps two row-major float32 buffers as a `Batch`. The tensors are created directly from
 * the buffers (no ops), so there is nothing to tidy; the caller owns both tensors.
 */
export function batchFromArrays(
  x: Float32Array,
  xShape: readonly number[],
  y: Float32Array,
  yShape: readonly number[],
): Batch {
  const xTensor = tf.tensor(x, [...xShape], 'float32');
  try {
    return { x: xTensor, y: tf.tensor(y, [...yShape], 'float32') };
  } catch (error) {
    // Never leave the first tensor behind when the second cannot be made.
    xTensor.dispose();
    throw error;
  }
}

/** Number of scalars in one example of this shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, d) => product * d, 1);
}
