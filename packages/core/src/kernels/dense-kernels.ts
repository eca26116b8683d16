import * as tf from '@tensorflow/tfjs-core';
import { hostKernels, runOnHostMemory, view } from './host-memory';
import { asTensor, boolAttr, floatType, type NativeBackend, nativeBackend } from './native-backend';

/** Activations that the fused dense kernel applies after its product and bias. */
export type DenseActivation = 'linear' | 'relu' | 'elu';

/** Kernel names; the `Mi` prefix keeps them apart from TF.js's own. */
const DENSE_KERNEL = 'MiDense';
const MATMUL_2D_KERNEL = 'MiMatMul2D';
const ACTIVATION_GRAD_KERNEL = 'MiActivationGrad';
const BIAS_GRAD_KERNEL = 'MiBiasGrad';
const ACTIVATION_KERNEL = 'MiActivation';

/** Attributes of {@link DENSE_KERNEL}. */
interface DenseAttrs {
  readonly activation: DenseActivation;
}

/** Attributes of {@link MATMUL_2D_KERNEL}. */
interface MatMulAttrs {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** What a backend-specific implementation needs to know when it runs. */
interface DenseKernelOptions {
  /** Materialise transposed operands before a plain product (wasm: ~10× faster). */
  readonly explicitTransposes: () => boolean;
}

/** The 2-D product of TensorFlow's `MatMul` op: no reshapes to 3-D as `tf.matMul` does. */
function nativeMatMul(
  native: NativeBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.Tensor {
  return native.executeSingleOutput(
    'MatMul',
    [
      floatType(native),
      boolAttr(native, 'transpose_a', transposeA),
      boolAttr(native, 'transpose_b', transposeB),
    ],
    [a, b],
  );
}

/** The 2-D product kernel of the backend (`BatchMatMul` takes any rank on cpu and wasm). */
function batchMatMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) {
  return tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA, transposeB }) as tf.Tensor;
}

const onHost = (backendName: string) => backendName === 'cpu' || backendName === 'wasm';

/**
 * `op(a)·op(b)` for wasm, whose fast product (XNNPACK) takes plain operands only: the transposes
 * are materialised first. A product whose output is a vector (the output layer's gradients in
 * the joint critic: xᵀ·dz with x 4096 × 256 and dz 4096 × 1) is left to the kernel's own loop
 * instead: 1 M multiply-adds take ~1 ms there, while copying x takes ~10–20 ms. Transposes are
 * real copies, never reshaped views of vectors: XNNPACK caches its packed right operand by the
 * tensor's data id, so one data id must not reach it in two shapes.
 */
function plainProduct(
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA: boolean,
  transposeB: boolean,
): tf.Tensor {
  const rows = transposeA ? a.shape[1] : a.shape[0];
  const columns = transposeB ? b.shape[0] : b.shape[1];
  if (rows === 1 || columns === 1 || (!transposeA && !transposeB)) {
    return batchMatMul(a, b, transposeA, transposeB);
  }
  return batchMatMul(
    transposeA ? tf.transpose(a) : a,
    transposeB ? tf.transpose(b) : b,
    false,
    false,
  );
}

/**
 * Whether C = op(A)·Bᵀ (C of m × n, inner size k) costs fewer copies computed as (B·op(A)ᵀ)ᵀ.
 * wasm's product packs its right operand (XNNPACK's fully-connected weights) anew for every new
 * tensor, which in training is every right operand, every step: 64 × 256 by 256 × 256, 0.38 ms
 * with a packed operand against 0.54–0.82 ms with a new one. Entries copied or packed:
 * A·Bᵀ directly 2nk (transpose B, pack it), swapped 2mk + mn (transpose A, pack it, transpose C);
 * Aᵀ·Bᵀ directly mk + 2nk, swapped mk + mn. For dX = dz·Wᵀ of a 256 × 256 layer at 64 rows the
 * swap takes 0.29 ms where the direct product takes 0.56 ms.
 */
function swapsOperands(transposeA: boolean, m: number, n: number, k: number): boolean {
  return transposeA ? m * n < 2 * n * k : 2 * m * k + m * n < 2 * n * k;
}

