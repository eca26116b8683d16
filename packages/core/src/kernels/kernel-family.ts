import * as tf from '@tensorflow/tfjs-core';
import { nativeBackend } from './native-backend';

/**
 * A family of fused kernels with a host (cpu, wasm) implementation and, optionally, a native
 * (tfjs-node) one.
 */
export interface KernelFamily {
  /** One kernel of the family: the family counts as registered when this one is. */
  readonly probe: string;
  /** The configs for the cpu or wasm backend, computed on the backend's own memory. */
  readonly host: (backendName: string) => readonly tf.KernelConfig[];
  /**
   * The configs for tfjs-node, built from TensorFlow ops through the native binding; none for a
   * host-only family, which then does not run on tfjs-node.
   */
  readonly native?: () => readonly tf.KernelConfig[];
  /** Registers the family's gradients (idempotent); none for a family without gradients. */
  readonly registerGradients?: () => void;
}

/**
 * Registers a kernel family for the active backend on first use and says whether it runs there:
 * false on a backend without an implementation (webgl, a tfjs-node without its binding, tfjs-node
 * for a host-only family), where the caller composes stock ops instead. Registration is lazy so
 * that importing a package has no side effects.
 */
export function ensureKernelFamily(family: KernelFamily): boolean {
  const backendName = tf.getBackend();
  if (tf.getKernel(family.probe, backendName) === undefined) {
    if (backendName === 'cpu' || backendName === 'wasm') {
      for (const config of family.host(backendName)) tf.registerKernel(config);
    } else if (
      backendName === 'tensorflow' &&
      family.native !== undefined &&
      nativeBackend(tf.backend()) !== undefined
    ) {
      for (const config of family.native()) tf.registerKernel(config);
    } else {
      return false;
    }
  }
  family.registerGradients?.();
  return true;
}
