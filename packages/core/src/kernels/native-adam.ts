import { InvalidArgumentError, InvalidStateError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  type AdamStepParameters,
  adamAttributes,
  adamKernelInputs,
  validateAdamOperands,
} from './adam-kernel';
import { nativeConcatFlat, nativeSplitShaped } from './flat-pieces';
import {
  boolAttr,
  floatScalar,
  floatType,
  type NativeBackend,
  nativeBackend,
} from './native-backend';

/** Kernel name; the `Mi` prefix keeps it apart from TF.js's own. */
const RESOURCE_ADAM_KERNEL = 'MiResourceAdamUpdate';

/**
 * TensorFlow's name for an anonymous resource: the variable belongs to its handle and is freed
 * with the last handle, not kept in the session's resource manager.
 */
const ANONYMOUS_RESOURCE = 'cd2c89b7-88b7-44c8-ad83-06c2a9158347';

const floatDtype = (native: NativeBackend) => floatType(native, 'dtype');

/** A float32 TensorFlow resource variable of `shape` holding `value` (whose handle it shares). */
function resourceVariable(
  native: NativeBackend,
  shape: readonly number[],
  value: tf.TensorInfo,
): tf.Tensor {
  const handle = native.executeSingleOutput(
    'VarHandleOp',
    [
      { name: 'container', type: native.binding.TF_ATTR_STRING, value: '' },
      { name: 'shared_name', type: native.binding.TF_ATTR_STRING, value: ANONYMOUS_RESOURCE },
      floatDtype(native),
      { name: 'shape', type: native.binding.TF_ATTR_SHAPE, value: [...shape] },
    ],
    [],
  );
  writeResource(native, handle, value);
  return handle;
}

function writeResource(native: NativeBackend, handle: tf.TensorInfo, value: tf.TensorInfo): void {
  native.executeMultipleOutputs('AssignVariableOp', [floatDtype(native)], [handle, value], 0);
}

function readResource(native: NativeBackend, handle: tf.TensorInfo): tf.Tensor {
  return native.executeSingleOutput('ReadVariableOp', [floatDtype(native)], [handle]);
}

/** Attributes of the kernel besides Adam's parameters. */
interface ResourceAdamAttributes {
  /** Write the values into θ first (they changed since the last update). */
  readonly reload: boolean;
  /** θ, m and v are shaped as the only value; otherwise 1-D, the values one after another. */
  readonly whole: boolean;
}

/**
 * tensorflow: θ, m and v are resource variables (`theta`, `m`, `v` are their handles); inputs
 * `value<k>` (the variables, for their shapes, and written into θ first on `reload`) and
 * `gradient<k>` (absent where missing: zeros). One `ResourceApplyAdam` updates the three in
 * place; the outputs are the new values, shaped as the `value<k>`.
 */
function makeResourceAdamKernel(): tf.KernelConfig {
  return {
    kernelName: RESOURCE_ADAM_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const native = nativeBackend(backend) as NativeBackend;
      const { theta, m, v } = inputs as Record<'theta' | 'm' | 'v', tf.TensorInfo>;
      const values: tf.TensorInfo[] = [];
      for (let k = 0; inputs[`value${k}`] !== undefined; k++) {
        values.push(inputs[`value${k}`] as tf.TensorInfo);
      }
      const parameters = attrs as unknown as AdamStepParameters & ResourceAdamAttributes;
      const { whole } = parameters;
      const shapes = values.map((value) => value.shape);
      return tf.tidy(() => {
        if (parameters.reload) {
          writeResource(
            native,
            theta,
            whole ? (values[0] as tf.TensorInfo) : nativeConcatFlat(native, values),
          );
        }
        const gradients = values.map(
          (value, k) => inputs[`gradient${k}`] ?? tf.zeros(value.shape, 'float32'),
        );
        const gradient = whole
          ? (gradients[0] as tf.TensorInfo)
          : nativeConcatFlat(native, gradients);
        applyAdam(native, theta, m, v, gradient, parameters);
        const updated = readResource(native, theta);
        return whole ? [updated] : nativeSplitShaped(native, updated, shapes);
      }) as unknown as tf.TensorInfo[];
    },
  };
}

/**
 * `ResourceApplyAdam`: TensorFlow computes θ ← θ − α·m/(√v + ε̂) with α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ),
 * Kingma & Ba's "more efficient" order (Sect. 2). Passing ε̂ = ε·√(1 − β₂ᵗ) makes it their
 * Algorithm 1, θ − lr·m̂/(√v̂ + ε), as `tf.train.adam` and PyTorch compute it.
 */
