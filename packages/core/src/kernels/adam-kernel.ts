import { InvalidArgumentError, ShapeMismatchError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { assertShape } from '../validate/assert-shape';
import { type WasmAdamBackend, type WasmAdamUpdate, wasmAdamUpdate } from './adam-update-wasm';
import { runOnHostMemory } from './host-memory';
import { ensureKernelFamily } from './kernel-family';

/** Kernel name; the `Mi` prefix keeps it apart from TF.js's own. */
const ADAM_UPDATE_KERNEL = 'MiAdamUpdate';

/** Adam's hyperparameters and this step's bias corrections (see {@link fusedAdamUpdate}). */
export interface AdamStepParameters {
  /** The learning rate lr. */
  readonly learningRate: number;
  /** β₁, the decay of the first moment. */
  readonly beta1: number;
  /** β₂, the decay of the second moment. */
  readonly beta2: number;
  /** ε, added to √v̂. */
  readonly epsilon: number;
  /** 1 − β₁ᵗ at step t (from 1) as a float32 number, as `tf.sub(1, accBeta1)` gives it. */
  readonly correction1: number;
  /** 1 − β₂ᵗ as a float32 number. */
  readonly correction2: number;
}

/** What {@link fusedAdamUpdate} returns: new tensors, owned by the caller. */
export interface AdamUpdate {
  /** The new first moments, shaped as `m`. */
  readonly m: tf.Tensor;
  /** The new second moments, shaped as `v`. */
  readonly v: tf.Tensor;
  /** The updated values, one per variable, each shaped as it. */
  readonly values: tf.Tensor[];
}

/**
 * The scalars of the update as `tf.train.adam` makes them: each JavaScript number (1 − β computed
 * in float64 first) becomes a float32 tensor, so a float32 number here.
 */
function constantsOf(parameters: AdamStepParameters) {
  const { fround } = Math;
  return {
    beta1: fround(parameters.beta1),
    oneMinusBeta1: fround(1 - parameters.beta1),
    beta2: fround(parameters.beta2),
    oneMinusBeta2: fround(1 - parameters.beta2),
    correction1: fround(parameters.correction1),
    correction2: fround(parameters.correction2),
    epsilon: fround(parameters.epsilon),
    negativeLearningRate: fround(-parameters.learningRate),
  };
}

type Constants = ReturnType<typeof constantsOf>;

/**
 * One variable's block of the update, entries `offset …` of the moments. Every product, quotient,
 * sum and square root of float32 numbers, computed in float64 and rounded once to float32, is
 * the correctly rounded float32 result (float64 has more than 2·24 + 2 bits), so rounding after
 * each operation, in `tf.train.adam`'s order, gives its float32 kernels' results bit for bit.
 * Stores into a Float32Array round as `Math.fround` does.
 */
function updateBlock(
  c: Constants,
  m: Float32Array,
  v: Float32Array,
  gradient: Float32Array,
  value: Float32Array,
  newM: Float32Array,
  newV: Float32Array,
  newValue: Float32Array,
  offset: number,
): void {
  const { fround, sqrt } = Math;
  const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, correction1, correction2, epsilon } = c;
  const negativeLearningRate = c.negativeLearningRate;
  for (let i = 0; i < value.length; i++) {
    const k = offset + i;
    const g = gradient[i] as number;
    // add(mul(m, β₁), mul(g, 1 − β₁)); add(mul(v, β₂), mul(square(g), 1 − β₂)).
    const mk = fround(fround((m[k] as number) * beta1) + fround(g * oneMinusBeta1));
    const vk = fround(fround((v[k] as number) * beta2) + fround(fround(g * g) * oneMinusBeta2));
    newM[k] = mk;
    newV[k] = vk;
    // div(m', 1 − β₁ᵗ), div(v', 1 − β₂ᵗ); add(mul(div(m̂, add(sqrt(v̂), ε)), −lr), θ).
    const mHat = fround(mk / correction1);
    const vHat = fround(vk / correction2);
    const denominator = fround(fround(sqrt(vHat)) + epsilon);
    newValue[i] = fround(fround(mHat / denominator) * negativeLearningRate) + (value[i] as number);
  }
}

/**
 * wasm: `adam-update.wat`'s SIMD loop, one call per variable, on the heap where every input lies.
 * Offsets are read once every output is allocated (an allocation can grow the heap; offsets
 * survive that, views of the old buffer do not).
 */
