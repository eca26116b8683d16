import * as tf from '@tensorflow/tfjs-core';
import { diagonal, maskDiagonal } from '../math/diagonal-mask';
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

/** Kernel names; the `Mi` prefix keeps them apart from TF.js's own. */
const JENSEN_SHANNON_KERNEL = 'MiJensenShannon';
const JENSEN_SHANNON_GRAD_KERNEL = 'MiJensenShannonGrad';

/*
 * J = 1/n Σ_i −softplus(−S_ii) − 1/(n(n−1)) Σ_{i≠j} softplus(S_ij), and its gradient in closed
 * form (softplus′ = σ):
 *
 *   ∂J/∂S_ii = σ(−S_ii)/n        ∂J/∂S_ij = −σ(S_ij)/(n(n−1))   (i ≠ j)
 *
 * The kernel saves S (one tape copy) and the gradient kernel computes dy · ∂J/∂S from it, so an
 * evaluation without a tape computes no sigmoid.
 */

/** softplus(x) = log(1 + e^x), stable for any x: max(x, 0) + log1p(e^{−|x|}); NaN stays NaN. */
const softplus = (x: number): number =>
  x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));

/** σ(x) = 1/(1 + e^{−x}) without overflow (e^{−|x|} only); σ(±∞) = 1, 0; NaN stays NaN. */
const sigmoid = (x: number): number => {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
};

/** J of a row-major n × n matrix (n ≥ 2), summed in float64. */
function jensenShannonOf(S: Float32Array, n: number): number {
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const v = S[row + j] as number;
      if (i === j) positive -= softplus(-v);
      else negative += softplus(v);
    }
  }
  return positive / n - negative / (n * (n - 1));
}

/** cpu and wasm: the objective, and dy · ∂J/∂S, in JavaScript on the backend's memory. */
function makeHostKernels(backendName: string): tf.KernelConfig[] {
  return [
    {
      kernelName: JENSEN_SHANNON_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { scores } = inputs as { scores: tf.TensorInfo };
        const n = scores.shape[0] as number;
        const [objective] = runOnHostMemory(backendName, backend, [scores], [[]], ([S], [J]) => {
          (J as Float32Array)[0] = jensenShannonOf(S as Float32Array, n);
        }) as tf.TensorInfo[];
        return objective as tf.TensorInfo;
      },
    },
    {
      kernelName: JENSEN_SHANNON_GRAD_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { scores, dy } = inputs as { scores: tf.TensorInfo; dy: tf.TensorInfo };
        const n = scores.shape[0] as number;
        const [dScores] = runOnHostMemory(
          backendName,
          backend,
          [scores, dy],
          [[n, n]],
          ([S, upstream], [out]) => {
            const values = S as Float32Array;
            const result = out as Float32Array;
            const g = (upstream as Float32Array)[0] as number;
            const onDiagonal = g / n;
            const offDiagonal = -g / (n * (n - 1));
            for (let i = 0; i < n; i++) {
              const row = i * n;
              for (let j = 0; j < n; j++) {
                const v = values[row + j] as number;
                result[row + j] = i === j ? onDiagonal * sigmoid(-v) : offDiagonal * sigmoid(v);
              }
            }
          },
        ) as tf.TensorInfo[];
        return dScores as tf.TensorInfo;
      },
    },
  ];
}

/**
 * tensorflow (tfjs-node): TensorFlow ops called directly, no TF.js dispatch between them. The
 * diagonal is masked with `MatrixSetDiag` to −∞ (softplus 0) for the sum; the gradient is
 * σ(S) scaled, with the diagonal set to σ(−S_ii)/n, times dy as a tensor (no read-back).
 */
