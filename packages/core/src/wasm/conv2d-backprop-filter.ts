import { BackendUnavailableError, InvalidArgumentError, InvalidStateError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Backend = KernelArgs['backend'] & {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
};

/** Runs a kernel that the wasm backend registered, at the TensorInfo level. */
function runWasmKernel(
  name: string,
  backend: Backend,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, unknown> = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) {
    throw new BackendUnavailableError({
      backend: 'wasm',
      packageName: '@tensorflow/tfjs-backend-wasm',
      detail: `Conv2DBackpropFilter needs the wasm kernel '${name}', which this version lacks`,
    });
  }
  const output = kernel.kernelFunc({
    inputs,
    backend,
    attrs: attrs as tf.NamedAttrMap,
  });
  if (Array.isArray(output)) {
    throw new InvalidStateError({
      functionName: 'Conv2DBackpropFilter (wasm)',
      state: 'unexpected',
      message: `Conv2DBackpropFilter (wasm): kernel '${name}' returned several outputs`,
    });
  }
  return output as tf.TensorInfo;
}

/**
 * The filter gradient of a 2-D convolution (NHWC) on the wasm backend, which ships none.
 *
 * For a convolution with stride s and zero padding (top, left), the filter gradient is
 *
 * ```
 * dW[a, b, c, o] = Σ_{n, p, q} x̃[n, a + s·p, b + s·q, c] · dy[n, p, q, o]
 * ```
 *
 * with x̃ the padded input. Read with the input channel c as the batch axis and the batch n as the
 * channel axis, this is a stride-1 convolution of x̃ with dy used as a filter dilated by s:
 * transpose x̃ to [c, H, W, n] and dy to [P, Q, n, o], convolve ('valid', dilation s), keep the
 * first kh × kw outputs and transpose back to [kh, kw, c, o]. Every step is a kernel the wasm
 * backend has (PadV2, Transpose, Conv2D with dilations, Slice).
 */
export function conv2DBackpropFilterWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as Backend;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (dataFormat !== 'channelsLast') {
    throw new InvalidArgumentError({
      functionName: 'Conv2DBackpropFilter (wasm)',
      parameter: 'dataFormat',
      value: attrs.dataFormat,
      expected: "'NHWC'",
    });
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  const { top, bottom, left, right } = info.padInfo;
  const made: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => {
    made.push(t);
    return t;
  };
  try {
    const padded =
      top === 0 && bottom === 0 && left === 0 && right === 0
        ? x
        : keep(
            runWasmKernel(
              'PadV2',
              backend,
              { x },
              {
                paddings: [
                  [0, 0],
                  [Math.max(top, 0), Math.max(bottom, 0)],
                  [Math.max(left, 0), Math.max(right, 0)],
                  [0, 0],
                ],
                constantValue: 0,
              },
            ),
          );
    const channelsAsBatch = keep(
      runWasmKernel('Transpose', backend, { x: padded }, { perm: [3, 1, 2, 0] }),
    );
    const dyAsFilter = keep(runWasmKernel('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] }));
    const full = keep(
      runWasmKernel(
        'Conv2D',
        backend,
        { x: channelsAsBatch, filter: dyAsFilter },
        {
          strides: [1, 1],
          pad: 'valid',
          dataFormat: 'NHWC',
          dilations: [info.strideHeight, info.strideWidth],
          dimRoundingMode: undefined,
        },
      ),
    );
    const [, fullHeight, fullWidth] = full.shape as [number, number, number, number];
    const cropped =
      fullHeight === info.filterHeight && fullWidth === info.filterWidth
        ? full
        : keep(
            runWasmKernel(
              'Slice',
              backend,
              { x: full },
              {
                begin: [0, 0, 0, 0],
                size: [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels],
              },
            ),
          );
    return runWasmKernel('Transpose', backend, { x: cropped }, { perm: [1, 2, 0, 3] });
  } finally {
    for (const t of made) backend.disposeData(t.dataId);
  }
}
