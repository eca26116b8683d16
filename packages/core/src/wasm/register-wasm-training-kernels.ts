import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterWasm } from './conv2d-backprop-filter';

/**
 * Registers the kernels that training needs and the wasm backend of tfjs 4.22 lacks. Today that
 * is `Conv2DBackpropFilter` (the filter gradient of `tf.conv2d`), without which no convolutional
 * network trains on wasm; see {@link conv2DBackpropFilterWasm} for how it is computed.
 *
 * Explicit and idempotent: importing `@mi/core` registers nothing; {@link initBackend} calls this
 * when it starts the wasm backend. A kernel that is already registered (by an earlier call, or by
 * a future tfjs that ships it) is left as it is. Returns the names of the kernels it registered.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmTrainingKernels(); // ['Conv2DBackpropFilter'] the first time, [] after
 * ```
 */
export function registerWasmTrainingKernels(): string[] {
  const registered: string[] = [];
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: conv2DBackpropFilterWasm as unknown as tf.KernelFunc,
    });
    registered.push('Conv2DBackpropFilter');
  }
  return registered;
}
