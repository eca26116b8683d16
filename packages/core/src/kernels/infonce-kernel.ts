import * as tf from '@tensorflow/tfjs-core';
import { diagonal } from '../math/diagonal-mask';
import { assertScoreMatrix } from '../validate/assert-shape';
import { fusedBoundKernels } from './bound-kernel-mode';
import { runOnHostMemory } from './host-memory';
import { ensureKernelFamily } from './kernel-family';
import {
  floatScalar,
  floatType,
  int32Operand,
  int32Type,
  type NativeBackend,
  nativeBackend,
} from './native-backend';

/** Which softmax InfoNCE normalises: each row (x_i against all y_j), each column, or both. */
export type InfoNCEDirection = 'rows' | 'columns' | 'symmetric';

/** The scalars of the InfoNCE bound on one score matrix (see {@link infoNCEParts}). */
export interface InfoNCEParts {
  /** −estimate: what an optimiser minimises. */
  readonly loss: tf.Scalar;
  /** I_NCE = joint − logPartition. */
  readonly estimate: tf.Scalar;
  /** E_diag[S] = mean_i S_ii. */
  readonly joint: tf.Scalar;
  /** mean over the normalised lines of log mean e^S (the diagonal included). */
  readonly logPartition: tf.Scalar;
}

/** Kernel names; the `Mi` prefix keeps them apart from TF.js's own. */
const INFONCE_KERNEL = 'MiInfoNCE';
const INFONCE_GRAD_KERNEL = 'MiInfoNCEGrad';

interface InfoNCEAttrs {
  readonly direction: InfoNCEDirection;
}

/*
 * The kernel's outputs, in order: the four scalars, then the residual R = Q − I (n × n), where
 * Q = ∂(n · logPartition)/∂S is the softmax along the normalised lines (the mean of the row and
 * column softmaxes for `symmetric`). The gradient needs only R:
 *
 *   ∂loss/∂S = R/n    ∂estimate/∂S = −R/n    ∂joint/∂S = I/n    ∂logPartition/∂S = (R + I)/n
 */

/** The scalars as float64 numbers. */
interface InfoNCEValues {
  readonly loss: number;
  readonly joint: number;
  readonly logPartition: number;
}

/**
 * Softmax along each line a (entries S[a·lineStride + b·entryStride], b < n) of a row-major
 * n × n matrix: adds weight · (softmax − I) to `residual`, and returns Σ_a logsumexp_a and
 * Σ_a (logsumexp_a − S_aa). Shifted by each line's maximum, in float64. A line with NaN, +∞ or
 * only −∞ gives NaN, as `tf.logSumExp` does.
 */
function softmaxLines(
  S: ArrayLike<number>,
  n: number,
  lineStride: number,
  entryStride: number,
  weight: number,
  residual: Float64Array,
): { logSumExp: number; overDiagonal: number } {
  const shifted = new Float64Array(n);
  let logSumExp = 0;
  let overDiagonal = 0;
  for (let a = 0; a < n; a++) {
    const base = a * lineStride;
    let max = Number.NEGATIVE_INFINITY;
    let nan = false;
    for (let b = 0; b < n; b++) {
      const v = S[base + b * entryStride] as number;
      if (v > max) max = v;
      else if (Number.isNaN(v)) nan = true;
    }
    const diagonalEntry = S[a * (n + 1)] as number;
    if (nan || !Number.isFinite(max)) {
      logSumExp = Number.NaN;
      overDiagonal = Number.NaN;
      for (let b = 0; b < n; b++) residual[base + b * entryStride] = Number.NaN;
      continue;
    }
    let sum = 0;
    for (let b = 0; b < n; b++) {
      const e = Math.exp((S[base + b * entryStride] as number) - max);
      shifted[b] = e;
      sum += e;
    }
    const lse = max + Math.log(sum);
    logSumExp += lse;
    overDiagonal += lse - diagonalEntry;
    for (let b = 0; b < n; b++) {
      // (e_b − [a = b]·sum)/sum: the diagonal's 1 − p_a without rounding p_a first.
      const k = base + b * entryStride;
      residual[k] =
        (residual[k] as number) + (weight * ((shifted[b] as number) - (a === b ? sum : 0))) / sum;
    }
  }
  return { logSumExp, overDiagonal };
}

