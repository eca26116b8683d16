import * as tf from '@tensorflow/tfjs-core';
import {
  activationKernel,
  type DenseActivation,
  denseKernel,
  ensureDenseKernels,
  matMulKernel,
} from '../kernels/dense-kernels';
import { assertOneOf } from '../validate/assert-number';

export type { DenseActivation } from '../kernels/dense-kernels';

/** When the explicit-transpose gradients are used; see {@link setExplicitTransposes}. */
export type ExplicitTransposeMode = 'auto' | 'always' | 'never';

let mode: ExplicitTransposeMode = 'auto';

/**
 * Chooses when {@link fastMatMul} and {@link fastDense} use their explicit-transpose gradient:
 * `auto` (the default) on the wasm backend only, `always`, or `never` (stock tfjs autodiff, for
 * benchmarks that measure the difference). Returns the previous mode.
 */
export function setExplicitTransposes(next: ExplicitTransposeMode): ExplicitTransposeMode {
  if (next !== 'auto' && next !== 'always' && next !== 'never') {
    throw new TypeError(
      `setExplicitTransposes: expected 'auto', 'always' or 'never', received ${String(next)}`,
    );
  }
  const previous = mode;
  mode = next;
  return previous;
}

/** Whether the explicit-transpose gradients are used on the active backend now. */
export function usesExplicitTransposes(): boolean {
  return mode === 'always' || (mode === 'auto' && tf.getBackend() === 'wasm');
}

/**
 * How {@link fastDense} and {@link fastMatMul} run: `fused` (the default) through the dense
 * kernels of `@mi/core` — one kernel per layer in the forward pass and a registered gradient that
 * forms only the input gradients the engine asks for (on tfjs-node, TensorFlow's own 2-D ops);
 * `stock` through `tf.fused.matMul`, `tf.matMul` and tfjs autodiff (with the explicit transposes
 * on wasm), as before the dense kernels existed: for benchmarks and tests that compare the two.
 */
export type DenseKernelMode = 'fused' | 'stock';

let denseMode: DenseKernelMode = 'fused';

/** Chooses how {@link fastDense} and {@link fastMatMul} run (see {@link DenseKernelMode}); returns the previous mode. */
export function setDenseKernels(next: DenseKernelMode): DenseKernelMode {
  if (next !== 'fused' && next !== 'stock') {
    throw new TypeError(`setDenseKernels: expected 'fused' or 'stock', received ${String(next)}`);
  }
  const previous = denseMode;
  denseMode = next;
  return previous;
}

const kernelOptions = { explicitTransposes: usesExplicitTransposes };

// c = a·b with dc·bᵀ and aᵀ·dc computed as a transpose followed by a plain product: the wasm
// backend's matMul is ~10× slower when one operand is transposed, which autodiff does for both.
// Built on first use, so that importing the module runs nothing.
let plainMatMulOp: ((a: tf.Tensor, b: tf.Tensor) => tf.Tensor) | undefined;
const plainMatMul = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => {
  plainMatMulOp ??= makePlainMatMul();
  return plainMatMulOp(a, b);
};

const makePlainMatMul = () =>
  tf.customGrad((a, b, save) => {
    const left = a as tf.Tensor2D;
    const right = b as tf.Tensor2D;
    (save as tf.GradSaveFunc)([left, right]);
    return {
      value: tf.matMul(left, right),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedA, savedB] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [
          tf.matMul(dy as tf.Tensor2D, tf.transpose(savedB)),
          tf.matMul(tf.transpose(savedA), dy as tf.Tensor2D),
        ];
      },
    };
  });

function activationGradient(activation: DenseActivation, dy: tf.Tensor, out: tf.Tensor) {
  if (activation === 'relu') return tf.mul(dy, tf.step(out));
  // ELU: out = z for z > 0, eᶻ − 1 otherwise, so its derivative is 1 or out + 1.
  if (activation === 'elu') return tf.where(tf.greater(out, 0), dy, tf.mul(dy, tf.add(out, 1)));
  return dy;
}

function makeDense(activation: DenseActivation, withBias: boolean) {
  return tf.customGrad((...args) => {
    const x = args[0] as tf.Tensor2D;
    const kernel = args[1] as tf.Tensor2D;
    const bias = withBias ? (args[2] as tf.Tensor1D) : undefined;
    const save = args[withBias ? 3 : 2] as tf.GradSaveFunc;
    const out = tf.fused.matMul({
      a: x,
      b: kernel,
      ...(bias === undefined ? {} : { bias }),
      activation,
    });
    save([x, kernel, out]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedKernel, savedOut] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dz = activationGradient(activation, dy, savedOut) as tf.Tensor2D;
        const dx = tf.matMul(dz, tf.transpose(savedKernel));
        const dKernel = tf.matMul(tf.transpose(savedX), dz);
        return withBias ? [dx, dKernel, tf.sum(dz, 0)] : [dx, dKernel];
      },
    };
  });
}