function applyAdam(
  native: NativeBackend,
  theta: tf.TensorInfo,
  m: tf.TensorInfo,
  v: tf.TensorInfo,
  gradient: tf.TensorInfo,
  parameters: AdamStepParameters,
): void {
  native.executeMultipleOutputs(
    'ResourceApplyAdam',
    [
      floatType(native),
      boolAttr(native, 'use_locking', false),
      boolAttr(native, 'use_nesterov', false),
    ],
    [theta, m, v, ...resourceAdamScalars(parameters).map(floatScalar), gradient],
    0,
  );
}

/**
 * The scalar operands of `ResourceApplyAdam` for a step, in its order: β₁ᵗ, β₂ᵗ, lr, β₁, β₂ and
 * ε̂ = ε·√(1 − β₂ᵗ), as JavaScript numbers (each becomes a float32 scalar). What
 * {@link NativeAdamMoments} passes, and what a compiled step must feed to give the same bits.
 */
export function resourceAdamScalars(parameters: AdamStepParameters): number[] {
  const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = parameters;
  return [
    1 - correction1,
    1 - correction2,
    learningRate,
    beta1,
    beta2,
    epsilon * Math.sqrt(correction2),
  ];
}

function ensureResourceAdamKernel(): void {
  if (tf.getKernel(RESOURCE_ADAM_KERNEL, 'tensorflow') === undefined) {
    tf.registerKernel(makeResourceAdamKernel());
  }
}

/**
 * Adam's state for some variables held by TensorFlow on tfjs-node: their values (one after
 * another, or shaped as the only variable), m and v as TensorFlow resource variables, which one
 * `ResourceApplyAdam` updates in place, one pass over the entries, instead of the ~13
 * element-wise kernels (each a pass over memory and a dispatch) that `tf.train.adam` runs:
 *
 * ```
 * m ← β₁ m + (1 − β₁) g        v ← β₂ v + (1 − β₂) g²
 * θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * ```
 *
 * The same update as Kingma & Ba's Algorithm 1 and `tf.train.adam`, not the same rounding: TensorFlow
 * folds the bias corrections into the step size and writes m ← m + (g − m)(1 − β₁), so the
 * weights agree to float32 rounding (an ulp a step), not bit for bit. A step is one TF.js kernel
 * (`MiResourceAdamUpdate`): the gradients concatenated, the update, the values read and split
 * back into the variables' shapes. Values assigned to the variables from elsewhere (a restored
 * checkpoint) are noticed, their data not being the last written, and loaded first.
 *
 * @see https://arxiv.org/abs/1412.6980
 */
export class NativeAdamMoments {
  /** The data each variable held after the last update (a different one: reload θ). */
  private written: readonly tf.DataId[] = [];
  private disposed = false;

  private constructor(
    private readonly handles: {
      readonly theta: tf.Tensor;
      readonly m: tf.Tensor;
      readonly v: tf.Tensor;
    },
    /** The shapes of the variables of `create`, in order. */
    private readonly shapes: readonly (readonly number[])[],
    /** θ, m and v are shaped as the only variable (no concatenation or split). */
    private readonly whole: boolean,
  ) {}

  /**
   * Moments `m`, `v` (any shape, as many entries as the variables together; copied, not kept)
   * for `variables` on tfjs-node; undefined on any other backend, where `tfjs-node`'s binding
   * lacks what this needs or its TensorFlow does not give each anonymous resource variable its
   * own storage (checked once), or where the tensors are not float32.
   */
  static create(
    m: tf.Tensor,
    v: tf.Tensor,
    variables: readonly tf.Tensor[],
  ): NativeAdamMoments | undefined {
    const native = tf.getBackend() === 'tensorflow' ? nativeBackend(tf.backend()) : undefined;
    const float32 = [m, v, ...variables].every((t) => t.dtype === 'float32');
    if (native === undefined || !float32 || !anonymousResourcesWork(native)) return undefined;
    const size = variables.reduce((sum, w) => sum + w.size, 0);
    if (m.size !== size || v.size !== size) {
      throw new InvalidArgumentError({
        functionName: 'NativeAdamMoments.create',
        parameter: m.size !== size ? 'm' : 'v',
        value: m.size !== size ? m.size : v.size,
        expected: `as many entries as the variables together (${size})`,
      });
    }
    ensureResourceAdamKernel();
    const whole =
      variables.length === 1 && tf.util.arraysEqual((variables[0] as tf.Tensor).shape, m.shape);
    const shape = whole ? m.shape : [size];
    const handles = tf.tidy(() => ({
      // θ is loaded from the variables at the first update.
      theta: resourceVariable(native, shape, tf.zeros(shape)),
      m: resourceVariable(native, shape, tf.reshape(m, shape)),
      v: resourceVariable(native, shape, tf.reshape(v, shape)),
    }));
    return new NativeAdamMoments(
      handles,
      variables.map((w) => w.shape),
      whole,
    );
  }

