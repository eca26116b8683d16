import { assertNumber } from '@mi/core';
import { ShapeMismatchError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link nearestNeighbourLabels}. */
export interface NearestNeighbourOptions {
  /** f(x) of the training images, one row each. */
  readonly trainEmbeddings: tf.Tensor2D;
  /** Their labels. */
  readonly trainLabels: ArrayLike<number>;
  /** f(x) of the test images. */
  readonly testEmbeddings: tf.Tensor2D;
  /** Test rows scored at once. Default 256. */
  readonly testChunk?: number;
  /** Training rows scored at once. Default 4096. */
  readonly trainChunk?: number;
}

/**
 * The CLB read-out of Choi & Lee (2022, §5.1): each test image gets the label of the training
 * image whose embedding has the largest dot product with its own,
 *
 *   ŷ(x_test) = y(argmax_{x ∈ X_train} f(x)·f(x_test)),
 *
 * computed block by block — `testChunk` × `trainChunk` dot products at a time, keeping a running
 * maximum per test row — so the n_train × n_test matrix never exists at once (50 000 × 10 000
 * floats for CIFAR would be 2 GB). Ties go to the first training row, as a global argmax would.
 */
export async function nearestNeighbourLabels(
  options: NearestNeighbourOptions,
): Promise<Int32Array> {
  const fn = 'nearestNeighbourLabels';
  const { trainEmbeddings, testEmbeddings, trainLabels } = options;
  const testChunk = options.testChunk ?? 256;
  const trainChunk = options.trainChunk ?? 4096;
  assertNumber(fn, 'testChunk', testChunk, { min: 1, integer: true });
  assertNumber(fn, 'trainChunk', trainChunk, { min: 1, integer: true });
  const [trainCount, width] = trainEmbeddings.shape;
  const [testCount, testWidth] = testEmbeddings.shape;
  if (testWidth !== width || trainLabels.length !== trainCount) {
    throw new ShapeMismatchError({
      functionName: fn,
      parameter: testWidth !== width ? 'testEmbeddings' : 'trainLabels',
      expected: testWidth !== width ? [testCount, width] : [trainCount],
      received: testWidth !== width ? testEmbeddings.shape : [trainLabels.length],
      detail: "test embeddings need the training embeddings' width; one label per training row",
    });
  }
  const predicted = new Int32Array(testCount);
  for (let from = 0; from < testCount; from += testChunk) {
    const rows = Math.min(testChunk, testCount - from);
    const best = new Float32Array(rows).fill(Number.NEGATIVE_INFINITY);
    const bestIndex = new Int32Array(rows);
    const queries = tf.slice(testEmbeddings, [from, 0], [rows, width]);
    for (let start = 0; start < trainCount; start += trainChunk) {
      const columns = Math.min(trainChunk, trainCount - start);
      const [max, argMax] = tf.tidy(() => {
        const block = tf.matMul(
          queries,
          tf.slice(trainEmbeddings, [start, 0], [columns, width]),
          false,
          true,
        );
        return [tf.max(block, 1), tf.argMax(block, 1)];
      });
      const [maxValues, argValues] = await Promise.all([max.data(), argMax.data()]);
      tf.dispose([max, argMax]);
      for (let i = 0; i < rows; i++) {
        // Strictly greater: an equal score in a later block does not replace an earlier row.
        if ((maxValues[i] as number) > (best[i] as number)) {
          best[i] = maxValues[i] as number;
          bestIndex[i] = start + (argValues[i] as number);
        }
      }
    }
    queries.dispose();
    for (let i = 0; i < rows; i++)
      predicted[from + i] = trainLabels[bestIndex[i] as number] as number;
  }
  return predicted;
}

/** Share of `predicted` equal to `labels`. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct += 1;
  return correct / labels.length;
}
