import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropInputPolyphase } from '../kernels/conv2d-backprop-input-polyphase';
import { identityShared } from '../kernels/identity-shared';
import { replaceKernel } from '../kernels/replace-kernel';
import { sliceFromHeap, splitVFromHeap } from '../kernels/slice-from-heap';
import { sumAsProduct } from '../kernels/sum-as-product';
import { transposeOnHeap } from '../kernels/transpose-on-heap';
import { conv2DBackpropFilterWasm } from './conv2d-backprop-filter';

/**
 * Registers the kernels that training needs and the wasm backend of tfjs 4.22 lacks:
 * `Conv2DBackpropFilter` (the filter gradient of `tf.conv2d`), without which no convolutional
 * network trains on wasm (see {@link conv2DBackpropFilterWasm}); and replaces two slow ones: `Sum`
 * by in-order row sums on the heap or a ones-vector product ({@link sumAsProduct}: the bias and
 * broadcast gradients of the dense layers) and the stride-2 `Conv2DBackpropInput` by four stride-1
 * convolutions ({@link conv2DBackpropInputPolyphase}), which together take the CNN critic's step
 * from 2.9 s to 1.4 s and the joint critic's from ~102 to ~88 ms; and `Identity`, which the
 * gradient tape runs on every tensor it saves, by one that shares the data instead of copying it
 * ({@link identityShared}); and `Slice` and `SplitV` of contiguous pieces by copies straight from
 * the heap ({@link sliceFromHeap}, {@link splitVFromHeap}: the stock kernels copy the whole input
 * out of the heap for every piece, ~400 ms per Adam step of a 6.6 M-parameter network); and
 * `Transpose` of whole matrices by a tiled SIMD transpose on the heap ({@link transposeOnHeap}:
 * 4096 × 256, the transposes behind the joint critic's weight gradients, 9.9 → 1.8 ms).
 *
 * Explicit and idempotent: importing `@mi/core` registers nothing; {@link initBackend} calls this
 * when it starts the wasm backend. A kernel that is already registered (by an earlier call, or by
 * a future tfjs that ships it) is left as it is. Returns the names of the kernels it registered.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmTrainingKernels(); // ['Conv2DBackpropFilter', 'Sum', 'Conv2DBackpropInput', 'Identity', 'Slice', 'SplitV', 'Transpose'], then []
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
  if (replaceKernel('Identity', 'wasm', identityShared)) registered.push('Identity');
  if (replaceKernel('Slice', 'wasm', sliceFromHeap)) registered.push('Slice');
  if (replaceKernel('SplitV', 'wasm', splitVFromHeap)) registered.push('SplitV');
  if (replaceKernel('Transpose', 'wasm', transposeOnHeap)) registered.push('Transpose');
  return registered;
}
