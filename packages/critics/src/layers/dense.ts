import { type DenseActivation, fastDense } from '@mi/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { WeightStore } from './weight-store';

/** The weights of one dense layer: y = x·kernel + bias. */
export interface DenseWeights {
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1> | undefined;
}

/**
 * How a dense layer's weights start: `undefined` for PyTorch's `nn.Linear` (kernel and bias from
 * U(−1/√fanIn, 1/√fanIn)), or `{ std }` for a kernel from N(0, std²) and a zero bias (paper 001's
 * code, std = 0.02).
 */
export type DenseInit = { readonly std: number } | undefined;

/** A kernel or bias of `shape` drawn as `init` says; `limit` is nn.Linear's 1/√fanIn. */
export function initialWeight(
  store: WeightStore,
  name: string,
  shape: readonly number[],
  limit: number,
  init: DenseInit,
  kind: 'kernel' | 'bias',
): tf.Variable {
  if (init === undefined) return store.uniform(name, shape, limit);
  return kind === 'kernel'
    ? store.normal(name, shape, init.std)
    : store.constant(name, shape, 0, true);
}

/**
 * A dense layer initialised as PyTorch's `nn.Linear` (the papers' code): kernel and bias drawn
 * from U(−1/√fanIn, 1/√fanIn), or as `init` says. `fanIn` defaults to the input size; a split
 * first layer passes the size of the whole concatenated input.
 */
export function createDense(
  store: WeightStore,
  name: string,
  inUnits: number,
  outUnits: number,
  options: { bias?: boolean; fanIn?: number; init?: DenseInit } = {},
): DenseWeights {
  const limit = 1 / Math.sqrt(options.fanIn ?? inUnits);
  const kernel = initialWeight(
    store,
    `${name}/kernel`,
    [inUnits, outUnits],
    limit,
    options.init,
    'kernel',
  ) as tf.Variable<tf.Rank.R2>;
  const bias =
    options.bias === false
      ? undefined
      : (initialWeight(
          store,
          `${name}/bias`,
          [outUnits],
          limit,
          options.init,
          'bias',
        ) as tf.Variable<tf.Rank.R1>);
  return { kernel, bias };
}

/** Applies a dense layer (see `fastDense` in `@mi/core` for the wasm training path). */
export function applyDense(
  layer: DenseWeights,
  x: tf.Tensor2D,
  activation: DenseActivation = 'linear',
): tf.Tensor2D {
  return fastDense(x, layer.kernel, layer.bias, activation);
}

/** A stack of dense layers: hidden layers with an activation, then a linear output layer. */
export interface MlpWeights {
  readonly layers: readonly DenseWeights[];
}

/** Creates an MLP `inUnits → hiddenUnits… → outUnits` with layers named `${prefix}dense{k}`. */
export function createMlp(
  store: WeightStore,
  prefix: string,
  inUnits: number,
  hiddenUnits: readonly number[],
  outUnits: number,
  options: { outputBias?: boolean; init?: DenseInit } = {},
): MlpWeights {
  const sizes = [inUnits, ...hiddenUnits, outUnits];
  const layers: DenseWeights[] = [];
  for (let k = 0; k + 1 < sizes.length; k++) {
    const last = k + 2 === sizes.length;
    layers.push(
      createDense(store, `${prefix}dense${k}`, sizes[k]!, sizes[k + 1]!, {
        bias: !last || options.outputBias !== false,
        init: options.init,
      }),
    );
  }
  return { layers };
}

/** Runs an MLP: every layer but the last with `activation`, the last linear. */
export function applyMlp(
  mlp: MlpWeights,
  x: tf.Tensor2D,
  activation: DenseActivation,
): tf.Tensor2D {
  let h = x;
  mlp.layers.forEach((layer, k) => {
    h = applyDense(layer, h, k + 1 === mlp.layers.length ? 'linear' : activation);
  });
  return h;
}
