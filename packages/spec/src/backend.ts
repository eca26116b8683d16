/**
 * TensorFlow.js backends in the order `auto` tries them: CUDA through
 * `@tensorflow/tfjs-node-gpu`, the native CPU library through `@tensorflow/tfjs-node`,
 * WebAssembly (`@tensorflow/tfjs-backend-wasm`), and pure JavaScript (`@tensorflow/tfjs-backend-cpu`).
 */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** A backend name or `auto` (the first that starts, in {@link BackendName} order). */
export type BackendPreference = BackendName | 'auto';

/** What `initBackend` started. */
export interface BackendInfo {
  /** The backend in our naming. */
  readonly name: BackendName;
  /** `tf.getBackend()` after start-up (`tensorflow` for both native packages). */
  readonly tfjsName: string;
  /** The npm package that provides it and its version. */
  readonly packageName: string;
  readonly packageVersion: string | undefined;
  /** Backends tried first that were not available, with why. */
  readonly skipped: readonly { readonly name: BackendName; readonly reason: string }[];
}
