import * as tf from '@tensorflow/tfjs-core';
import { assertShape } from '../validate/assert-shape';
import { hostKernels, runOnHostMemory } from './host-memory';
import { ensureKernelFamily } from './kernel-family';
import {
  floatType,
  int32Operand,
  int32Type,
  type NativeBackend,
  nativeBackend,
  nativeReshape,
} from './native-backend';

/** Kernel names; the `Mi` prefix keeps them apart from TF.js's own. */
const CONCAT_FLAT_KERNEL = 'MiConcatFlat';
const SPLIT_ADD_KERNEL = 'MiSplitAdd';

const size = (shape: readonly number[]) => shape.reduce((product, d) => product * d, 1);

/** cpu and wasm: copies into one output. */
function makeHostConcat(backendName: string): tf.KernelConfig {
  return {
    kernelName: CONCAT_FLAT_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const pieces = Object.values(inputs) as tf.TensorInfo[];
      const total = pieces.reduce((sum, piece) => sum + size(piece.shape), 0);
      const [flat] = runOnHostMemory(backendName, backend, pieces, [[total]], (values, [out]) => {
        let offset = 0;
        for (const piece of values) {
          (out as Float32Array).set(piece, offset);
          offset += piece.length;
        }
      }) as tf.TensorInfo[];
      return flat as tf.TensorInfo;
    },
  };
}

/**
 * cpu and wasm: the pieces copied out of `flat` (memory copies, shaped as the addends), then the
 * backend's own `Add` on each, called directly: the same float32 sums as `tf.add`, without a
 * dispatch per piece (a JavaScript loop over the sums runs ~15× slower than wasm's SIMD `Add`).
 */
function makeHostSplitAdd(backendName: string): tf.KernelConfig {
  return {
    kernelName: SPLIT_ADD_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const [flat, ...addends] = Object.values(inputs) as tf.TensorInfo[];
      const pieces = runOnHostMemory(
        backendName,
        backend,
        [flat as tf.TensorInfo],
        addends.map((addend) => [...addend.shape]),
        ([values], outputs) => {
          let offset = 0;
          for (const out of outputs) {
            out.set((values as Float32Array).subarray(offset, offset + out.length));
            offset += out.length;
          }
        },
      ) as tf.TensorInfo[];
      const kernels = hostKernels(backendName, backend);
      return addends.map((addend, k) => {
        const piece = pieces[k] as tf.TensorInfo;
        const sum = kernels.call('Add', { a: piece, b: addend });
        kernels.release(piece);
        return sum;
      });
    },
  };
}

/**
 * tensorflow: the pieces flattened (a `Reshape` where one is not 1-D) and joined by one
 * `ConcatV2`, through the binding; a single piece is only reshaped (a new handle on its data).
 */
export function nativeConcatFlat(
  native: NativeBackend,
  pieces: readonly tf.TensorInfo[],
): tf.Tensor {
  return tf.tidy(() => {
    const flatShape = int32Operand([-1]);
    if (pieces.length === 1) return nativeReshape(native, pieces[0] as tf.TensorInfo, flatShape);
    const flat = pieces.map((piece) =>
      piece.shape.length === 1 ? piece : nativeReshape(native, piece, flatShape),
    );
    return native.executeSingleOutput(
      'ConcatV2',
      [
        { name: 'N', type: native.binding.TF_ATTR_INT, value: pieces.length },
        floatType(native),
        int32Type(native, 'Tidx'),
      ],
      [...flat, int32Operand(0)],
    );
  });
}

/**
 * tensorflow: the consecutive blocks of the 1-D `flat`, shaped as `shapes` (one `SplitV`, then a
 * `Reshape` where a shape is not 1-D), through the binding. New tensors, owned by the caller.
 */
export function nativeSplitShaped(
  native: NativeBackend,
  flat: tf.TensorInfo,
  shapes: readonly (readonly number[])[],
): tf.Tensor[] {
  return tf.tidy(() => {
    const pieces: readonly tf.TensorInfo[] =
      shapes.length === 1
        ? [flat]
        : native.executeMultipleOutputs(
            'SplitV',
            [
              { name: 'num_split', type: native.binding.TF_ATTR_INT, value: shapes.length },
              floatType(native),
              int32Type(native, 'Tlen'),
            ],
            [flat, int32Operand(shapes.map(size)), int32Operand(0)],
            shapes.length,
          );
    return shapes.map((shape, k) => {
      const piece = pieces[k] as tf.TensorInfo;
      return shape.length === 1 && shapes.length > 1
        ? (piece as tf.Tensor)
        : nativeReshape(native, piece, int32Operand([...shape]));
    });
  });
}