  /**
   * One Adam step: updates the moments in place and assigns each variable its new value (a
   * missing gradient counts as zero). `variables` must be shaped as those of `create`, in its
   * order.
   */
  update(
    variables: readonly tf.Variable[],
    gradients: readonly (tf.Tensor | null | undefined)[],
    parameters: AdamStepParameters,
  ): void {
    const functionName = 'NativeAdamMoments.update';
    this.assertUsable(functionName);
    const shapes = variables.map((w) => w.shape);
    if (
      shapes.length !== this.shapes.length ||
      shapes.some((shape, k) => !tf.util.arraysEqual(shape, this.shapes[k] as number[]))
    ) {
      throw new InvalidArgumentError({
        functionName,
        parameter: 'variables',
        value: JSON.stringify(shapes),
        expected: `variables shaped as those the moments were made for: ${JSON.stringify(this.shapes)}`,
      });
    }
    validateAdamOperands(functionName, undefined, gradients, variables);
    const reload =
      variables.length !== this.written.length ||
      variables.some((w, k) => w.dataId !== this.written[k]);
    const values = tf
      .engine()
      .runKernel(RESOURCE_ADAM_KERNEL, adamKernelInputs(this.handles, variables, gradients), {
        ...adamAttributes(parameters),
        reload,
        whole: this.whole,
      }) as tf.Tensor[];
    variables.forEach((w, k) => {
      w.assign(values[k] as tf.Tensor);
    });
    tf.dispose(values);
    this.written = variables.map((w) => w.dataId);
  }

  /** The moments now, as new 1-D tensors (or shaped as the only variable) owned by the caller. */
  read(): { m: tf.Tensor; v: tf.Tensor } {
    this.assertUsable('NativeAdamMoments.read');
    const native = nativeBackend(tf.backend()) as NativeBackend;
    return { m: readResource(native, this.handles.m), v: readResource(native, this.handles.v) };
  }

  /**
   * Replaces the moments with `m` and `v` (shaped as `read` gives them; not kept), as a step
   * computed elsewhere left them (a compiled training step). The variables' values are then
   * loaded afresh at the next `update`.
   */
  write(m: tf.Tensor, v: tf.Tensor): void {
    const functionName = 'NativeAdamMoments.write';
    this.assertUsable(functionName);
    const shape = this.momentShape;
    for (const [name, t] of [
      ['m', m],
      ['v', v],
    ] as const) {
      if (!tf.util.arraysEqual(t.shape, shape) || t.dtype !== 'float32') {
        throw new InvalidArgumentError({
          functionName,
          parameter: name,
          value: `${t.dtype} [${t.shape.join(', ')}]`,
          expected: `float32 [${shape.join(', ')}], as read() gives`,
        });
      }
    }
    const native = nativeBackend(tf.backend()) as NativeBackend;
    writeResource(native, this.handles.m, m);
    writeResource(native, this.handles.v, v);
    this.written = [];
  }

  /** The shape of the moments as `read` gives them: 1-D over all entries, or the only variable's. */
  get momentShape(): number[] {
    return this.whole ? [...(this.shapes[0] as number[])] : [this.entries];
  }

  /** The number of entries (of θ, m and v each). */
  get entries(): number {
    return this.shapes.reduce((sum, shape) => sum + tf.util.sizeFromShape([...shape]), 0);
  }

  /** Frees the three resource variables (they belong to their handles). */
  dispose(): void {
    this.disposed = true;
    tf.dispose([this.handles.theta, this.handles.m, this.handles.v]);
  }

  /** The resource variables live on tfjs-node: another backend, or after `dispose`, cannot reach them. */
  private assertUsable(functionName: string): void {
    if (this.disposed) throw new InvalidStateError({ functionName, state: 'disposed' });
    if (tf.getBackend() !== 'tensorflow') {
      throw new InvalidStateError({
        functionName,
        state: `'${tf.getBackend()}'-backend`,
        message: `${functionName}: the moments live in TensorFlow (tfjs-node); the active backend is '${tf.getBackend()}'`,
      });
    }
  }
}

/** Whether anonymous resource variables are distinct here: checked once per binding. */
const anonymousChecks = new WeakMap<object, boolean>();

/**
 * Two anonymous resource variables written with different values must read back their own:
 * TensorFlow versions that predate anonymous resources would share one variable by its name.
 */
function anonymousResourcesWork(native: NativeBackend): boolean {
  const binding = native.binding as object;
  let works = anonymousChecks.get(binding);
  if (works === undefined) {
    try {
      works = tf.tidy(() => {
        const first = resourceVariable(native, [1], tf.tensor1d([1]));
        const second = resourceVariable(native, [1], tf.tensor1d([2]));
        const values = [readResource(native, first), readResource(native, second)];
        return values.map((t) => t.dataSync()[0]).join() === '1,2';
      });
    } catch {
      works = false;
    }
    anonymousChecks.set(binding, works);
  }
  return works;
}
