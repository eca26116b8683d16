import { InvalidArgumentError, ShapeMismatchError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Accepts class labels (rank 1, integers in [0, classes)) or one-hot rows (rank 2,
 * n × classes) and returns float32 one-hot rows. Labels are checked on the host, so a label out
 * of range is an error rather than an all-zero row.
 */
export function toOneHot(
  functionName: string,
  parameter: string,
  t: tf.Tensor,
  classes: number,
): tf.Tensor2D {
  if (t == null || !Array.isArray((t as { shape?: unknown }).shape)) {
    throw new InvalidArgumentError({ functionName, parameter, value: t, expected: 'a tf.Tensor' });
  }
  if (t.rank === 2) {
    if (t.shape[1] !== classes || t.shape[0] === 0) {
      throw new ShapeMismatchError({
        functionName,
        parameter,
        expected: [null, classes],
        received: t.shape,
        detail: `one-hot rows of ${classes} classes, or a vector of labels`,
      });
    }
    return (t.dtype === 'float32' ? tf.clone(t) : tf.cast(t, 'float32')) as tf.Tensor2D;
  }
  if (t.rank !== 1 || t.shape[0] === 0) {
    throw new ShapeMismatchError({
      functionName,
      parameter,
      expected: [null],
      received: t.shape,
      detail: `a vector of labels in [0, ${classes}), or one-hot rows of ${classes} classes`,
    });
  }
  const labels = t.dataSync();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new InvalidArgumentError({
        functionName,
        parameter: `${parameter}[${i}]`,
        value: label,
        expected: `an integer label in [0, ${classes})`,
      });
    }
  }
  // A comparison with 0 … classes − 1 rather than tf.oneHot, whose wasm kernel returns zeros
  // for a float32 output.
  return tf.tidy(
    () =>
      tf.cast(
        tf.equal(tf.expandDims(tf.cast(t, 'int32'), 1), tf.range(0, classes, 1, 'int32')),
        'float32',
      ) as tf.Tensor2D,
  );
}
