import {
  type AdamStepParameters,
  concatFlat,
  fusedAdamUpdate,
  NativeAdamMoments,
  splitAdd,
} from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Adam's first and second moments of some variables (one after another, or shaped as the only
 * variable), with the update that reads and writes them.
 */
export interface AdamMoments {
  /** One step: new moments, and a new value assigned to each variable (a missing gradient: 0). */
  update(
    variables: readonly tf.Variable[],
    gradients: readonly (tf.Tensor | null | undefined)[],
    parameters: AdamStepParameters,
  ): void;
  /**
   * The moments: the store's own variables (`tf.Variable`), or new tensors the caller frees (the
   * convention of `getWeights`: what is not a variable is the caller's).
   */
  read(): { readonly m: tf.Tensor; readonly v: tf.Tensor };
  dispose(): void;
}

/**
 * Moments as TF.js variables. On cpu and wasm one `fusedAdamUpdate` kernel; elsewhere Adam's 13
 * element-wise kernels, around a concatenation and a split when there are several variables
 * (`concatFlat`, `splitAdd`, one kernel each).
 */
export class TensorAdamMoments implements AdamMoments {
  constructor(
    private readonly m: tf.Variable,
    private readonly v: tf.Variable,
  ) {}

  update(
    variables: readonly tf.Variable[],
    gradients: readonly (tf.Tensor | null | undefined)[],
    parameters: AdamStepParameters,
  ): void {
    const fused = fusedAdamUpdate(this.m, this.v, gradients, variables, parameters);
    if (fused !== undefined) {
      this.m.assign(fused.m);
      this.v.assign(fused.v);
      variables.forEach((w, k) => {
        w.assign(fused.values[k] as tf.Tensor);
      });
      tf.dispose([fused.m, fused.v, ...fused.values]);
      return;
    }
    const whole =
      variables.length === 1 &&
      tf.util.arraysEqual((variables[0] as tf.Variable).shape, this.m.shape);
    tf.tidy(() => {
      if (whole) {
        const w = variables[0] as tf.Variable;
        const step = this.adamStep(gradients[0] ?? tf.zerosLike(w), parameters);
        // θ + step, as splitAdd and tf.train.adam add them.
        const updated = tf.add(step, w);
        step.dispose();
        w.assign(updated);
        return;
      }
      const flat = concatFlat(variables.map((w, k) => gradients[k] ?? tf.zerosLike(w)));
      const step = this.adamStep(flat, parameters);
      flat.dispose();
      const updated = splitAdd(step as tf.Tensor1D, variables);
      step.dispose();
      variables.forEach((w, k) => {
        w.assign(updated[k] as tf.Tensor);
      });
    });
  }

  /**
   * Updates the moments with gradient `g` and returns the step −lr · m̂ / (√v̂ + ε), in
   * `tf.train.adam`'s order of operations. Does not dispose `g`. Each intermediate is freed as
   * soon as the next op has read it: the allocator then hands the next op a buffer still in cache.
   */
  private adamStep(g: tf.Tensor, parameters: AdamStepParameters): tf.Tensor {
    const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = parameters;
    const { m, v } = this;
    const consume = <T extends tf.Tensor>(result: T, ...inputs: tf.Tensor[]): T => {
      tf.dispose(inputs);
      return result;
    };
    const scaled = tf.mul(g, 1 - beta1);
    const squared = tf.square(g);
    const decayedM = tf.mul(m, beta1);
    const newM = consume(tf.add(decayedM, scaled), decayedM, scaled);
    const scaledSquare = consume(tf.mul(squared, 1 - beta2), squared);
    const decayedV = tf.mul(v, beta2);
    const newV = consume(tf.add(decayedV, scaledSquare), decayedV, scaledSquare);
    m.assign(newM);
    v.assign(newV);
    const mHat = consume(tf.div(newM, correction1), newM);
    const vHat = consume(tf.div(newV, correction2), newV);
    const root = consume(tf.sqrt(vHat), vHat);
    const denominator = consume(tf.add(root, epsilon), root);
    const ratio = consume(tf.div(mHat, denominator), mHat, denominator);
    return consume(tf.mul(ratio, -learningRate), ratio);
  }

  read() {
    return { m: this.m, v: this.v };
  }

  dispose(): void {
    tf.dispose([this.m, this.v]);
  }
}

/**
 * The moments `m`, `v` (taken: freed or kept) of `variables` where they update fastest:
 * TensorFlow's own resource variables on tfjs-node (one `ResourceApplyAdam`), TF.js variables
 * elsewhere.
 */
export function adamMoments(
  m: tf.Tensor,
  v: tf.Tensor,
  variables: readonly tf.Tensor[],
): AdamMoments {
  try {
    return (
      NativeAdamMoments.create(m, v, variables) ??
      new TensorAdamMoments(m.variable(false), v.variable(false))
    );
  } finally {
    // Both stores hold copies (resource variables) or new handles (variables) of the data.
    tf.dispose([m, v]);
  }
}
