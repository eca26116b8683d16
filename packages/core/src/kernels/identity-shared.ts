import type * as tf from '@tensorflow/tfjs-core';

/**
 * `Identity` that shares the input's data (one more reference) instead of copying it, as the cpu
 * and tfjs-node backends do. tfjs-backend-wasm copies: every tensor the gradient tape saves goes
 * through `Identity` (the engine clones it), so a training step copied each saved activation
 * once more — the joint critic's 4096 × 256 maps several times a step. TF.js tensors are
 * immutable (a variable's `assign` points it at new data), so sharing is safe; `string` tensors
 * keep the stock kernel.
 */
export function identityShared(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    if (x.dtype === 'string') return stock.kernelFunc(args);
    (args.backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
