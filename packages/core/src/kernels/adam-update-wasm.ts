import type * as tf from '@tensorflow/tfjs-core';
import { adamUpdateWasmBase64 } from './adam-update-wasm.generated';
import type { WasmHeapBackend } from './slice-from-heap';

/** The parts of tfjs-backend-wasm's BackendWasm, and of its Emscripten module, used here. */
export interface WasmAdamBackend extends WasmHeapBackend {
  getMemoryOffset(dataId: tf.DataId): number;
  /**
   * The Emscripten module: `asm` holds the instance's exports, `memory` among them in the builds
   * that make their own memory (the threaded build imports a shared one instead), and `HEAPU8`
   * views the memory's current buffer.
   */
  readonly wasm?: {
    readonly asm?: { readonly memory?: unknown };
    readonly HEAPU8?: { readonly buffer: unknown };
  };
}

/**
 * The `update` export of `adam-update.wat`: byte offsets of m, v, g, θ and of the new m, v, θ on
 * the heap, the number of entries, whether there is a gradient (0: g counts as zero, unread),
 * then β₁, 1 − β₁, β₂, 1 − β₂, 1 − β₁ᵗ, 1 − β₂ᵗ, ε and −lr as float32 numbers.
 */
export type WasmAdamUpdate = (
  m: number,
  v: number,
  g: number,
  theta: number,
  newM: number,
  newV: number,
  newTheta: number,
  n: number,
  hasGradient: number,
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  correction1: number,
  correction2: number,
  epsilon: number,
  negativeLearningRate: number,
) => void;

// The part of the WebAssembly JavaScript API used here (the project's libraries, ES2023 and
// @types/node 20, declare none of it).
interface WebAssemblyMemory {
  readonly buffer: ArrayBuffer;
}
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (
    module: object,
    imports: object,
  ) => { readonly exports: Readonly<Record<string, unknown>> };
  readonly Memory: abstract new (...args: never[]) => WebAssemblyMemory;
}

/** The compiled module; null where it cannot compile (no WebAssembly SIMD, a CSP forbids it). */
let compiled: object | null | undefined;
/** The instance on each backend memory, null where it cannot link. */
const instances = new WeakMap<object, WasmAdamUpdate | null>();

function compile(api: WebAssemblyApi): object | null {
  if (compiled === undefined) {
    try {
      const text = atob(adamUpdateWasmBase64);
      compiled = new api.Module(Uint8Array.from(text, (c) => c.charCodeAt(0)));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * The WebAssembly SIMD Adam update of `adam-update.wat`, instantiated on first use on the
 * backend's memory and kept per memory (a heap that grows keeps its Memory object, whose new
 * size the instance sees). Synchronous: the module is under 1 KB, below the 4 KB that browsers
 * compile synchronously on the main thread. Undefined, so that callers take another path, where
 * anything is missing: no Emscripten module or `getMemoryOffset` (another tfjs-backend-wasm), no
 * memory that is the heap's, a shared memory (the threaded build: the module imports an unshared
 * one), an engine without WebAssembly SIMD.
 */
export function wasmAdamUpdate(backend: unknown): WasmAdamUpdate | undefined {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  const candidate = backend as Partial<WasmAdamBackend> | undefined;
  const memory = candidate?.wasm?.asm?.memory;
  if (
    api === undefined ||
    typeof candidate?.getMemoryOffset !== 'function' ||
    !(memory instanceof api.Memory) ||
    // The heap tfjs reads and writes, not some other memory of the module.
    memory.buffer !== candidate.wasm?.HEAPU8?.buffer ||
    !(memory.buffer instanceof ArrayBuffer)
  ) {
    return undefined;
  }
  let update = instances.get(memory);
  if (update === undefined) {
    const module = compile(api);
    update = null;
    if (module !== null) {
      try {
        const instance = new api.Instance(module, { env: { memory } });
        update = instance.exports['update'] as WasmAdamUpdate;
      } catch {
        // Keeps null: this memory cannot take the module.
      }
    }
    instances.set(memory, update);
  }
  return update ?? undefined;
}
