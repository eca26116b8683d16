import * as tf from '@tensorflow/tfjs-core';

/**
 * The part of tfjs-node's `NodeJSKernelBackend` that `@mi/core`'s kernels call to run TensorFlow
 * ops directly, without a TF.js kernel dispatch around each (no import: tfjs-node is an optional
 * peer). Outputs come back as tracked TF.js tensors.
 */
export interface NativeBackend {
  readonly binding: {
    readonly TF_ATTR_BOOL: number;
    readonly TF_ATTR_TYPE: number;
    readonly TF_ATTR_FLOAT: number;
    readonly TF_ATTR_INT: number;
    readonly TF_ATTR_STRING: number;
    readonly TF_ATTR_SHAPE: number;
    readonly TF_FLOAT: number;
    readonly TF_BOOL: number;
    readonly TF_INT32: number;
  };
  executeSingleOutput(name: string, attrs: readonly unknown[], inputs: tf.TensorInfo[]): tf.Tensor;
  /** The values of a tensor: JavaScript values not yet uploaded come back without a native call. */
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  executeMultipleOutputs(
    name: string,
    attrs: readonly unknown[],
    inputs: tf.TensorInfo[],
    outputs: number,
  ): tf.Tensor[];
}

/** `backend` as a {@link NativeBackend} when it is tfjs-node's (CPU or GPU build), else undefined. */
export function nativeBackend(backend: unknown): NativeBackend | undefined {
  const candidate = backend as Partial<NativeBackend> | null;
  return candidate !== null &&
    typeof candidate?.executeSingleOutput === 'function' &&
    typeof candidate.executeMultipleOutputs === 'function' &&
    typeof candidate.binding === 'object'
    ? (candidate as NativeBackend)
    : undefined;
}

/** The type attribute `name` (default `T`) set to float32. */
export const floatType = (native: NativeBackend, name = 'T') => ({
  name,
  type: native.binding.TF_ATTR_TYPE,
  value: native.binding.TF_FLOAT,
});

/** The type attribute `name` set to int32 (index and shape inputs). */
export const int32Type = (native: NativeBackend, name: string) => ({
  name,
  type: native.binding.TF_ATTR_TYPE,
  value: native.binding.TF_INT32,
});

export const boolAttr = (native: NativeBackend, name: string, value: boolean) => ({
  name,
  type: native.binding.TF_ATTR_BOOL,
  value,
});

/** A float32 scalar operand of a native op, made from a JavaScript number (an upload, not an op). */
export const floatScalar = (value: number): tf.Tensor => tf.scalar(value, 'float32');

/** An int32 operand (axes, shapes, indices) of a native op, from JavaScript numbers. */
export const int32Operand = (values: readonly number[] | number): tf.Tensor =>
  typeof values === 'number' ? tf.scalar(values, 'int32') : tf.tensor1d([...values], 'int32');

/** A TF.js tensor for a kernel input that may be a bare `TensorInfo`. */
export const asTensor = (info: tf.TensorInfo): tf.Tensor =>
  info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info);

/** TensorFlow's `Reshape` of `x` to `shape` (the shape is an int32 operand, reusable). */
export function nativeReshape(
  native: NativeBackend,
  x: tf.TensorInfo,
  shape: tf.Tensor,
): tf.Tensor {
  return native.executeSingleOutput(
    'Reshape',
    [floatType(native), int32Type(native, 'Tshape')],
    [x, shape],
  );
}
