import type * as tf from '@tensorflow/tfjs-core';
import { transposeWasmBase64 } from './transpose-wasm.generated';
import { heapModuleExport, type WasmModuleBackend } from './wasm-heap-module';

/**
 * The `transpose` export of `transpose.wat`: byte offsets of src and dst, rows, cols, then the
 * entries from one row to the next in src and in dst.
 */
type WasmTranspose = (
  source: number,
  target: number,
  rows: number,
  columns: number,
  sourceStride: number,
  targetStride: number,
) => void;

/** `transpose.wat` on the backend's heap, or undefined where it cannot run. */
export const wasmTranspose: (backend: unknown) => WasmTranspose | undefined = heapModuleExport(
  transposeWasmBase64,
  'transpose',
);

/**
 * A permutation as matrix transposes: the input read as `outer × rows × middle × columns`
 * becomes `outer × columns × middle × rows`, that is `outer · middle` transposes of
 * `rows × columns` matrices whose rows lie `middle · columns` entries apart (and
 * `middle · rows` in the output).
 */
export interface TransposePlan {
  readonly outer: number;
  readonly rows: number;
  readonly middle: number;
  readonly columns: number;
}

/**
 * Whether transposing `shape` by `perm` moves matrices, and which ({@link TransposePlan}). Axes
 * of size 1 are dropped and axes that stay next to each other in the same order are merged;
 * what is left must be `[1, 0]` (a matrix), `[0, 2, 1]` (a batch of them), `[2, 1, 0]` (the
 * outer groups swapped around a middle one: `[3, 1, 2, 0]` on a 4-D array) or `[0, 3, 2, 1]`.
 * Undefined otherwise (`[1, 0, 2]`, which moves blocks, not entries; the identity; anything
 * that is not a permutation of the axes, which `tf.transpose` does not reject).
 */
export function transposePlan(
  shape: readonly number[],
  perm: readonly number[],
): TransposePlan | undefined {
  const rankOf = shape.length;
  if (
    perm.length !== rankOf ||
    new Set(perm).size !== rankOf ||
    perm.some((axis) => !Number.isInteger(axis) || axis < 0 || axis >= rankOf)
  ) {
    return undefined;
  }
  const kept = perm.filter((axis) => shape[axis] !== 1);
  const inputOrder = [...kept].sort((a, b) => a - b);
  // Runs of axes that are consecutive in the input and stay so in the output, as groups.
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups[groups.length - 1];
    const follows =
      last !== undefined &&
      inputOrder.indexOf(axis) === inputOrder.indexOf(last[last.length - 1]!) + 1;
    if (follows) last.push(axis);
    else groups.push([axis]);
  }
  // The groups in input order, and the output's order of them.
  const byInput = [...groups].sort((a, b) => a[0]! - b[0]!);
  const order = groups.map((group) => byInput.indexOf(group)).join(',');
  const size = (k: number) => byInput[k]!.reduce((product, axis) => product * shape[axis]!, 1);
  switch (order) {
    case '1,0':
      return { outer: 1, rows: size(0), middle: 1, columns: size(1) };
    case '0,2,1':
      return { outer: size(0), rows: size(1), middle: 1, columns: size(2) };
    case '2,1,0':
      return { outer: 1, rows: size(0), middle: size(1), columns: size(2) };
    case '0,3,2,1':
      return { outer: size(0), rows: size(1), middle: size(2), columns: size(3) };
    default:
      return undefined;
  }
}

/**
 * `Transpose` for the wasm backend: permutations that move matrices ({@link transposePlan}) of
 * 4-byte entries (float32, int32) run `transpose.wat`, a tiled SIMD transpose on the heap; others
 * go to the stock kernel, as do many tiny matrices (under 64 entries each, where a call per
 * matrix costs more than the stock loop). The stock kernel moves one entry per loop iteration,
 * striding through its input: a 4096 × 256 float32 matrix (the joint critic's activations, whose
 * transposes feed the weight gradients) took 9.9 ms there and 1.8 ms here.
 */
export function transposeOnHeap(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const { perm } = args.attrs as unknown as { perm: number[] };
    const transpose = wasmTranspose(args.backend);
    const plan = transposePlan(x.shape, perm);
    if (
      transpose === undefined ||
      plan === undefined ||
      plan.outer * plan.rows * plan.middle * plan.columns === 0 ||
      (plan.rows * plan.columns < 64 && plan.outer * plan.middle > 1) ||
      (x.dtype !== 'float32' && x.dtype !== 'int32')
    ) {
      return stock.kernelFunc(args);
    }
    const backend = args.backend as unknown as WasmModuleBackend;
    const out = backend.makeOutput(
      perm.map((axis) => x.shape[axis] as number),
      x.dtype,
    );
    // Byte offsets into the heap: they stay valid when an allocation grows it (views would not).
    const source = backend.getMemoryOffset(x.dataId);
    const target = backend.getMemoryOffset(out.dataId);
    const { outer, rows, middle, columns } = plan;
    const block = 4 * rows * middle * columns;
    for (let o = 0; o < outer; o++) {
      for (let m = 0; m < middle; m++) {
        transpose(
          source + o * block + 4 * m * columns,
          target + o * block + 4 * m * rows,
          rows,
          columns,
          middle * columns,
          middle * rows,
        );
      }
    }
    return out;
  };
}
