import * as tf from '@tensorflow/tfjs-core';

const marker = Symbol.for('@mi/core/replaced-kernel');

// The kernels each replacement displaced, so benchmarks can put them back and compare.
const displaced = new Map<string, tf.KernelConfig>();
const keyOf = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;

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
  if (stock === undefined || (stock as unknown as Record<symbol, unknown>)[marker] === true) {
    return false;
  }
  tf.unregisterKernel(kernelName, backendName);
  const replacement = { kernelName, backendName, kernelFunc: make(stock) } as tf.KernelConfig;
  (replacement as unknown as Record<symbol, unknown>)[marker] = true;
  tf.registerKernel(replacement);
  displaced.set(keyOf(kernelName, backendName), stock);
  return true;
}

/**
 * Puts back the stock kernels that {@link replaceKernel} displaced — all of them, or only those
 * named in `kernelNames` (for benchmarks that time the stock kernels against the replacements;
 * `registerWasmTrainingKernels()` or `registerTensorflowTrainingKernels()` installs the
 * replacements again). Returns the restored `backend/kernel` names.
 */
export function restoreStockKernels(kernelNames?: readonly string[]): string[] {
  const restored: string[] = [];
  for (const [key, stock] of displaced) {
    if (kernelNames !== undefined && !kernelNames.includes(stock.kernelName)) continue;
    tf.unregisterKernel(stock.kernelName, stock.backendName);
    tf.registerKernel(stock);
    restored.push(key);
    displaced.delete(key);
  }
  return restored;
}