function updateOnHeap(
  update: WasmAdamUpdate,
  backend: WasmAdamBackend,
  c: Constants,
  m: tf.TensorInfo,
  v: tf.TensorInfo,
  values: readonly tf.TensorInfo[],
  gradients: readonly (tf.TensorInfo | undefined)[],
): tf.TensorInfo[] {
  const outputs = [m, v, ...values].map((info) => backend.makeOutput([...info.shape], 'float32'));
  const at = (info: tf.TensorInfo) => backend.getMemoryOffset(info.dataId);
  const [mAt, vAt, newMAt, newVAt] = [at(m), at(v), at(outputs[0]!), at(outputs[1]!)];
  let offset = 0;
  values.forEach((value, k) => {
    const size = tf.util.sizeFromShape(value.shape);
    const gradient = gradients[k];
    const bytes = 4 * offset;
    update(
      mAt + bytes,
      vAt + bytes,
      gradient === undefined ? 0 : at(gradient),
      at(value),
      newMAt + bytes,
      newVAt + bytes,
      at(outputs[2 + k]!),
      size,
      gradient === undefined ? 0 : 1,
      c.beta1,
      c.oneMinusBeta1,
      c.beta2,
      c.oneMinusBeta2,
      c.correction1,
      c.correction2,
      c.epsilon,
      c.negativeLearningRate,
    );
    offset += size;
  });
  return outputs;
}

/**
 * cpu and wasm: one pass over the entries of every variable, on the backend's memory (on wasm
 * the SIMD module where it can be had, the JavaScript loop otherwise). Inputs are named `m`,
 * `v`, `value<k>` and `gradient<k>` (absent for a missing gradient, which counts as zero);
 * outputs are the new m, the new v, then the new values.
 */
function makeHostKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: ADAM_UPDATE_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { m, v } = inputs as { m: tf.TensorInfo; v: tf.TensorInfo };
      const values: tf.TensorInfo[] = [];
      for (let k = 0; inputs[`value${k}`] !== undefined; k++) {
        values.push(inputs[`value${k}`] as tf.TensorInfo);
      }
      const gradients = values.map((_, k) => inputs[`gradient${k}`]);
      const given = gradients.filter((g): g is tf.TensorInfo => g !== undefined);
      const constants = constantsOf(attrs as unknown as AdamStepParameters);
      const simd = backendName === 'wasm' ? wasmAdamUpdate(backend) : undefined;
      if (simd !== undefined) {
        const heap = backend as unknown as WasmAdamBackend;
        return updateOnHeap(simd, heap, constants, m, v, values, gradients);
      }
      return runOnHostMemory(
        backendName,
        backend,
        [m, v, ...values, ...given],
        [[...m.shape], [...v.shape], ...values.map((value) => [...value.shape])],
        (arrays, [newM, newV, ...newValues]) => {
          let next = 2 + values.length;
          let offset = 0;
          values.forEach((_, k) => {
            const value = arrays[2 + k] as Float32Array;
            const gradient =
              gradients[k] === undefined
                ? new Float32Array(value.length)
                : (arrays[next++] as Float32Array);
            updateBlock(
              constants,
              arrays[0] as Float32Array,
              arrays[1] as Float32Array,
              gradient,
              value,
              newM as Float32Array,
              newV as Float32Array,
              newValues[k] as Float32Array,
              offset,
            );
            offset += value.length;
          });
        },
      ) as tf.TensorInfo[];
    },
  };
}

/**
 * Registers the kernel for the active backend on first use; false where there is none. No native
 * side: TensorFlow's `ResourceApplyAdam` updates resource variables in place, so on tfjs-node
 * the moments live in TensorFlow (`NativeAdamMoments`), not in tensors passed to a kernel.
 */
function ensureAdamKernel(): boolean {
  return ensureKernelFamily({ probe: ADAM_UPDATE_KERNEL, host: (name) => [makeHostKernel(name)] });
}

/**
 * Checks one Adam step's operands: a gradient (or null) per value, each shaped as its value, and
 * `m` and `v` as many entries as the values together (`m`, `v` skipped where absent).
 */
export function validateAdamOperands(
  functionName: string,
  moments: { readonly m: tf.Tensor; readonly v: tf.Tensor } | undefined,
  gradients: readonly (tf.Tensor | null | undefined)[],
  values: readonly tf.Tensor[],
): void {
  if (gradients.length !== values.length) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'gradients',
      value: gradients.length,
      expected: `one entry per value (${values.length}; null or undefined where missing)`,
    });
  }
  values.forEach((value, k) => {
    const gradient = gradients[k];
    if (gradient != null) {
      assertShape(functionName, `gradients[${k}]`, gradient, value.shape, 'the shape of its value');
    }
  });
  if (moments === undefined) return;
  const { m, v } = moments;
  const total = values.reduce((sum, value) => sum + value.size, 0);
  if (m.size !== total) {
    throw new ShapeMismatchError({
      functionName,
      parameter: 'm',
      expected: [total],
      received: m.shape,
      detail: "as many entries as the values' sizes together",
    });
  }
  assertShape(functionName, 'v', v, m.shape, 'the shape of m');
}

