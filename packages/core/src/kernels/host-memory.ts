import * as tf from '@tensorflow/tfjs-core';
import type { WasmHeapBackend } from './slice-from-heap';

// The part of tfjs-backend-cpu's MathBackendCPU these kernels use.
interface CpuBackend {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/**
 * Runs a kernel written in JavaScript on float32 tensors of the cpu or wasm backend, with no
 * copies: the cpu backend keeps JavaScript arrays; on wasm the inputs and outputs are views of
 * the heap, taken after every output is allocated (an allocation can grow the heap and detach
 * earlier views), so `body` must not make tensors, and must write every entry of its outputs
 * (the heap is not zeroed). Returns the outputs, or undefined for other backends.
 */
export function runOnHostMemory(
  backendName: string,
  backend: unknown,
  inputs: readonly tf.TensorInfo[],
  outputShapes: readonly number[][],
  body: (inputs: readonly Float32Array[], outputs: readonly Float32Array[]) => void,
): tf.TensorInfo[] | undefined {
  if (backendName === 'cpu') {
    const cpu = backend as CpuBackend;
    const outputs = outputShapes.map(
      (shape) => new Float32Array(shape.reduce((size, d) => size * d, 1)),
    );
    body(
      inputs.map((info) => cpu.readSync(info.dataId) as Float32Array),
      outputs,
    );
    return outputs.map((values, k) => cpu.makeTensorInfo([...outputShapes[k]!], 'float32', values));
  }
  if (backendName === 'wasm') {
    const wasm = backend as WasmHeapBackend;
    const infos = outputShapes.map((shape) => wasm.makeOutput([...shape], 'float32'));
    body(
      inputs.map((info) => wasm.typedArrayFromHeap(info) as Float32Array),
      infos.map((info) => wasm.typedArrayFromHeap(info) as Float32Array),
    );
    return infos;
  }
  return undefined;
}

/**
 * The kernels of the cpu and wasm backends, called from inside a kernel without the engine: no
 * dispatch, no tracking (a TF.js op or `runKernel` costs 4–15 µs each on wasm before any work).
 * `release` frees an intermediate made this way; a `view` relabels the shape of the same data.
 */
export function hostKernels(backendName: string, backend: unknown) {
  const kernelBackend = backend as tf.KernelBackend;
  return {
    call: (name: string, inputs: tf.NamedTensorInfoMap, attrs: object = {}): tf.TensorInfo =>
      (tf.getKernel(name, backendName) as tf.KernelConfig).kernelFunc({
        inputs,
        attrs: attrs as tf.NamedAttrMap,
        backend: kernelBackend,
      }) as tf.TensorInfo,
    release: (info: tf.TensorInfo) => kernelBackend.disposeData(info.dataId),
  };
}

export const view = (info: tf.TensorInfo, shape: number[]): tf.TensorInfo => ({
  dataId: info.dataId,
  shape,
  dtype: info.dtype,
});