/** {@link plainProduct} (or the plain kernel) with the backend's kernels called directly. */
function hostProduct(
  kernels: ReturnType<typeof hostKernels>,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  explicitTransposes: boolean,
): tf.TensorInfo {
  const rows = transposeA ? a.shape[1] : a.shape[0];
  const columns = transposeB ? b.shape[0] : b.shape[1];
  if (!explicitTransposes || rows === 1 || columns === 1 || (!transposeA && !transposeB)) {
    return kernels.call('BatchMatMul', { a, b }, { transposeA, transposeB });
  }
  const transposed = (x: tf.TensorInfo) => kernels.call('Transpose', { x }, { perm: [1, 0] });
  if (
    transposeB &&
    swapsOperands(transposeA, rows as number, columns as number, b.shape[1] as number)
  ) {
    // C = op(A)·Bᵀ = (B·op(A)ᵀ)ᵀ: B goes left, where XNNPACK does not pack it.
    const right = transposeA ? a : transposed(a);
    const product = kernels.call(
      'BatchMatMul',
      { a: b, b: right },
      { transposeA: false, transposeB: false },
    );
    if (!transposeA) kernels.release(right);
    const result = transposed(product);
    kernels.release(product);
    return result;
  }
  const left = transposeA ? transposed(a) : a;
  const right = transposeB ? transposed(b) : b;
  const product = kernels.call(
    'BatchMatMul',
    { a: left, b: right },
    { transposeA: false, transposeB: false },
  );
  if (transposeA) kernels.release(left);
  if (transposeB) kernels.release(right);
  return product;
}

function makeMatMulKernel(backendName: string, options: DenseKernelOptions): tf.KernelConfig {
  return {
    kernelName: MATMUL_2D_KERNEL,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
      const native = backendName === 'tensorflow' ? nativeBackend(backend) : undefined;
      if (native !== undefined) {
        return nativeMatMul(native, a, b, transposeA, transposeB) as unknown as tf.TensorInfo;
      }
      if (onHost(backendName)) {
        return hostProduct(
          hostKernels(backendName, backend),
          a,
          b,
          transposeA,
          transposeB,
          options.explicitTransposes(),
        );
      }
      return tf.tidy(() =>
        options.explicitTransposes()
          ? plainProduct(asTensor(a), asTensor(b), transposeA, transposeB)
          : batchMatMul(asTensor(a), asTensor(b), transposeA, transposeB),
      ) as unknown as tf.TensorInfo;
    },
  };
}

function makeDenseKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: DENSE_KERNEL,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, kernel, bias } = inputs as {
        x: tf.TensorInfo;
        kernel: tf.TensorInfo;
        bias?: tf.TensorInfo;
      };
      const { activation } = attrs as unknown as DenseAttrs;
      const native = backendName === 'tensorflow' ? nativeBackend(backend) : undefined;
      if (onHost(backendName)) {
        // One `_FusedMatMul` (XNNPACK on wasm): product, bias and activation in one pass. The
        // wasm kernel wants rank-3 operands (views of the same data); cpu takes 2-D.
        const [n, inUnits] = x.shape as [number, number];
        const outUnits = kernel.shape[1] as number;
        const rank3 = backendName === 'wasm';
        const fused = hostKernels(backendName, backend).call(
          '_FusedMatMul',
          {
            a: rank3 ? view(x, [1, n, inUnits]) : x,
            b: rank3 ? view(kernel, [1, inUnits, outUnits]) : kernel,
            ...(bias === undefined ? {} : { bias }),
          },
          { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 },
        );
        return rank3 ? view(fused, [n, outUnits]) : fused;
      }
      return tf.tidy(() => {
        if (native !== undefined) {
          // TensorFlow has no public fused product op (`_FusedMatMul` needs a list-of-strings
          // attribute the binding cannot pass): MatMul, BiasAdd and the activation, 3 native ops.
          let out = nativeMatMul(native, x, kernel, false, false);
          if (bias !== undefined) {
            out = native.executeSingleOutput('BiasAdd', [floatType(native)], [out, bias]);
          }
          if (activation === 'relu') {
            out = native.executeSingleOutput('Relu', [floatType(native)], [out]);
          } else if (activation === 'elu') {
            out = native.executeSingleOutput('Elu', [floatType(native)], [out]);
          }
          return out;
        }
        // Other backends: one `_FusedMatMul` on rank-3 operands (the reshapes relabel the data).
        const [n, inUnits] = x.shape as [number, number];
        const outUnits = kernel.shape[1] as number;
        const fused = tf.engine().runKernel(
          '_FusedMatMul',
          {
            a: tf.reshape(asTensor(x), [1, n, inUnits]),
            b: tf.reshape(asTensor(kernel), [1, inUnits, outUnits]),
            ...(bias === undefined ? {} : { bias: asTensor(bias) }),
          },
          { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 },
        ) as tf.Tensor;
        return tf.reshape(fused, [n, outUnits]);
      }) as unknown as tf.TensorInfo;
    },
  };
}

/**
 * ReLU or ELU on its own (after a sum that is not a dense layer's): the backend's `Relu`/`Elu`
 * called directly, or TensorFlow's op; its gradient is {@link ACTIVATION_GRAD_KERNEL}, one
 * `ReluGrad` on tensorflow where `tf.relu`'s is a comparison, a cast and a product.
 */
function makeActivationKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: ACTIVATION_KERNEL,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const op = (attrs as unknown as DenseAttrs).activation === 'elu' ? 'Elu' : 'Relu';
      if (onHost(backendName)) return hostKernels(backendName, backend).call(op, { x });
      const native = nativeBackend(backend) as NativeBackend;
      return native.executeSingleOutput(op, [floatType(native)], [x]) as unknown as tf.TensorInfo;
    },
  };
}

function makeActivationGradKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: ACTIVATION_GRAD_KERNEL,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
      const { activation } = attrs as unknown as DenseAttrs;
      if (onHost(backendName)) {
        const kernels = hostKernels(backendName, backend);
        if (activation !== 'relu') return kernels.call('EluGrad', { dy, y });
        // dy · step(y), as tf.mul(dy, tf.step(y)) computes it, without the two dispatches.
        const step = kernels.call('Step', { x: y }, { alpha: 0 });
        const dz = kernels.call('Multiply', { a: dy, b: step });
        kernels.release(step);
        return dz;
      }
      const native = nativeBackend(backend);
      // ReluGrad(gradients, features) and EluGrad(gradients, outputs): relu(z) > 0 iff z > 0,
      // so the layer's output serves as the features of ReluGrad.
      return native!.executeSingleOutput(
        activation === 'relu' ? 'ReluGrad' : 'EluGrad',
        [floatType(native!)],
        [dy, y],
      ) as unknown as tf.TensorInfo;
    },
  };
}

function makeBiasGradKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: BIAS_GRAD_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { dy } = inputs as { dy: tf.TensorInfo };
      const [rows, columns] = dy.shape as [number, number];
      if (backendName === 'wasm') {
        // ones[1, rows] · dy: the fast, untransposed product (a row sum transposes first).
        const kernels = hostKernels(backendName, backend);
        const [ones] = runOnHostMemory(backendName, backend, [], [[1, rows]], (_, [out]) => {
          (out as Float32Array).fill(1);
        }) as tf.TensorInfo[];
        const sum = kernels.call(
          'BatchMatMul',
          { a: ones as tf.TensorInfo, b: dy },
          { transposeA: false, transposeB: false },
        );
        kernels.release(ones as tf.TensorInfo);
        return view(sum, [columns]);
      }
      if (backendName === 'cpu') {
        const [sum] = runOnHostMemory(backendName, backend, [dy], [[columns]], ([g], [out]) => {
          const gradient = g as Float32Array;
          const result = out as Float32Array;
          for (let j = 0; j < columns; j++) {
            let total = 0;
            for (let i = 0; i < rows; i++) total += gradient[i * columns + j] as number;
            result[j] = total;
          }
        }) as tf.TensorInfo[];
        return sum as tf.TensorInfo;
      }
      const native = nativeBackend(backend);
      return native!.executeSingleOutput(
        'BiasAddGrad',
        [
          floatType(native!),
          { name: 'data_format', type: native!.binding.TF_ATTR_STRING, value: 'NHWC' },
        ],
        [dy],
      ) as unknown as tf.TensorInfo;
    },
  };
}

/** dz = dy · f′(z), read from the layer's output y = f(z). */
function activationGradient(
  activation: DenseActivation,
  dy: tf.Tensor,
  y: tf.Tensor,
  withKernels: boolean,
): tf.Tensor {
  if (activation === 'linear') return dy;
  if (withKernels)
    return tf.engine().runKernel(ACTIVATION_GRAD_KERNEL, { dy, y }, { activation }) as tf.Tensor;
  if (activation === 'relu') return tf.mul(dy, tf.step(y));
  return tf.engine().runKernel('EluGrad', { dy, y }) as tf.Tensor;
}

const matMul2D = (a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) =>
  tf.engine().runKernel(MATMUL_2D_KERNEL, { a, b }, { transposeA, transposeB }) as tf.Tensor;

/** Whether the activation and bias gradient kernels exist here (cpu, wasm, tensorflow). */
const hasGradientKernels = () =>
  tf.getKernel(ACTIVATION_GRAD_KERNEL, tf.getBackend()) !== undefined;

/**
 * Registers the gradients of the two kernels (global, once). Each input's gradient is a separate
 * closure, so the engine computes only those it needs: the first layer's input gradient (the
 * data batch) is never formed.
 */
