/**
 * How `@mi/core`'s score-matrix helpers run ({@link infoNCEParts}, `diagonal`, `maskDiagonal`,
 * `logMeanExpOffDiagonal`, `meanOffDiagonal`): `fused` (the default) as one kernel each with a
 * written gradient on cpu, wasm and tensorflow; `stock` composed of TF.js ops (masks built from
 * index comparisons, `tf.where`, `tf.logSumExp`, means) and differentiated by tfjs, as before
 * the kernels existed: for benchmarks and tests that compare the two. Other backends always
 * compose.
 */
export type BoundKernelMode = 'fused' | 'stock';

let mode: BoundKernelMode = 'fused';

/** Chooses how the score-matrix helpers run (see {@link BoundKernelMode}); returns the previous mode. */
export function setBoundKernels(next: BoundKernelMode): BoundKernelMode {
  if (next !== 'fused' && next !== 'stock') {
    throw new TypeError(`setBoundKernels: expected 'fused' or 'stock', received ${String(next)}`);
  }
  const previous = mode;
  mode = next;
  return previous;
}

/** Whether the score-matrix helpers may use their fused kernels now. */
export const fusedBoundKernels = (): boolean => mode === 'fused';
