import * as tf from '@tensorflow/tfjs-core';
import { fusedBoundKernels } from './bound-kernel-mode';
import { runOnHostMemory } from './host-memory';
import { ensureKernelFamily } from './kernel-family';
import {
  floatScalar,
  floatType,
  int32Operand,
  type NativeBackend,
  nativeBackend,
} from './native-backend';

// The diagonal and off-diagonal helpers of the score matrix as one kernel each, with written
// gradients: composed of TF.js ops, each costs 6–25 kernel dispatches (index ranges, an equality
// mask, `where`, `logSumExp`) plus their tape saves and generic gradients, per use and per step.

/** Kernel names; the `Mi` prefix keeps them apart from TF.js's own. */
const DIAGONAL_PART = 'MiDiagonalPart';
const DIAGONAL_MATRIX = 'MiDiagonalMatrix';
const MASK_DIAGONAL = 'MiMaskDiagonal';
const LOG_MEAN_EXP_OFF_DIAGONAL = 'MiLogMeanExpOffDiagonal';

interface MaskAttrs {
  readonly fill: number;
}

interface ClipAttrs {
  /** The entries are clipped to [−clip, clip] first; `Infinity`: not clipped. */
  readonly clip: number;
}

const sideOf = (info: tf.TensorInfo) => info.shape[0] as number;

/** x clipped to [−limit, limit] (NaN stays NaN), as `tf.clipByValue`. */
const clipTo = (x: number, limit: number): number => (x > limit ? limit : x < -limit ? -limit : x);

/**
 * log mean_{i≠j} e^{clip(S_ij)} of a row-major n × n matrix in float64, the entries clipped to
 * [−limit, limit] (`Infinity`: no clip), shifted by the largest off-diagonal entry; writes the
 * gradient: the weights e^{S_ij}/Σ_{k≠l} e^{S_kl}, 0 on the diagonal and, as `tf.clipByValue`'s
 * gradient, where S_ij is outside [−limit, limit]. NaN, as `tf.logSumExp` gives it, when an
 * off-diagonal entry is NaN or +∞ or all are −∞.
 */
function logMeanExpOffDiagonalOf(
  S: Float32Array,
  n: number,
  weights: Float32Array,
  limit: number,
): number {
  let max = Number.NEGATIVE_INFINITY;
  let nan = false;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const v = clipTo(S[i * n + j] as number, limit);
      if (v > max) max = v;
      else if (Number.isNaN(v)) nan = true;
    }
  }
  if (nan || !Number.isFinite(max)) {
    weights.fill(Number.NaN);
    return Number.NaN;
  }
  const shifted = new Float64Array(n * n);
  let sum = 0;
  for (let k = 0; k < n * n; k++) {
    if (k % (n + 1) === 0) continue;
    const e = Math.exp(clipTo(S[k] as number, limit) - max);
    sum += e;
    // The clipped entries count in the sum, not in the gradient.
    const v = S[k] as number;
    shifted[k] = v >= -limit && v <= limit ? e : 0;
  }
  for (let k = 0; k < n * n; k++) weights[k] = (shifted[k] as number) / sum;
  return max + Math.log(sum) - Math.log(n * (n - 1));
}

