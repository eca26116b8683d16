import * as tf from '@tensorflow/tfjs-core';

// The part of tfjs-backend-wasm's BackendWasm these kernels use.
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

const copyable = (dtype: tf.DataType) =>
  dtype === 'float32' || dtype === 'int32' || dtype === 'bool';

/**
 * Copies contiguous pieces of `x` into new outputs, reading `x` in place on the wasm heap. All
 * outputs are allocated before any heap view is taken: an allocation can grow the heap and
 * detach earlier views.
 */
function copyPieces(
  backend: WasmHeapBackend,
  x: tf.TensorInfo,
  pieces: readonly { readonly offset: number; readonly shape: number[] }[],
): tf.TensorInfo[] {
  const outputs = pieces.map((piece) => backend.makeOutput(piece.shape, x.dtype));
  const source = backend.typedArrayFromHeap(x);
  pieces.forEach((piece, k) => {
    const target = backend.typedArrayFromHeap(outputs[k]!);
    target.set(source.subarray(piece.offset, piece.offset + target.length));
  });
  return outputs;
}

/**
 * `Slice` for contiguous slices (a block of rows, any leading index), copied straight from the
 * wasm heap. tfjs-backend-wasm's own kernel first reads the whole input out of the heap
 * (`readSync` copies it) for every slice: cutting a 26 MB buffer into pieces cost ~400 ms per
 * Adam step of a 6.6 M-parameter network. Other slices go to the stock kernel.
 */
export function sliceFromHeap(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const { begin, size } = args.attrs as unknown as {
      begin: number | number[];
      size: number | number[];
    };
    if (!copyable(x.dtype)) return stock.kernelFunc(args);
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size) as [
      number[],
      number[],
    ];
    if (!tf.slice_util.isSliceContinous(x.shape, begin_, size_)) return stock.kernelFunc(args);
    const offset = tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
    const [out] = copyPieces(args.backend as unknown as WasmHeapBackend, x, [
      { offset, shape: size_ },
    ]);
    return out!;
  };
}

/**
 * `SplitV` along an axis with only size-1 axes before it (so every piece is contiguous: the
 * flat parameter vector of `@mi/train`'s Adam), copied straight from the wasm heap in one pass;
 * the stock kernel slices piece by piece, each slice copying the whole input out of the heap
 * first. Other splits go to the stock kernel.
 */
export function splitVFromHeap(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const { numOrSizeSplits, axis } = args.attrs as unknown as {
      numOrSizeSplits: number | number[];
      axis: number;
    };
    if (!copyable(x.dtype)) return stock.kernelFunc(args);
    const [at] = tf.util.parseAxisParam(axis, x.shape);
    if (at === undefined || x.shape.slice(0, at).some((d) => d !== 1)) {
      return stock.kernelFunc(args);
    }
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, at);
    const inner = tf.util.sizeFromShape(x.shape.slice(at + 1));
    let offset = 0;
    const pieces = sizes.map((s) => {
      const shape = [...x.shape];
      shape[at] = s;
      const piece = { offset, shape };
      offset += s * inner;
      return piece;
    });
    return copyPieces(args.backend as unknown as WasmHeapBackend, x, pieces);
  };
}
