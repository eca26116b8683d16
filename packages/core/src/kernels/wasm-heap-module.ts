import type * as tf from '@tensorflow/tfjs-core';
import type { WasmHeapBackend } from './slice-from-heap';

/** The parts of tfjs-backend-wasm's BackendWasm, and of its Emscripten module, used here. */
export interface WasmModuleBackend extends WasmHeapBackend {
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

/**
 * One export of a small WebAssembly module of this package that works on the wasm backend's heap
 * (it imports `env.memory`), compiled once and instantiated on first use on each backend memory
 * (a heap that grows keeps its Memory object, whose new size the instance sees). Synchronous:
 * the modules are under 4 KB, which browsers compile synchronously on the main thread.
 *
 * The returned function gives the export, or undefined, so that callers take another path,
 * where anything is missing: no Emscripten module or `getMemoryOffset` (another
 * tfjs-backend-wasm), no memory that is the heap's, a shared memory (the threaded build: the
 * modules import an unshared one), an engine without WebAssembly SIMD.
 */
export function heapModuleExport<F>(
  base64: string,
  exportName: string,
): (backend: unknown) => F | undefined {
  // The compiled module; null where it cannot compile (no WebAssembly SIMD, a CSP forbids it).
  let compiled: object | null | undefined;
  // The export on each backend memory, null where it cannot link.
  const instances = new WeakMap<object, F | null>();
  const compile = (api: WebAssemblyApi): object | null => {
    if (compiled === undefined) {
      try {
        const text = atob(base64);
        compiled = new api.Module(Uint8Array.from(text, (c) => c.charCodeAt(0)));
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
  return (backend) => {
    const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    const candidate = backend as Partial<WasmModuleBackend> | undefined;
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
    let exported = instances.get(memory);
    if (exported === undefined) {
      const module = compile(api);
      exported = null;
      if (module !== null) {
        try {
          const instance = new api.Instance(module, { env: { memory } });
          exported = (instance.exports[exportName] as F | undefined) ?? null;
        } catch {
          // Keeps null: this memory cannot take the module.
        }
      }
      instances.set(memory, exported);
    }
    return exported ?? undefined;
  };
}
