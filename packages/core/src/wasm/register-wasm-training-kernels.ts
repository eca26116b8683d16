import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropInputPolyphase } from '../kernels/conv2d-backprop-input-polyphase';
import { replaceKernel } from '../kernels/replace-kernel';
import { sumAsProduct } from '../kernels/sum-as-product';
import { conv2DBackpropFilterWasm } from './conv2d-backprop-filter';

/**
 * Registers the kernels that training needs and the wasm backend of tfjs 4.22 lacks:
 * `Conv2DBackpropFilter` (the filter gradient of `tf.conv2d`), without which no convolutional
 * network trains on wasm (see {@link conv2DBackpropFilterWasm}); and replaces two slow ones:
 * `Sum` by a ones-vector product ({@link sumAsProduct}: the bias and broadcast gradients of the
 * dense layers) and the stride-2 `Conv2DBackpropInput` by four stride-1 convolutions
 * ({@link conv2DBackpropInputPolyphase}), which together take the CNN critic's step from 2.9 s
 * to 1.4 s and the joint critic's from ~102 to ~88 ms.
 *
 * Explicit and idempotent: importing `@mi/core` registers nothing; {@link initBackend} calls this
 * when it starts the wasm backend. A kernel that is already registered (by an earlier call, or by
 * a future tfjs that ships it) is left as it is. Returns the names of the kernels it registered.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmTrainingKernels(); // ['Conv2DBackpropFilter', 'Sum', 'Conv2DBackpropInput'], then []
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
  if (replaceKernel('Sum', 'wasm', sumAsProduct)) registered.push('Sum');
  if (replaceKernel('Conv2DBackpropInput', 'wasm', conv2DBackpropInputPolyphase)) {
    registered.push('Conv2DBackpropInput');
  }
  return registered;
}