/** cpu and wasm: the four kernels in JavaScript on the backend's memory. */
function makeHostKernels(backendName: string): tf.KernelConfig[] {
  const host = (
    kernelName: string,
    outputShapes: (inputs: tf.NamedTensorInfoMap) => number[][],
    body: (
      inputs: readonly Float32Array[],
      outputs: readonly Float32Array[],
      n: number,
      attrs: tf.NamedAttrMap,
    ) => void,
  ): tf.KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const input = Object.values(inputs)[0] as tf.TensorInfo;
      const outputs = runOnHostMemory(
        backendName,
        backend,
        [input],
        outputShapes(inputs),
        (values, out) => body(values, out, sideOf(input), attrs ?? {}),
      ) as tf.TensorInfo[];
      return outputs.length === 1 ? (outputs[0] as tf.TensorInfo) : outputs;
    },
  });
  const square = (inputs: tf.NamedTensorInfoMap) => {
    const n = sideOf(Object.values(inputs)[0] as tf.TensorInfo);
    return [n, n];
  };
  return [
    host(
      DIAGONAL_PART,
      (inputs) => [[sideOf(inputs['x'] as tf.TensorInfo)]],
      ([x], [out], n) => {
        for (let i = 0; i < n; i++)
          (out as Float32Array)[i] = (x as Float32Array)[i * (n + 1)] as number;
      },
    ),
    host(
      DIAGONAL_MATRIX,
      (inputs) => [square(inputs)],
      ([d], [out], n) => {
        const result = out as Float32Array;
        result.fill(0);
        for (let i = 0; i < n; i++) result[i * (n + 1)] = (d as Float32Array)[i] as number;
      },
    ),
    host(
      MASK_DIAGONAL,
      (inputs) => [square(inputs)],
      ([x], [out], n, attrs) => {
        const result = out as Float32Array;
        result.set(x as Float32Array);
        for (let i = 0; i < n; i++) result[i * (n + 1)] = (attrs as unknown as MaskAttrs).fill;
      },
    ),
    host(
      LOG_MEAN_EXP_OFF_DIAGONAL,
      (inputs) => [[], square(inputs)],
      ([x], [value, weights], n, attrs) => {
        (value as Float32Array)[0] = logMeanExpOffDiagonalOf(
          x as Float32Array,
          n,
          weights as Float32Array,
          (attrs as unknown as ClipAttrs).clip,
        );
      },
    ),
  ];
}

/** tensorflow: TensorFlow's diagonal ops, and tfjs's logSumExp sequence without its dispatches. */
function makeNativeKernels(): tf.KernelConfig[] {
  const native = (
    kernelName: string,
    run: (
      native: NativeBackend,
      input: tf.TensorInfo,
      attrs: tf.NamedAttrMap,
    ) => tf.Tensor | tf.Tensor[],
  ): tf.KernelConfig => ({
    kernelName,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) =>
      tf.tidy(() =>
        run(
          nativeBackend(backend) as NativeBackend,
          Object.values(inputs)[0] as tf.TensorInfo,
          attrs ?? {},
        ),
      ) as unknown as tf.TensorInfo,
  });
  const op = (backend: NativeBackend, name: string, ...operands: tf.TensorInfo[]) =>
    backend.executeSingleOutput(name, [floatType(backend)], operands);
  const withDiagonal = (backend: NativeBackend, x: tf.TensorInfo, fill: number) =>
    op(backend, 'MatrixSetDiag', x, tf.tensor1d(new Float32Array(sideOf(x)).fill(fill)));
  const overAll = (backend: NativeBackend, name: 'Max' | 'Sum', x: tf.TensorInfo) =>
    backend.executeSingleOutput(
      name,
      [
        { name: 'keep_dims', type: backend.binding.TF_ATTR_BOOL, value: false },
        floatType(backend),
        { name: 'Tidx', type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_INT32 },
      ],
      [x, int32Operand([0, 1])],
    );
  return [
    native(DIAGONAL_PART, (backend, x) => op(backend, 'MatrixDiagPart', x)),
    native(DIAGONAL_MATRIX, (backend, d) => op(backend, 'MatrixDiag', d)),
    native(MASK_DIAGONAL, (backend, x, attrs) =>
      withDiagonal(backend, x, (attrs as unknown as MaskAttrs).fill),
    ),
    native(LOG_MEAN_EXP_OFF_DIAGONAL, (backend, x, attrs) => {
      const n = sideOf(x);
      const { clip } = attrs as unknown as ClipAttrs;
      const clipped = Number.isFinite(clip)
        ? backend.executeSingleOutput(
            'ClipByValue',
            [floatType(backend)],
            [x, floatScalar(-clip), floatScalar(clip)],
          )
        : x;
      const masked = withDiagonal(backend, clipped, Number.NEGATIVE_INFINITY);
      const max = overAll(backend, 'Max', masked);
      const exponentials = op(backend, 'Exp', op(backend, 'Sub', masked, max));
      const sum = overAll(backend, 'Sum', exponentials);
      const logSumExp = op(backend, 'AddV2', max, op(backend, 'Log', sum));
      let weights = op(backend, 'RealDiv', exponentials, sum);
      if (clipped !== x) {
        // tf.clipByValue's gradient: 1 where −clip ≤ S_ij ≤ clip (the clip changed nothing).
        const kept = backend.executeSingleOutput(
          'Cast',
          [
            { name: 'SrcT', type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_BOOL },
            { name: 'DstT', type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT },
          ],
          [backend.executeSingleOutput('Equal', [floatType(backend)], [clipped, x])],
        );
        weights = op(backend, 'Mul', weights, kept);
      }
      return [op(backend, 'Sub', logSumExp, floatScalar(Math.log(n * (n - 1)))), weights];
    }),
  ];
}