/**
 * The inputs of the Adam kernels: `base` (the moments or their handles), then `value<k>` and
 * `gradient<k>` for each variable (no `gradient<k>` where it is missing).
 */
export function adamKernelInputs(
  base: tf.NamedTensorMap,
  values: readonly tf.Tensor[],
  gradients: readonly (tf.Tensor | null | undefined)[],
): tf.NamedTensorMap {
  const inputs: tf.NamedTensorMap = { ...base };
  values.forEach((value, k) => {
    inputs[`value${k}`] = value;
    const gradient = gradients[k];
    if (gradient != null) inputs[`gradient${k}`] = gradient;
  });
  return inputs;
}

/** Adam's parameters as kernel attributes (a plain object of numbers). */
export function adamAttributes(parameters: AdamStepParameters): tf.NamedAttrMap {
  const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = parameters;
  return { learningRate, beta1, beta2, epsilon, correction1, correction2 };
}

/**
 * One step of Adam (Kingma & Ba 2015) over several variables whose moments lie one after another
 * in `m` and `v` (any shape, as many entries as the values together, in their order), computed
 * as `tf.train.adam` does, bit for bit, in one kernel on cpu and wasm:
 *
 * ```
 * m ← β₁ m + (1 − β₁) g        v ← β₂ v + (1 − β₂) g²
 * m̂ = m / (1 − β₁ᵗ)            v̂ = v / (1 − β₂ᵗ)
 * θ ← −lr · m̂ / (√v̂ + ε) + θ
 * ```
 *
 * Each operation is rounded to float32 in `tf.train.adam`'s order (its scalars as float32, the
 * bias corrections as given) in one pass over the entries instead of ~13 element-wise kernels. On
 * cpu it is a JavaScript loop (float64 operations rounded to float32 each): 12–15× faster than
 * the stock kernels, JavaScript loops too. On wasm it is a WebAssembly SIMD loop
 * (`adam-update.wat`: four float32 lanes, every operation rounded as the kernels round it) on
 * the backend's heap, 2.7–4.8× faster than its 13 SIMD kernels (159 K parameters in 12 variables
 * 0.95–1.17 → 0.22–0.25 ms, one 6.4 M-entry variable 68–99 → 26–27 ms). It runs on wasm only where that module
 * can be instantiated on the heap (not the threaded build's shared memory, nor an engine without
 * WebAssembly SIMD); elsewhere a JavaScript loop would be two to three times slower than the
 * backend's kernels, so it returns undefined there. A missing gradient (null or undefined) counts
 * as zero: the moments decay and the value moves by what they still hold. Returns new tensors for
 * the caller to `assign` (which swaps the data without a kernel), or undefined where the kernel
 * does not run (tensorflow, webgl, wasm without the SIMD module, inputs not float32): the caller
 * composes TF.js ops instead. Inputs are not disposed. Not differentiable.
 *
 * @example
 * ```ts
 * const update = fusedAdamUpdate(m, v, [g1, g2], [w1, w2], {
 *   learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
 *   // Step 1: 1 − β as tf.train.adam's float32 β-powers give it.
 *   correction1: Math.fround(1 - Math.fround(0.9)),
 *   correction2: Math.fround(1 - Math.fround(0.999)),
 * });
 * if (update !== undefined) {
 *   m.assign(update.m);
 *   v.assign(update.v);
 *   w1.assign(update.values[0]);
 *   w2.assign(update.values[1]);
 *   tf.dispose([update.m, update.v, ...update.values]);
 * }
 * ```
 * @see https://arxiv.org/abs/1412.6980
 */
export function fusedAdamUpdate(
  m: tf.Tensor,
  v: tf.Tensor,
  gradients: readonly (tf.Tensor | null | undefined)[],
  values: readonly tf.Tensor[],
  parameters: AdamStepParameters,
): AdamUpdate | undefined {
  validateAdamOperands('fusedAdamUpdate', { m, v }, gradients, values);
  const float32 = [m, v, ...values, ...gradients].every((t) => t == null || t.dtype === 'float32');
  if (!float32) return undefined;
  if (tf.getBackend() === 'wasm' && wasmAdamUpdate(tf.backend()) === undefined) return undefined;
  if (!ensureAdamKernel()) return undefined;
  const [newM, newV, ...newValues] = tf
    .engine()
    .runKernel(
      ADAM_UPDATE_KERNEL,
      adamKernelInputs({ m, v }, values, gradients),
      adamAttributes(parameters),
    ) as tf.Tensor[];
  return { m: newM as tf.Tensor, v: newV as tf.Tensor, values: newValues };
}
