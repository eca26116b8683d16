import type { OptimizerOptions } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { FlatAdamOptimizer } from './flat-adam';

/** The optimiser options with the papers' defaults: Adam, lr 5e-4, β = (0.9, 0.999). */
export function resolveOptimizer(
  options: OptimizerOptions | undefined,
): Required<Pick<OptimizerOptions, 'kind'>> & OptimizerOptions {
  if (options?.kind === 'sgd') return { learningRate: 1e-3, momentum: 0, ...options };
  return { kind: 'adam', learningRate: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, ...options };
}

/**
 * Builds the optimiser: Adam as {@link FlatAdamOptimizer} (one kernel for all the variables below
 * 2¹⁹ entries together and one for each larger one on cpu, wasm and tfjs-node, 15 and 14 on
 * webgl; `tf.train.adam`'s arithmetic bit for bit, except on tfjs-node, where TensorFlow's
 * `ResourceApplyAdam` agrees with it to float32 rounding), SGD and momentum from TF.js.
 */
export function createOptimizer(options: OptimizerOptions): tf.Optimizer {
  if (options.kind === 'sgd') {
    return (options.momentum ?? 0) > 0
      ? tf.train.momentum(options.learningRate ?? 1e-3, options.momentum ?? 0)
      : tf.train.sgd(options.learningRate ?? 1e-3);
  }
  return new FlatAdamOptimizer(
    options.learningRate ?? 5e-4,
    options.beta1 ?? 0.9,
    options.beta2 ?? 0.999,
    options.epsilon ?? 1e-8,
  );
}

/**
 * Rescales gradients so that their global L2 norm is at most `maxNorm` (Pascanu et al. 2013).
 * Returns new tensors; the caller disposes the input map.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const values = Object.values(grads);
    const norm = tf.sqrt(tf.addN(values.map((g) => tf.sum(tf.square(g)))));
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)]));
  });
}
