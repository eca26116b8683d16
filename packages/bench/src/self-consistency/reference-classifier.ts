import { assertNumber, deriveRandom } from '@mi/core';
import { type ImageSet, imageTensor } from '@mi/datasets';
import * as tf from '@tensorflow/tfjs-core';

/** The network and training of {@link topRowsClassifierAccuracy}. */
export interface ReferenceClassifierOptions {
  /** Output channels of the k5 s2 p2 convolutions. Default `[64, 128]` (the critic's). */
  readonly filters?: readonly number[];
  /** Hidden dense widths. Default `[1024]`. */
  readonly denseUnits?: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam learning rate. */
  readonly learningRate: number;
  readonly seed: number;
  readonly signal?: AbortSignal | undefined;
}

interface Layer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

const KERNEL = 5;
const STRIDE = 2;
const PADDING = 2;

/**
 * The reference curve of Song & Ermon's Fig. 4: the test accuracy of a classifier that sees only
 * the top t rows of each image (the rows below are zero, as in the Y of the first self-consistency
 * test). The classifier has the encoder layout of the `cnn` critic — convolutions k5 s2 p2 with
 * ReLU, dense layers with ReLU — and a linear layer to the classes, initialised as PyTorch does
 * (U(±1/√fan-in)) from the run's seed, trained with softmax cross-entropy and Adam on shuffled
 * batches. Returns `undefined` when `signal` aborts it.
 */
export async function topRowsClassifierAccuracy(
  train: ImageSet,
  test: ImageSet,
  rows: number,
  options: ReferenceClassifierOptions,
): Promise<number | undefined> {
  const fn = 'topRowsClassifierAccuracy';
  assertNumber(fn, 'rows', rows, { min: 0, max: train.height, integer: true });
  const filters = options.filters ?? [64, 128];
  const denseUnits = options.denseUnits ?? [1024];
  const { epochs, batchSize, learningRate, seed } = options;
  const init = deriveRandom(seed, 'critic-init');
  const uniform = (shape: number[], fanIn: number) => {
    const limit = 1 / Math.sqrt(fanIn);
    const values = init.fillUniform(new Float32Array(tf.util.sizeFromShape(shape)), -limit, limit);
    // Inside tidy: the initial tensor is freed, the variable (which tidy never disposes) stays.
    return tf.tidy(() => tf.variable(tf.tensor(values, shape)));
  };
  const convs: Layer[] = [];
  let channels = train.channels;
  let h = train.height;
  let w = train.width;
  for (const out of filters) {
    const fanIn = KERNEL * KERNEL * channels;
    convs.push({
      kernel: uniform([KERNEL, KERNEL, channels, out], fanIn),
      bias: uniform([out], fanIn),
    });
    channels = out;
    h = Math.floor((h + 2 * PADDING - KERNEL) / STRIDE) + 1;
    w = Math.floor((w + 2 * PADDING - KERNEL) / STRIDE) + 1;
  }
  const sizes = [h * w * channels, ...denseUnits, train.classes];
  const dense: Layer[] = [];
  for (let k = 0; k + 1 < sizes.length; k++) {
    dense.push({
      kernel: uniform([sizes[k] as number, sizes[k + 1] as number], sizes[k] as number),
      bias: uniform([sizes[k + 1] as number], sizes[k] as number),
    });
  }
  const variables = [...convs, ...dense].flatMap((l) => [l.kernel, l.bias]);
  // Keeps the top `rows` rows: a [1, height, 1, 1] mask of ones then zeros.
  const mask = tf.tensor4d(
    Float32Array.from({ length: train.height }, (_v, r) => (r < rows ? 1 : 0)),
    [1, train.height, 1, 1],
  );
  const logits = (images: tf.Tensor4D): tf.Tensor2D => {
    let x: tf.Tensor4D = tf.mul(images, mask);
    for (const conv of convs) {
      const padded = tf.pad(x, [
        [0, 0],
        [PADDING, PADDING],
        [PADDING, PADDING],
        [0, 0],
      ]);
      x = tf.relu(
        tf.add(tf.conv2d(padded, conv.kernel as tf.Tensor4D, STRIDE, 'valid'), conv.bias),
      ) as tf.Tensor4D;
    }
    let features = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    dense.forEach((layer, k) => {
      features = tf.add(tf.matMul(features, layer.kernel as tf.Tensor2D), layer.bias);
      if (k + 1 < dense.length) features = tf.relu(features);
    });
    return features;
  };
  const oneHot = (set: ImageSet, indices: ArrayLike<number>) => {
    const rowsOut = new Float32Array(indices.length * set.classes);
    for (let i = 0; i < indices.length; i++) {
      rowsOut[i * set.classes + (set.labels[indices[i] as number] as number)] = 1;
    }
    return tf.tensor2d(rowsOut, [indices.length, set.classes]);
  };
  const optimizer = tf.train.adam(learningRate);
  const shuffle = deriveRandom(seed, 'data');
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffle.permutation(train.count);
      for (let from = 0; from + batchSize <= train.count; from += batchSize) {
        if (options.signal?.aborted) return undefined;
        const indices = order.subarray(from, from + batchSize);
        const images = imageTensor(train, indices);
        const targets = oneHot(train, indices);
        const loss = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(targets, logits(images)) as tf.Scalar,
          true,
          variables,
        );
        await loss?.data();
        tf.dispose([images, targets, loss as tf.Tensor]);
      }
    }
    let correct = 0;
    for (let from = 0; from < test.count; from += 256) {
      const indices = Array.from({ length: Math.min(256, test.count - from) }, (_v, k) => from + k);
      const images = imageTensor(test, indices);
      const predicted = tf.tidy(() => tf.argMax(logits(images), 1));
      const values = await predicted.data();
      tf.dispose([images, predicted]);
      values.forEach((label, k) => {
        if (label === test.labels[indices[k] as number]) correct += 1;
      });
    }
    return correct / test.count;
  } finally {
    optimizer.dispose();
    tf.dispose([mask, ...variables]);
  }
}
