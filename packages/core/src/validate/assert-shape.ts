import { InvalidArgumentError, ShapeMismatchError } from '@mi/spec';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * Throws {@link ShapeMismatchError} unless `tensor` has the expected shape; `null` entries
 * accept any size, and the length of `expected` fixes the rank.
 */
export function assertShape(
  functionName: string,
  parameter: string,
  tensor: Tensor,
  expected: readonly (number | null)[],
  detail?: string,
): void {
  if (tensor == null || !Array.isArray((tensor as { shape?: unknown }).shape)) {
    throw new InvalidArgumentError({
      functionName,
      parameter,
      value: tensor,
      expected: 'a tf.Tensor',
    });
  }
  const shape = tensor.shape;
  const matches =
    shape.length === expected.length && expected.every((d, i) => d === null || d === shape[i]);
  if (!matches) {
    throw new ShapeMismatchError({
      functionName,
      parameter,
      expected,
      received: shape,
      ...(detail === undefined ? {} : { detail }),
    });
  }
}

/**
 * Throws unless `scores` is a square n × n matrix with n ≥ `minimum` (2 by default: the
 * off-diagonal needs at least one entry).
 */
export function assertScoreMatrix(functionName: string, scores: Tensor, minimum = 2): void {
  assertShape(functionName, 'scores', scores, [null, null]);
  const [rows, columns] = scores.shape as [number, number];
  if (rows !== columns || rows < minimum) {
    throw new ShapeMismatchError({
      functionName,
      parameter: 'scores',
      expected: [rows >= minimum ? rows : minimum, rows >= minimum ? rows : minimum],
      received: scores.shape,
      detail: `a square n × n score matrix with n >= ${minimum}`,
    });
  }
}
