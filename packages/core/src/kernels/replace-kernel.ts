import * as tf from '@tensorflow/tfjs-core';

const marker = Symbol.for('@mi/core/replaced-kernel');

/**
 * Replaces the kernel `kernelName` of `backendName` with `make(stock)`, where `stock` is the
 * kernel it replaces (for the cases the replacement does not handle). Idempotent: a kernel
 * already replaced by this function is left alone. Returns whether it replaced anything.
 */
export function replaceKernel(
  kernelName: string,
  backendName: string,
  make: (stock: tf.KernelConfig) => tf.KernelFunc,
): boolean {
  const stock = tf.getKernel(kernelName, backendName);
  if (stock === undefined || (stock as unknown as Record<symbol, unknown>)[marker] === true)
    return false;
  tf.unregisterKernel(kernelName, backendName);
  const replacement = { kernelName, backendName, kernelFunc: make(stock) } as tf.KernelConfig;
  (replacement as unknown as Record<symbol, unknown>)[marker] = true;
  tf.registerKernel(replacement);
  return true;
}