function registerDenseGradients(): void {
  if (tf.getGradient(MATMUL_2D_KERNEL) === undefined) {
    tf.registerGradient({
      kernelName: MATMUL_2D_KERNEL,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved, attrs) => {
        const [a, b] = saved as [tf.Tensor, tf.Tensor];
        const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
        const dc = dy as tf.Tensor;
        // The four cases of C = op(A)·op(B), as tf.matMul's own gradient.
        if (!transposeA && !transposeB) {
          return { a: () => matMul2D(dc, b, false, true), b: () => matMul2D(a, dc, true, false) };
        }
        if (!transposeA && transposeB) {
          return { a: () => matMul2D(dc, b, false, false), b: () => matMul2D(dc, a, true, false) };
        }
        if (transposeA && !transposeB) {
          return { a: () => matMul2D(b, dc, false, true), b: () => matMul2D(a, dc, false, false) };
        }
        return { a: () => matMul2D(b, dc, true, true), b: () => matMul2D(dc, a, true, true) };
      },
    });
  }
  if (tf.getGradient(ACTIVATION_KERNEL) === undefined) {
    tf.registerGradient({
      kernelName: ACTIVATION_KERNEL,
      outputsToSave: [true],
      gradFunc: (dy, saved, attrs) => {
        const [y] = saved as [tf.Tensor];
        const { activation } = attrs as unknown as DenseAttrs;
        return { x: () => activationGradient(activation, dy as tf.Tensor, y, true) };
      },
    });
  }
  if (tf.getGradient(DENSE_KERNEL) === undefined) {
    tf.registerGradient({
      kernelName: DENSE_KERNEL,
      inputsToSave: ['x', 'kernel'],
      outputsToSave: [true],
      gradFunc: (dy, saved, attrs) => {
        const [x, kernel, y] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const { activation } = attrs as unknown as DenseAttrs;
        const withKernels = hasGradientKernels();
        // Computed once, shared by the three closures; the engine's backward scope frees it.
        const dz = activationGradient(activation, dy as tf.Tensor, y, withKernels);
        return {
          x: () => matMul2D(dz, kernel, false, true),
          kernel: () => matMul2D(x, dz, true, false),
          bias: () =>
            withKernels
              ? (tf.engine().runKernel(BIAS_GRAD_KERNEL, { dy: dz }) as tf.Tensor)
              : tf.sum(dz, 0),
        };
      },
    });
  }
}

/**
 * Makes sure the dense kernels exist for the active backend: registered on first use per
 * backend (importing `@mi/core` registers nothing). On `tensorflow` they run TensorFlow's 2-D
 * ops directly (MatMul, BiasAdd, Relu/Elu and their gradients ReluGrad, EluGrad, BiasAddGrad),
 * skipping the reshapes `tf.matMul` wraps around every product and the six-op `Step`; on cpu
 * and wasm the forward pass is one `_FusedMatMul` and the products, transposes, ReLU and bias
 * gradients call the backend's kernels directly or run in JavaScript on its memory, one dispatch
 * each; elsewhere the gradient is written with TF.js ops.
 */
export function ensureDenseKernels(options: DenseKernelOptions): void {
  const backendName = tf.getBackend();
  if (tf.getKernel(DENSE_KERNEL, backendName) === undefined) {
    tf.registerKernel(makeDenseKernel(backendName));
    tf.registerKernel(makeMatMulKernel(backendName, options));
    const native = backendName === 'tensorflow' && nativeBackend(tf.backend()) !== undefined;
    if (native || onHost(backendName)) {
      tf.registerKernel(makeActivationKernel(backendName));
      tf.registerKernel(makeActivationGradKernel(backendName));
      tf.registerKernel(makeBiasGradKernel(backendName));
    }
  }
  registerDenseGradients();
}

/** `activation(x·kernel + bias)` through the dense kernel (see {@link ensureDenseKernels}). */
export function denseKernel(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | undefined,
  activation: DenseActivation,
): tf.Tensor2D {
  return tf
    .engine()
    .runKernel(DENSE_KERNEL, bias === undefined ? { x, kernel } : { x, kernel, bias }, {
      activation,
    } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/**
 * `relu(x)` or `elu(x)` through the activation kernel, whose gradient is one kernel; `tf.relu` or
 * `tf.elu` where the backend has none (see {@link ensureDenseKernels}).
 */
export function activationKernel(x: tf.Tensor, activation: 'relu' | 'elu'): tf.Tensor {
  if (tf.getKernel(ACTIVATION_KERNEL, tf.getBackend()) === undefined) {
    return activation === 'relu' ? tf.relu(x) : tf.elu(x);
  }
  return tf.engine().runKernel(ACTIVATION_KERNEL, { x }, {
    activation,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** `op(a)·op(b)` on 2-D tensors through the 2-D product kernel. */
export function matMulKernel(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  transposeA: boolean,
  transposeB: boolean,
): tf.Tensor2D {
  return matMul2D(a, b, transposeA, transposeB) as tf.Tensor2D;
}