/**
 * InfoNCE in float64 on a row-major n × n matrix; writes the residual to `residualOut`.
 * loss = mean_a (logsumexp_a − S_aa) − log n is computed from the per-line differences, so it
 * keeps its precision when the diagonal is far above the rest (a confident critic);
 * logPartition = mean_a logsumexp_a − log n.
 */
function infoNCEValues(
  S: ArrayLike<number>,
  n: number,
  direction: InfoNCEDirection,
  residualOut: Float32Array,
): InfoNCEValues {
  const residual = new Float64Array(n * n);
  const lines =
    direction === 'rows'
      ? [softmaxLines(S, n, n, 1, 1, residual)]
      : direction === 'columns'
        ? [softmaxLines(S, n, 1, n, 1, residual)]
        : [softmaxLines(S, n, n, 1, 0.5, residual), softmaxLines(S, n, 1, n, 0.5, residual)];
  const count = n * lines.length;
  let diagonalSum = 0;
  for (let a = 0; a < n; a++) diagonalSum += S[a * (n + 1)] as number;
  const logN = Math.log(n);
  residualOut.set(residual);
  return {
    loss: lines.reduce((sum, line) => sum + line.overDiagonal, 0) / count - logN,
    joint: diagonalSum / n,
    logPartition: lines.reduce((sum, line) => sum + line.logSumExp, 0) / count - logN,
  };
}

/** The gradient kernel's scalar inputs: the gradients of the four scalar outputs, in order. */
const GRADIENT_INPUTS = ['dLoss', 'dEstimate', 'dJoint', 'dLogPartition'] as const;

/**
 * The coefficients of dS = onResidual · R + onDiagonal · I from the gradients of the four
 * scalar outputs [dLoss, dEstimate, dJoint, dLogPartition]:
 * onResidual = (dLoss − dEstimate + dLogPartition)/n, onDiagonal = (dJoint + dLogPartition)/n.
 */
function gradientCoefficients(
  dys: readonly number[],
  n: number,
): { onResidual: number; onDiagonal: number } {
  const [dLoss = 0, dEstimate = 0, dJoint = 0, dLogPartition = 0] = dys;
  return {
    onResidual: (dLoss - dEstimate + dLogPartition) / n,
    onDiagonal: (dJoint + dLogPartition) / n,
  };
}

/** cpu and wasm: the kernel in JavaScript on the backend's memory (one pass of exp). */
function makeHostKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: INFONCE_KERNEL,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { scores } = inputs as { scores: tf.TensorInfo };
      const { direction } = attrs as unknown as InfoNCEAttrs;
      const n = scores.shape[0] as number;
      return runOnHostMemory(
        backendName,
        backend,
        [scores],
        [[], [], [], [], [n, n]],
        ([S], [loss, estimate, joint, logPartition, residual]) => {
          const values = infoNCEValues(S as Float32Array, n, direction, residual as Float32Array);
          (loss as Float32Array)[0] = values.loss;
          (estimate as Float32Array)[0] = -((loss as Float32Array)[0] as number);
          (joint as Float32Array)[0] = values.joint;
          (logPartition as Float32Array)[0] = values.logPartition;
        },
      ) as tf.TensorInfo[];
    },
  };
}

/** cpu and wasm: dS = onResidual · R + onDiagonal · I (see {@link gradientCoefficients}). */
function makeHostGradKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: INFONCE_GRAD_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const n = (inputs['residual'] as tf.TensorInfo).shape[0] as number;
      const names = ['residual', ...GRADIENT_INPUTS] as const;
      const [dS] = runOnHostMemory(
        backendName,
        backend,
        names.map((name) => inputs[name] as tf.TensorInfo),
        [[n, n]],
        ([R, ...dys], [out]) => {
          const { onResidual, onDiagonal } = gradientCoefficients(
            dys.map((dy) => dy[0] as number),
            n,
          );
          const residual = R as Float32Array;
          const dScores = out as Float32Array;
          for (let k = 0; k < n * n; k++) dScores[k] = onResidual * (residual[k] as number);
          for (let a = 0; a < n; a++) {
            const k = a * (n + 1);
            dScores[k] = onResidual * (residual[k] as number) + onDiagonal;
          }
        },
      ) as tf.TensorInfo[];
      return dS as tf.TensorInfo;
    },
  };
}

/**
 * tensorflow (tfjs-node): TensorFlow ops called directly, no TF.js dispatch between them.
 * `SparseSoftmaxCrossEntropyWithLogits` with labels 0…n−1 gives, per line, logsumexp − S_aa and
 * the residual softmax − I in one op; a `columns` direction runs it on Sᵀ.
 */
