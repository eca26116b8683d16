import { type DenseActivation, fastActivation, fastDense } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';
import { applyDense, createDense, type DenseInit, type DenseWeights, initialWeight } from './dense';
import type { WeightStore } from './weight-store';

/**
 * An MLP on the concatenation [x, y] whose first layer is kept split: with
 * W = [W_x; W_y], the first pre-activation of the pair (x_i, y_j) is
 *
 * ```
 * [x_i, y_j]·W + b = x_i·W_x + y_j·W_y + b
 * ```
 *
 * so all n² pairs cost two n-row products and one broadcast add, never an n²-row product on a
 * materialised n² × (dx + dy) input.
 */
export interface JointNetwork {
  readonly xKernel: tf.Variable<tf.Rank.R2>;
  readonly yKernel: tf.Variable<tf.Rank.R2>;
  readonly firstBias: tf.Variable<tf.Rank.R1>;
  /** The layers after the first: hidden layers, then the output layer (one unit). */
  readonly rest: readonly DenseWeights[];
  readonly activation: DenseActivation;
}

/** Creates the weights; layer k is named `${prefix}dense{k}`, the first split into x and y. */
export function createJointNetwork(
  store: WeightStore,
  prefix: string,
  xFeatures: number,
  yFeatures: number,
  hiddenUnits: readonly number[],
  activation: DenseActivation,
  options: { outputBias?: boolean; init?: DenseInit } = {},
): JointNetwork {
  const first = hiddenUnits[0]!;
  const limit = 1 / Math.sqrt(xFeatures + yFeatures);
  const weight = (name: string, shape: number[], kind: 'kernel' | 'bias') =>
    initialWeight(store, `${prefix}dense0/${name}`, shape, limit, options.init, kind);
  const xKernel = weight('x-kernel', [xFeatures, first], 'kernel');
  const yKernel = weight('y-kernel', [yFeatures, first], 'kernel');
  const firstBias = weight('bias', [first], 'bias');
  const sizes = [...hiddenUnits, 1];
  const rest: DenseWeights[] = [];
  for (let k = 0; k + 1 < sizes.length; k++) {
    const last = k + 2 === sizes.length;
    rest.push(
      createDense(store, `${prefix}dense${k + 1}`, sizes[k]!, sizes[k + 1]!, {
        bias: !last || options.outputBias !== false,
        init: options.init,
      }),
    );
  }
  return {
    xKernel: xKernel as tf.Variable<tf.Rank.R2>,
    yKernel: yKernel as tf.Variable<tf.Rank.R2>,
    firstBias: firstBias as tf.Variable<tf.Rank.R1>,
    rest,
    activation,
  };
}

/** x·W_x (n × h) and y·W_y + b (m × h): the two halves of the first layer. */
export function firstLayerHalves(
  net: JointNetwork,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
): [tf.Tensor2D, tf.Tensor2D] {
  return [fastDense(x, net.xKernel), fastDense(y, net.yKernel, net.firstBias)];
}

/** The network after the first pre-activation: m × h → length m. */
export function jointHead(net: JointNetwork, preActivation: tf.Tensor2D): tf.Tensor1D {
  // The first layer's sum is no dense layer's: its activation by itself, the gradient one kernel.
  let h =
    net.activation === 'linear' ? preActivation : fastActivation(preActivation, net.activation);
  net.rest.forEach((layer, k) => {
    h = applyDense(layer, h, k + 1 === net.rest.length ? 'linear' : net.activation);
  });
  return tf.reshape(h, [-1]) as tf.Tensor1D;
}

/** `S[i][j] = T(x_i, y_j)` for all n × m pairs, by the split first layer. */
export function jointAllPairs(net: JointNetwork, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [hx, hy] = firstLayerHalves(net, x, y);
    const n = x.shape[0];
    const m = y.shape[0];
    const width = hx.shape[1];
    // Row i·m + j holds the pair (x_i, y_j), so the reshape below gives rows indexed by x.
    const pre = tf.reshape(tf.add(tf.expandDims(hx, 1), tf.expandDims(hy, 0)), [n * m, width]);
    return tf.reshape(jointHead(net, pre as tf.Tensor2D), [n, m]) as tf.Tensor2D;
  });
}

/** T(x_i, y_i) for the n joint pairs. */
export function jointDiagonal(net: JointNetwork, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [hx, hy] = firstLayerHalves(net, x, y);
    return jointHead(net, tf.add(hx, hy));
  });
}

/**
 * `R[i][c] = T(x_i, y_{(i + c) mod n})` for c = 0 … k: column 0 holds the joint pairs, columns
 * 1 … k the k partners shifted by c. Built from slices of [hy; hy] (whose gradients every backend
 * has), not a gather.
 */
export function jointShifted(
  net: JointNetwork,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  k: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [hx, hy] = firstLayerHalves(net, x, y);
    const n = x.shape[0];
    const width = hx.shape[1];
    const doubled = tf.concat([hy, hy], 0);
    const partners = tf.stack(
      Array.from({ length: k + 1 }, (_, c) => tf.slice(doubled, [c, 0], [n, width])),
      1,
    );
    const pre = tf.reshape(tf.add(partners, tf.expandDims(hx, 1)), [n * (k + 1), width]);
    return tf.reshape(jointHead(net, pre as tf.Tensor2D), [n, k + 1]) as tf.Tensor2D;
  });
}
