import * as tf from '@tensorflow/tfjs-core';

/**
 * Makes sure gradients are registered. `@tensorflow/tfjs-core` alone registers none, and its
 * `register_all_gradients` module cannot be imported from Node (extension-less ESM paths);
 * the node bundle of `@tensorflow/tfjs-layers` registers them all when loaded.
 */
export async function registerGradients(): Promise<void> {
  if (tf.getGradient('BatchMatMul') !== undefined) return;
  const specifier = '@tensorflow/tfjs-layers';
  await import(/* @vite-ignore */ specifier);
}