function makeNativeKernel(): tf.KernelConfig {
  return {
    kernelName: INFONCE_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { scores } = inputs as { scores: tf.TensorInfo };
      const { direction } = attrs as unknown as InfoNCEAttrs;
      const native = nativeBackend(backend) as NativeBackend;
      const n = scores.shape[0] as number;
      return tf.tidy(() => {
        const labels = int32Operand([...Array(n).keys()]);
        const axis = int32Operand(0);
        const run = (name: string, ...operands: tf.TensorInfo[]) =>
          native.executeSingleOutput(name, [floatType(native)], operands);
        const transpose = (x: tf.TensorInfo) =>
          native.executeSingleOutput(
            'Transpose',
            [floatType(native), int32Type(native, 'Tperm')],
            [x, int32Operand([1, 0])],
          );
        const mean = (x: tf.TensorInfo) =>
          native.executeSingleOutput(
            'Mean',
            [
              { name: 'keep_dims', type: native.binding.TF_ATTR_BOOL, value: false },
              floatType(native),
              int32Type(native, 'Tidx'),
            ],
            [x, axis],
          );
        // [logsumexp_a − S_aa for each line a, softmax − I] of the lines of `matrix`.
        const crossEntropy = (matrix: tf.TensorInfo) =>
          native.executeMultipleOutputs(
            'SparseSoftmaxCrossEntropyWithLogits',
            [floatType(native), int32Type(native, 'Tlabels')],
            [matrix, labels],
            2,
          ) as [tf.Tensor, tf.Tensor];
        const diagonalEntries = run('MatrixDiagPart', scores);
        let overDiagonal: tf.Tensor;
        let residual: tf.Tensor;
        let lines = 1;
        if (direction === 'rows') {
          [overDiagonal, residual] = crossEntropy(scores);
        } else {
          const [columns, transposedResidual] = crossEntropy(transpose(scores));
          if (direction === 'columns') {
            [overDiagonal, residual] = [columns, transpose(transposedResidual)];
          } else {
            const [rows, rowResidual] = crossEntropy(scores);
            overDiagonal = run('AddV2', rows, columns);
            residual = run(
              'Mul',
              run('AddV2', rowResidual, transpose(transposedResidual)),
              floatScalar(0.5),
            );
            lines = 2;
          }
        }
        // Σ over the lines of logsumexp = Σ (logsumexp − S_aa) + lines · Σ S_aa.
        const logSumExp = run(
          'AddV2',
          overDiagonal,
          lines === 1 ? diagonalEntries : run('Mul', diagonalEntries, floatScalar(lines)),
        );
        const perLine = (x: tf.Tensor) =>
          lines === 1 ? mean(x) : run('Mul', mean(x), floatScalar(1 / lines));
        const logN = floatScalar(Math.log(n));
        const loss = run('Sub', perLine(overDiagonal), logN);
        return [
          loss,
          run('Neg', loss),
          mean(diagonalEntries),
          run('Sub', perLine(logSumExp), logN),
          residual,
        ];
      }) as unknown as tf.TensorInfo[];
    },
  };
}

/** tensorflow: dS = (a·R + b·I)/n as `Mul`, plus `MatrixSetDiag` when b ≠ 0. */
function makeNativeGradKernel(): tf.KernelConfig {
  return {
    kernelName: INFONCE_GRAD_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const { residual } = inputs as { residual: tf.TensorInfo };
      const native = nativeBackend(backend) as NativeBackend;
      const n = residual.shape[0] as number;
      // The engine's zeros for outputs off the differentiated path, and the ones `tf.grad` starts
      // from, are JavaScript values on tfjs-node: reading them costs no device round trip.
      const { onResidual, onDiagonal } = gradientCoefficients(
        GRADIENT_INPUTS.map(
          (name) => native.readSync((inputs[name] as tf.TensorInfo).dataId)[0] as number,
        ),
        n,
      );
      return tf.tidy(() => {
        const run = (name: string, ...operands: tf.TensorInfo[]) =>
          native.executeSingleOutput(name, [floatType(native)], operands);
        const scaled = run('Mul', residual, floatScalar(onResidual));
        if (onDiagonal === 0) return scaled;
        const onTheDiagonal = run('AddV2', run('MatrixDiagPart', scaled), floatScalar(onDiagonal));
        return run('MatrixSetDiag', scaled, onTheDiagonal);
      }) as unknown as tf.TensorInfo;
    },
  };
}

