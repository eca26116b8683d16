import * as tf from '@tensorflow/tfjs-core';

/** Activations that the fused dense kernel applies after its product and bias. */
export type DenseActivation = 'linear' | 'relu' | 'elu';

/** Kernel names; the `Mi` prefix keeps them apart from TF.js's own. */
const DENSE_KERNEL = 'MiDense';
const MATMUL_2D_KERNEL = 'MiMatMul2D';
const ACTIVATION_GRAD_KERNEL = 'MiActivationGrad';
const BIAS_GRAD_KERNEL = 'MiBiasGrad';

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

// The part of tfjs-node's NodeJSKernelBackend the native kernels call (no import: optional peer).
interface NativeBackend {
  readonly binding: {
    readonly TF_ATTR_BOOL: number;
    readonly TF_ATTR_TYPE: number;
    readonly TF_ATTR_STRING: number;
    readonly TF_FLOAT: number;
  };
  executeSingleOutput(name: string, attrs: readonly unknown[], inputs: tf.TensorInfo[]): tf.Tensor;
}

function nativeBackend(backend: unknown): NativeBackend | undefined {
  const candidate = backend as Partial<NativeBackend> | null;
  return candidate !== null &&
    typeof candidate?.executeSingleOutput === 'function' &&
    typeof candidate.binding === 'object'
    ? (candidate as NativeBackend)
    : undefined;
}

const floatType = (native: NativeBackend) => ({
  name: 'T',
  type: native.binding.TF_ATTR_TYPE,
  value: native.binding.TF_FLOAT,
});
const boolAttr = (native: NativeBackend, name: string, value: boolean) => ({
  name,
  type: native.binding.TF_ATTR_BOOL,
  value,
});

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

const asTensor = (info: tf.TensorInfo): tf.Tensor =>
  info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info);

/** The 2-D product kernel of the backend (`BatchMatMul` takes any rank on cpu and wasm). */
function batchMatMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) {
  return tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA, transposeB }) as tf.Tensor;
}

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
        // One `_FusedMatMul` (XNNPACK on wasm): product, bias and activation in one pass. The
        // wasm kernel wants rank-3 operands (the reshapes only relabel the data); cpu takes 2-D.
        const [n, inUnits] = x.shape as [number, number];
        const outUnits = kernel.shape[1] as number;
        const rank3 = backendName !== 'cpu';
        const fused = tf.engine().runKernel(
          '_FusedMatMul',
          {
            a: rank3 ? tf.reshape(asTensor(x), [1, n, inUnits]) : asTensor(x),
            b: rank3 ? tf.reshape(asTensor(kernel), [1, inUnits, outUnits]) : asTensor(kernel),
            ...(bias === undefined ? {} : { bias: asTensor(bias) }),
          },
          { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 },
        ) as tf.Tensor;
        return rank3 ? tf.reshape(fused, [n, outUnits]) : fused;
      }) as unknown as tf.TensorInfo;
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
  native: boolean,
): tf.Tensor {
  if (activation === 'linear') return dy;
  if (native)
    return tf.engine().runKernel(ACTIVATION_GRAD_KERNEL, { dy, y }, { activation }) as tf.Tensor;
  if (activation === 'relu') return tf.mul(dy, tf.step(y));
  return tf.engine().runKernel('EluGrad', { dy, y }) as tf.Tensor;
}

const matMul2D = (a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) =>
  tf.engine().runKernel(MATMUL_2D_KERNEL, { a, b }, { transposeA, transposeB }) as tf.Tensor;

const usesNativeKernels = () => tf.getKernel(ACTIVATION_GRAD_KERNEL, tf.getBackend()) !== undefined;

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
  if (tf.getGradient(DENSE_KERNEL) === undefined) {
    tf.registerGradient({
      kernelName: DENSE_KERNEL,
      inputsToSave: ['x', 'kernel'],
      outputsToSave: [true],
      gradFunc: (dy, saved, attrs) => {
        const [x, kernel, y] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const { activation } = attrs as unknown as DenseAttrs;
        const native = usesNativeKernels();
        // Computed once, shared by the three closures; the engine's backward scope frees it.
        const dz = activationGradient(activation, dy as tf.Tensor, y, native);
        return {
          x: () => matMul2D(dz, kernel, false, true),
          kernel: () => matMul2D(x, dz, true, false),
          bias: () =>
            native
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
 * skipping the reshapes `tf.matMul` wraps around every product and the six-op `Step`; elsewhere
 * the forward pass is one `_FusedMatMul` and the gradient is written with TF.js ops.
 */
export function ensureDenseKernels(options: DenseKernelOptions): void {
  const backendName = tf.getBackend();
  if (tf.getKernel(DENSE_KERNEL, backendName) === undefined) {
    tf.registerKernel(makeDenseKernel(backendName));
    tf.registerKernel(makeMatMulKernel(backendName, options));
    if (backendName === 'tensorflow' && nativeBackend(tf.backend()) !== undefined) {
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

/** `op(a)·op(b)` on 2-D tensors through the 2-D product kernel. */
export function matMulKernel(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  transposeA: boolean,
  transposeB: boolean,
): tf.Tensor2D {
  return matMul2D(a, b, transposeA, transposeB) as tf.Tensor2D;
}
