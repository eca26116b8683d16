import { assertShape } from '@mi/core';
import { InvalidArgumentError, ShapeMismatchError } from '@mi/spec';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Throws unless `t` is a tensor of shape [n, ...rest]: right rank, right feature sizes.
 * Returns n.
 */
export function checkBatch(
  functionName: string,
  parameter: string,
  t: tf.Tensor,
  rest: readonly number[],
): number {
  assertShape(functionName, parameter, t, [null, ...rest]);
  const n = t.shape[0]!;
  if (n < 1) {
    throw new ShapeMismatchError({
      functionName,
      parameter,
      expected: [null, ...rest],
      received: t.shape,
      detail: 'the batch is empty',
    });
  }
  if (t.dtype !== 'float32') {
    throw new InvalidArgumentError({
      functionName,
      parameter,
      value: t.dtype,
      expected: "a float32 tensor (cast with tf.cast(t, 'float32'))",
    });
  }
  return n;
}

/** Throws unless x and y both are batches of the given shapes with the same number of rows. */
export function checkPairedBatches(
  functionName: string,
  x: tf.Tensor,
  xRest: readonly number[],
  y: tf.Tensor,
  yRest: readonly number[],
): number {
  const n = checkBatch(functionName, 'x', x, xRest);
  assertShape(functionName, 'y', y, [null, ...yRest]);
  if (y.shape[0] !== n) {
    throw new ShapeMismatchError({
      functionName,
      parameter: 'y',
      expected: [n, ...yRest],
      received: y.shape,
      detail: `y must have as many rows as x (${n})`,
    });
  }
  checkBatch(functionName, 'y', y, yRest);
  return n;
}