type DenseOp = (...inputs: tf.Tensor[]) => tf.Tensor;
const denseOps = new Map<string, DenseOp>();

function denseOp(activation: DenseActivation, withBias: boolean): DenseOp {
  const key = `${activation}/${withBias}`;
  let op = denseOps.get(key);
  if (op === undefined) {
    op = makeDense(activation, withBias);
    denseOps.set(key, op);
  }
  return op;
}

/**
 * `a·b` (2-D, with optional transposes) whose gradient trains fast on every backend.
 *
 * On wasm, autodiff of `tf.matMul` computes `dA = dC·Bᵀ` and `dB = Aᵀ·dC` with transposed
 * operands, which the wasm kernel runs about ten times slower than a plain product. Here the
 * transposes are materialised first (`tf.transpose`, then a plain `tf.matMul`), in the forward
 * pass and in the gradient. Other backends get `tf.matMul` unchanged (the extra copies would
 * cost a little there); {@link setExplicitTransposes} overrides the choice.
 *
 * @example
 * ```ts
 * const scores = fastMatMul(g, h, { transposeB: true }); // g·hᵀ, n × n
 * ```
 */
export function fastMatMul(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  options: { transposeA?: boolean; transposeB?: boolean } = {},
): tf.Tensor2D {
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  if (denseMode === 'fused') {
    ensureDenseKernels(kernelOptions);
    return matMulKernel(a, b, transposeA, transposeB);
  }
  if (!usesExplicitTransposes()) return tf.matMul(a, b, transposeA, transposeB);
  return tf.tidy(() => {
    const left = transposeA ? tf.transpose(a) : a;
    const right = transposeB ? tf.transpose(b) : b;
    return plainMatMul(left, right) as tf.Tensor2D;
  });
}

/**
 * A dense layer `activation(x·W + b)` for x of shape [n, in], W of shape [in, out] and b of
 * length out (optional), with one fused kernel in the forward pass.
 *
 * Where {@link usesExplicitTransposes} holds (wasm), the gradient is written out with explicit
 * transposes (`dx = dz·transpose(W)`, `dW = transpose(x)·dz`, `db = Σ dz`, with dz the output
 * gradient times the activation's derivative, read from the output), which makes training steps
 * 4–5× faster on wasm. Elsewhere it is `tf.fused.matMul` (ReLU, linear) or a matMul followed by
 * `tf.elu`, with tfjs's own gradients.
 */
export function fastDense(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias?: tf.Tensor1D,
  activation: DenseActivation = 'linear',
): tf.Tensor2D {
  if (denseMode === 'fused') {
    ensureDenseKernels(kernelOptions);
    return denseKernel(x, kernel, bias, activation);
  }
  return tf.tidy((): tf.Tensor2D => {
    if (usesExplicitTransposes()) {
      return (
        bias === undefined
          ? denseOp(activation, false)(x, kernel)
          : denseOp(activation, true)(x, kernel, bias)
      ) as tf.Tensor2D;
    }
    if (activation === 'elu') {
      return tf.elu(
        tf.fused.matMul({ a: x, b: kernel, ...(bias === undefined ? {} : { bias }) }),
      ) as tf.Tensor2D;
    }
    return tf.fused.matMul({
      a: x,
      b: kernel,
      ...(bias === undefined ? {} : { bias }),
      activation,
    }) as tf.Tensor2D;
  });
}

/**
 * `relu(x)` or `elu(x)` for an activation that follows something other than a dense layer (the
 * joint critic's broadcast sum of its split first layer). In the dense-kernel mode its gradient
 * is one kernel that reads the output (TensorFlow's `ReluGrad`/`EluGrad` on tfjs-node, where
 * `tf.relu`'s gradient is a comparison, a cast and a product over the whole tensor); the values
 * and gradients are `tf.relu`'s and `tf.elu`'s.
 */
export function fastActivation<T extends tf.Tensor>(x: T, activation: 'relu' | 'elu'): T {
  assertOneOf('fastActivation', 'activation', activation, ['relu', 'elu'] as const);
  if (denseMode === 'fused') {
    ensureDenseKernels(kernelOptions);
    return activationKernel(x, activation) as T;
  }
  return (activation === 'relu' ? tf.relu(x) : tf.elu(x)) as T;
}
