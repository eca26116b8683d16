import type { BackendName } from '@mi/spec';

/** How one backend is started: the package that provides it and the name tfjs registers it under. */
export interface BackendCandidate {
  readonly name: BackendName;
  readonly packageName: string;
  /** The name passed to `tf.setBackend`. */
  readonly tfjsName: string;
}

/** Backends in the order `auto` tries them: fastest first (native GPU, native CPU, wasm SIMD, plain JavaScript). */
export const BACKEND_ORDER: readonly BackendCandidate[] = [
  { name: 'tensorflow-gpu', packageName: '@tensorflow/tfjs-node-gpu', tfjsName: 'tensorflow' },
  { name: 'tensorflow', packageName: '@tensorflow/tfjs-node', tfjsName: 'tensorflow' },
  { name: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm', tfjsName: 'wasm' },
  { name: 'cpu', packageName: '@tensorflow/tfjs-backend-cpu', tfjsName: 'cpu' },
];

/** Every accepted value of `MI_BACKEND` and of `initBackend`'s preference. */
export const BACKEND_PREFERENCES: readonly string[] = ['auto', ...BACKEND_ORDER.map((b) => b.name)];