function makeNativeKernels(): tf.KernelConfig[] {
  const setUp = (backend: unknown) => {
    const native = nativeBackend(backend) as NativeBackend;
    const run = (name: string, ...operands: tf.TensorInfo[]) =>
      native.executeSingleOutput(name, [floatType(native)], operands);
    const reduce = (name: 'Mean' | 'Sum', x: tf.TensorInfo, axes: number[]) =>
      native.executeSingleOutput(
        name,
        [
          { name: 'keep_dims', type: native.binding.TF_ATTR_BOOL, value: false },
          floatType(native),
          { name: 'Tidx', type: native.binding.TF_ATTR_TYPE, value: native.binding.TF_INT32 },
        ],
        [x, int32Operand(axes)],
      );
    return { run, reduce };
  };
  return [
    {
      kernelName: JENSEN_SHANNON_KERNEL,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, backend }) => {
        const { scores } = inputs as { scores: tf.TensorInfo };
        const n = scores.shape[0] as number;
        return tf.tidy(() => {
          const { run, reduce } = setUp(backend);
          const diagonalEntries = run('MatrixDiagPart', scores);
          const positive = reduce('Mean', run('Softplus', run('Neg', diagonalEntries)), [0]);
          const masked = run(
            'MatrixSetDiag',
            scores,
            tf.tensor1d(new Float32Array(n).fill(Number.NEGATIVE_INFINITY)),
          );
          const negative = run(
            'Mul',
            reduce('Sum', run('Softplus', masked), [0, 1]),
            floatScalar(1 / (n * (n - 1))),
          );
          // −mean softplus(−S_ii) − negative.
          return run('Neg', run('AddV2', positive, negative));
        }) as unknown as tf.TensorInfo;
      },
    },
    {
      kernelName: JENSEN_SHANNON_GRAD_KERNEL,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, backend }) => {
        const { scores, dy } = inputs as { scores: tf.TensorInfo; dy: tf.TensorInfo };
        const n = scores.shape[0] as number;
        return tf.tidy(() => {
          const { run } = setUp(backend);
          const offDiagonal = run('Mul', run('Sigmoid', scores), floatScalar(-1 / (n * (n - 1))));
          const onDiagonal = run(
            'Mul',
            run('Sigmoid', run('Neg', run('MatrixDiagPart', scores))),
            floatScalar(1 / n),
          );
          return run('Mul', run('MatrixSetDiag', offDiagonal, onDiagonal), dy);
        }) as unknown as tf.TensorInfo;
      },
    },
  ];
}

function registerGradient(): void {
  if (tf.getGradient(JENSEN_SHANNON_KERNEL) !== undefined) return;
  tf.registerGradient({
    kernelName: JENSEN_SHANNON_KERNEL,
    inputsToSave: ['scores'],
    gradFunc: (dy, saved) => {
      const [scores] = saved as [tf.Tensor];
      return {
        scores: () =>
          tf.engine().runKernel(JENSEN_SHANNON_GRAD_KERNEL, {
            scores,
            dy: dy as tf.Tensor,
          }) as tf.Tensor,
      };
    },
  });
}

/** Registers the kernels for the active backend on first use; false where there are none. */
function ensureJensenShannonKernels(): boolean {
  return ensureKernelFamily({
    probe: JENSEN_SHANNON_KERNEL,
    host: makeHostKernels,
    native: makeNativeKernels,
    registerGradients: registerGradient,
  });
}

/** The objective composed of TF.js ops and differentiated by tfjs (`stock`, other backends). */
function composedJensenShannon(scores: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const n = scores.shape[0];
    const positive = tf.mean(tf.neg(tf.softplus(tf.neg(diagonal(scores)))));
    // Diagonal set to −∞ contributes softplus(−∞) = 0 and no gradient.
    const negative = tf.div(tf.sum(tf.softplus(maskDiagonal(scores))), n * (n - 1));
    return tf.sub(positive, negative) as tf.Scalar;
  });
}

/**
 * The Jensen–Shannon f-GAN lower bound that JS and SMILE train the critic on (Nowozin et al.
 * 2016; Poole et al. 2019 §2.3; Song & Ermon 2020 §3), on a score matrix S[i][j] = T(x_i, y_j):
 *
 * ```
 * J = 1/n Σ_i −softplus(−S_ii) − 1/(n(n−1)) Σ_{i≠j} softplus(S_ij)
 * ∂J/∂S_ii = σ(−S_ii)/n      ∂J/∂S_ij = −σ(S_ij)/(n(n−1))
 * ```
 *
 * On cpu, wasm and tensorflow, for a square float32 matrix with n ≥ 2, it is one kernel (float64
 * sums on cpu and wasm) with that gradient written out: 3 kernel dispatches per training step with
 * the tape's copy of S, where the composition of TF.js ops took ~35. Otherwise, or after
 * `setBoundKernels('stock')`, it is that composition (n = 1 gives NaN: no off-diagonal entry).
 * The caller owns the result.
 *
 * @example
 * ```ts
 * const objective = jensenShannonObjective(scores); // maximised in training
 * ```
 */
export function jensenShannonObjective(scores: tf.Tensor2D): tf.Scalar {
  const fused =
    fusedBoundKernels() &&
    scores instanceof tf.Tensor &&
    scores.rank === 2 &&
    scores.shape[0] === scores.shape[1] &&
    scores.shape[0] >= 2 &&
    scores.dtype === 'float32' &&
    ensureJensenShannonKernels();
  if (!fused) return composedJensenShannon(scores);
  return tf.engine().runKernel(JENSEN_SHANNON_KERNEL, { scores }) as tf.Scalar;
}