function registerGradients(): void {
  if (tf.getGradient(DIAGONAL_PART) !== undefined) return;
  tf.registerGradient({
    kernelName: DIAGONAL_PART,
    gradFunc: (dy) => ({
      x: () => tf.engine().runKernel(DIAGONAL_MATRIX, { diagonal: dy as tf.Tensor }) as tf.Tensor,
    }),
  });
  // Masking is linear in the kept entries: the gradient is the upstream one, masked with zeros.
  tf.registerGradient({
    kernelName: MASK_DIAGONAL,
    gradFunc: (dy) => ({
      x: () =>
        tf.engine().runKernel(MASK_DIAGONAL, { x: dy as tf.Tensor }, { fill: 0 }) as tf.Tensor,
    }),
  });
  tf.registerGradient({
    kernelName: LOG_MEAN_EXP_OFF_DIAGONAL,
    outputsToSave: [false, true],
    gradFunc: (dys, saved) => {
      const [dValue] = dys as tf.Tensor[];
      const [weights] = saved as [tf.Tensor];
      return { x: () => tf.mul(weights, dValue as tf.Tensor) };
    },
  });
}

/** Registers the kernels for the active backend on first use; false where there are none. */
function ensureDiagonalKernels(): boolean {
  return ensureKernelFamily({
    probe: DIAGONAL_PART,
    host: makeHostKernels,
    native: makeNativeKernels,
    registerGradients,
  });
}

/** Whether a square float32 matrix goes through the kernels here (else the caller composes). */
const fusedFor = (x: tf.Tensor): boolean =>
  fusedBoundKernels() &&
  x.rank === 2 &&
  x.shape[0] === x.shape[1] &&
  x.dtype === 'float32' &&
  ensureDiagonalKernels();

/** S_ii as one kernel (gradient: dy on the diagonal), or undefined where it composes. */
export function diagonalKernel(scores: tf.Tensor2D): tf.Tensor1D | undefined {
  if (!fusedFor(scores)) return undefined;
  return tf.engine().runKernel(DIAGONAL_PART, { x: scores }) as tf.Tensor1D;
}

/** S with its diagonal set to `fill` as one kernel, or undefined where it composes. */
export function maskDiagonalKernel(scores: tf.Tensor2D, fill: number): tf.Tensor2D | undefined {
  if (!fusedFor(scores)) return undefined;
  return tf.engine().runKernel(MASK_DIAGONAL, { x: scores }, {
    fill,
  } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/**
 * log mean_{i≠j} e^{clip(S_ij, −clip, clip)} as one kernel whose gradient is the saved softmax
 * weights (zero where the clip acts) times the upstream gradient, or undefined where it composes.
 */
export function logMeanExpOffDiagonalKernel(
  scores: tf.Tensor2D,
  clip = Number.POSITIVE_INFINITY,
): tf.Scalar | undefined {
  if (!fusedFor(scores) || scores.shape[0] < 2) return undefined;
  const [value, weights] = tf.engine().runKernel(LOG_MEAN_EXP_OFF_DIAGONAL, { x: scores }, {
    clip,
  } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  // The tape keeps its own reference to the weights for the gradient.
  (weights as tf.Tensor).dispose();
  return value as tf.Scalar;
}