function registerGradient(): void {
  if (tf.getGradient(INFONCE_KERNEL) !== undefined) return;
  tf.registerGradient({
    kernelName: INFONCE_KERNEL,
    outputsToSave: [false, false, false, false, true],
    gradFunc: (dys, saved) => {
      const [dLoss, dEstimate, dJoint, dLogPartition] = dys as tf.Tensor[];
      const [residual] = saved as [tf.Tensor];
      return {
        scores: () =>
          tf.engine().runKernel(INFONCE_GRAD_KERNEL, {
            residual,
            dLoss: dLoss as tf.Tensor,
            dEstimate: dEstimate as tf.Tensor,
            dJoint: dJoint as tf.Tensor,
            dLogPartition: dLogPartition as tf.Tensor,
          }) as tf.Tensor,
      };
    },
  });
}

/**
 * Makes sure the InfoNCE kernels exist for the active backend (registered on first use per
 * backend; importing `@mi/core` registers nothing). Returns false on backends without them.
 */
function ensureInfoNCEKernels(): boolean {
  return ensureKernelFamily({
    probe: INFONCE_KERNEL,
    host: (backendName) => [makeHostKernel(backendName), makeHostGradKernel(backendName)],
    native: () => [makeNativeKernel(), makeNativeGradKernel()],
    registerGradients: registerGradient,
  });
}

/** InfoNCE composed of TF.js ops and differentiated by tfjs (`stock`, and other backends). */
function composedInfoNCE(scores: tf.Tensor2D, direction: InfoNCEDirection): InfoNCEParts {
  const parts = tf.tidy(() => {
    const n = scores.shape[0];
    const along = (axis: number) => tf.sub(tf.mean(tf.logSumExp(scores, axis)), Math.log(n));
    const logPartition = (
      direction === 'rows'
        ? along(1)
        : direction === 'columns'
          ? along(0)
          : tf.div(tf.add(along(1), along(0)), 2)
    ) as tf.Scalar;
    const joint = tf.mean(diagonal(scores)) as tf.Scalar;
    const estimate = tf.sub(joint, logPartition) as tf.Scalar;
    return { loss: tf.neg(estimate), estimate, joint, logPartition };
  });
  return parts as InfoNCEParts;
}

/**
 * The InfoNCE bound (van den Oord et al. 2018; Poole et al. 2019, Eq. 12) on a score matrix
 * S[i][j] = T(x_i, y_j), with its parts:
 *
 * ```
 * joint        = mean_i S_ii
 * logPartition = mean_i log mean_j e^{S_ij}            (rows; columns: over i; symmetric: the mean of both)
 * estimate     = joint − logPartition = log n + mean_i [S_ii − logsumexp_j S_ij]
 * loss         = −estimate
 * ```
 *
 * On cpu, wasm and tensorflow it is one kernel (the four scalars and the residual softmax − I)
 * with a written gradient, ∂loss/∂S = (softmax − I)/n along the normalised lines: 3 kernel
 * dispatches per training step with the tape's save, where the composition took ~85. Elsewhere,
 * or after `setBoundKernels('stock')`, it is composed of TF.js ops. Differentiable with respect
 * to `scores` through every output. The caller owns the four tensors.
 *
 * @example
 * ```ts
 * const { loss, estimate } = infoNCEParts(scores); // rows; infoNCEParts(scores, 'symmetric')
 * ```
 */
export function infoNCEParts(
  scores: tf.Tensor2D,
  direction: InfoNCEDirection = 'rows',
): InfoNCEParts {
  assertScoreMatrix('infoNCEParts', scores);
  if (!fusedBoundKernels() || scores.dtype !== 'float32' || !ensureInfoNCEKernels()) {
    return composedInfoNCE(scores, direction);
  }
  const [loss, estimate, joint, logPartition, residual] = tf
    .engine()
    .runKernel(INFONCE_KERNEL, { scores }, {
      direction,
    } as unknown as tf.NamedAttrMap) as tf.Scalar[];
  // The tape keeps its own reference to the residual for the gradient.
  (residual as tf.Tensor).dispose();
  return {
    loss: loss as tf.Scalar,
    estimate: estimate as tf.Scalar,
    joint: joint as tf.Scalar,
    logPartition: logPartition as tf.Scalar,
  };
}