/** tensorflow: {@link nativeConcatFlat} as one TF.js kernel. */
function makeNativeConcat(): tf.KernelConfig {
  return {
    kernelName: CONCAT_FLAT_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) =>
      nativeConcatFlat(
        nativeBackend(backend) as NativeBackend,
        Object.values(inputs) as tf.TensorInfo[],
      ) as unknown as tf.TensorInfo,
  };
}

/** tensorflow: {@link nativeSplitShaped}, then one `AddV2` per piece. */
function makeNativeSplitAdd(): tf.KernelConfig {
  return {
    kernelName: SPLIT_ADD_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const native = nativeBackend(backend) as NativeBackend;
      const [flat, ...addends] = Object.values(inputs) as tf.TensorInfo[];
      const pieces = nativeSplitShaped(
        native,
        flat as tf.TensorInfo,
        addends.map((addend) => addend.shape),
      );
      return addends.map((addend, k) => {
        const sum = native.executeSingleOutput(
          'AddV2',
          [floatType(native)],
          [pieces[k] as tf.Tensor, addend],
        );
        (pieces[k] as tf.Tensor).dispose();
        return sum;
      }) as unknown as tf.TensorInfo[];
    },
  };
}

/** Registers the kernels for the active backend on first use; false where there are none. */
function ensureFlatPieceKernels(): boolean {
  return ensureKernelFamily({
    probe: CONCAT_FLAT_KERNEL,
    host: (backendName) => [makeHostConcat(backendName), makeHostSplitAdd(backendName)],
    native: () => [makeNativeConcat(), makeNativeSplitAdd()],
  });
}

// Kernel inputs are read back with Object.values: names that are not array indices keep their order.
const named = (prefix: string, tensors: readonly tf.Tensor[]): tf.NamedTensorMap =>
  Object.fromEntries(tensors.map((t, k) => [`${prefix}${k}`, t]));

const fused = (tensors: readonly tf.Tensor[]) =>
  tensors.length >= 2 && tensors.every((t) => t.dtype === 'float32') && ensureFlatPieceKernels();

/**
 * The entries of every tensor, flattened, one after another: what a flat optimiser concatenates
 * its gradients into. One kernel dispatch on cpu, wasm and tensorflow, instead of a `Reshape` per
 * tensor and a `Concat` (on tfjs-node each `Reshape` is a TensorFlow op with a shape tensor
 * uploaded for it); composed of TF.js ops elsewhere. Not differentiable.
 *
 * @example
 * ```ts
 * concatFlat([tf.ones([2, 2]), tf.zeros([3])]); // [1, 1, 1, 1, 0, 0, 0]
 * ```
 */
export function concatFlat(tensors: readonly tf.Tensor[]): tf.Tensor1D {
  if (!fused(tensors)) {
    return tf.tidy(() =>
      tf.concat(tensors.map((t) => (t.rank === 1 ? t : tf.reshape(t, [-1])))),
    ) as tf.Tensor1D;
  }
  return tf.engine().runKernel(CONCAT_FLAT_KERNEL, named('piece', tensors)) as tf.Tensor1D;
}

/**
 * `addends[k] + piece_k`, where piece_k is the k-th block of `flat` (the blocks follow one another
 * and have the addends' sizes) shaped as `addends[k]`: how a flat optimiser applies its update to
 * each variable. Element by element the same float32 sums as `tf.add`; one kernel dispatch on
 * cpu, wasm and tensorflow instead of a `SplitV`, a `Reshape` and an `Add` per tensor. Not
 * differentiable.
 *
 * @example
 * ```ts
 * splitAdd(tf.tensor1d([1, 2, 3]), [tf.zeros([2]), tf.ones([1, 1])]); // [1, 2], [[4]]
 * ```
 */
export function splitAdd(flat: tf.Tensor1D, addends: readonly tf.Tensor[]): tf.Tensor[] {
  const total = addends.reduce((sum, addend) => sum + addend.size, 0);
  assertShape('splitAdd', 'flat', flat, [total], "a vector as long as the addends' sizes together");
  if (!fused([flat, ...addends])) {
    return tf.tidy(() => {
      const pieces = tf.split(
        flat,
        addends.map((addend) => addend.size),
      );
      return addends.map((addend, k) =>
        tf.add(tf.reshape(pieces[k] as tf.Tensor, addend.shape), addend),
      );
    });
  }
  return tf
    .engine()
    .runKernel(SPLIT_ADD_KERNEL, { flat, ...named('addend', addends) }) as tf.Tensor[];
}
