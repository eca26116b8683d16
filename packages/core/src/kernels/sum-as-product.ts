import * as tf from '@tensorflow/tfjs-core';
import { columnSumsWasmBase64 } from './column-sums-wasm.generated';
import { heapModuleExport, type WasmModuleBackend } from './wasm-heap-module';

/**
 * The `column_sums` export of `column-sums.wat`: byte offsets of src and dst, then the outer,
 * summed and inner sizes (dst[o][c] = Σ_r src[o][r][c], in order of r).
 */
type WasmColumnSums = (
  source: number,
  target: number,
  outer: number,
  rows: number,
  columns: number,
) => void;

/** `column-sums.wat` on the backend's heap, or undefined where it cannot run. */
export const wasmColumnSums: (backend: unknown) => WasmColumnSums | undefined = heapModuleExport(
  columnSumsWasmBase64,
  'column_sums',
);

/**
 * The [reduced, after] shape each tensor's data was last multiplied with as the right-hand operand.
 * tfjs-backend-wasm caches XNNPACK's packed copy of a product's right-hand operand by its data id
 * alone (not its shape), and `reshape` shares the data id: the same tensor reduced over different
 * leading axes would be multiplied with the packing made for the first shape, a silently wrong sum.
 */
const rightOperandShapes = new WeakMap<object, string>();

/**
 * A `Sum` kernel that reduces a contiguous block of axes of x, reshaped to [before, reduced,
 * after]. When axes follow the reduced ones (after > 1), on the wasm heap it adds the rows in order
 * (`column-sums.wat`, four columns at a time): the joint critic's broadcast gradients, a 64 × 64 ×
 * 256 array summed over either of its first two axes, take 0.12–0.16 ms each there, against 1.0 ms
 * over the middle axis as a batched product and up to ~3 ms over the first (XNNPACK packs the
 * product's right operand, new in every training step, before multiplying), and 10–17 ms in the
 * stock kernel (which transposes first). Otherwise it is a product with a ones vector, ones[1,
 * reduced] · x, or x · ones[reduced, 1] when nothing follows the reduced axes: on wasm the fast,
 * non-transposed matMul (a 4096 × 256 gradient summed over its rows in 0.25 ms). Other dtypes,
 * non-contiguous axes, and a tensor already multiplied as the right-hand operand in another shape
 * (see `rightOperandShapes`) go to the stock kernel; an empty x sums to zeros (tfjs-backend-wasm's
 * own kernel leaves its output unwritten then).
 */
export function sumAsProduct(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.Tensor;
    const { axis, keepDims } = args.attrs as unknown as {
      axis: number | number[];
      keepDims: boolean;
    };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const contiguous = axes.every((a, i) => i === 0 || a === (axes[i - 1] as number) + 1);
    if (x.dtype !== 'float32' || axes.length === 0 || !contiguous) return stock.kernelFunc(args);
    const size = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
    const first = axes[0] as number;
    const last = axes[axes.length - 1] as number;
    const before = size(x.shape.slice(0, first));
    const reduced = size(axes.map((a) => x.shape[a] as number));
    const after = size(x.shape.slice(last + 1));
    const outShape = keepDims
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_d, i) => !axes.includes(i));
    if (before * reduced * after === 0) return tf.zeros(outShape) as unknown as tf.TensorInfo;
    const columnSums = after > 1 ? wasmColumnSums(args.backend) : undefined;
    if (columnSums !== undefined) {
      const backend = args.backend as unknown as WasmModuleBackend;
      const out = backend.makeOutput(outShape, 'float32');
      // Byte offsets into the heap: they stay valid when an allocation grows it (views would not).
      const source = backend.getMemoryOffset(x.dataId);
      columnSums(source, backend.getMemoryOffset(out.dataId), before, reduced, after);
      return out;
    }
    // Only a product with batch 1 takes the cached XNNPACK path, so only then does x's shape as
    // the right-hand operand matter.
    if (after > 1 && before === 1) {
      const shape = `${reduced}x${after}`;
      const seen = rightOperandShapes.get(x.dataId);
      if (seen !== undefined && seen !== shape) return stock.kernelFunc(args);
      rightOperandShapes.set(x.dataId, shape);
    }
    return tf.tidy(() => {
      const summed =
        after === 1
          ? tf.matMul(tf.reshape(x, [before, reduced]), tf.ones([reduced, 1]))
          : before === 1
            ? tf.matMul(tf.ones([1, reduced]), tf.reshape(x, [reduced, after]))
            : tf.matMul(tf.ones([before, 1, reduced]), tf.reshape(x, [before, reduced, after]));
      return tf.reshape(summed, outShape);
    }) as unknown as tf.TensorInfo;
  };
}
