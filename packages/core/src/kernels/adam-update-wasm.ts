import { adamUpdateWasmBase64 } from './adam-update-wasm.generated';
import { heapModuleExport, type WasmModuleBackend } from './wasm-heap-module';

/** The parts of the wasm backend the Adam module needs. */
export type WasmAdamBackend = WasmModuleBackend;

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

/**
 * The WebAssembly SIMD Adam update of `adam-update.wat` on the backend's heap (see
 * {@link heapModuleExport}), or undefined where it cannot run.
 */
export const wasmAdamUpdate: (backend: unknown) => WasmAdamUpdate | undefined = heapModuleExport(
  adamUpdateWasmBase64,
  'update',
);
