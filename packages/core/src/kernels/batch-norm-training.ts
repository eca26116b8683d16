import * as tf from '@tensorflow/tfjs-core';
import { type NativeBackend, nativeBackend } from './native-backend';

/** Kernel names (tfjs-node only): TensorFlow's fused batch norm in training mode and its gradient. */
const BATCH_NORM_TRAIN_KERNEL = 'MiBatchNormTrain';
const BATCH_NORM_TRAIN_GRAD_KERNEL = 'MiBatchNormTrainGrad';

function attributes(native: NativeBackend, epsilon: number): unknown[] {
  const { binding } = native;
  return [
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'U', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'epsilon', type: binding.TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: binding.TF_ATTR_BOOL, value: true },
  ];
}

function register(): boolean {
  if (tf.getKernel(BATCH_NORM_TRAIN_KERNEL, 'tensorflow') !== undefined) return true;
  if (nativeBackend(tf.findBackend('tensorflow')) === undefined) return false;
  tf.registerKernel({
    kernelName: BATCH_NORM_TRAIN_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, scale, offset } = inputs as Record<'x' | 'scale' | 'offset', tf.TensorInfo>;
      const { epsilon } = attrs as unknown as { epsilon: number };
      const native = nativeBackend(backend)!;
      return tf.tidy(() => {
        // Training mode ignores the running statistics: empty tensors stand in for them.
        const empty = tf.tensor1d([]);
        // y, batch mean, batch variance (Bessel-corrected, for the running average), and three
        // reserve spaces the gradient op reads.
        return native.executeMultipleOutputs(
          'FusedBatchNormV3',
          [
            ...attributes(native, epsilon),
            { name: 'exponential_avg_factor', type: native.binding.TF_ATTR_FLOAT, value: 1 },
          ],
          [x, scale, offset, empty, empty],
          6,
        );
      }) as unknown as tf.TensorInfo[];
    },
  });
  tf.registerKernel({
    kernelName: BATCH_NORM_TRAIN_GRAD_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, x, scale, reserve1, reserve2, reserve3 } = inputs as Record<
        'dy' | 'x' | 'scale' | 'reserve1' | 'reserve2' | 'reserve3',
        tf.TensorInfo
      >;
      const { epsilon } = attrs as unknown as { epsilon: number };
      const native = nativeBackend(backend)!;
      // dx, dscale, doffset (and two unused reserve spaces, dropped).
      const outputs = native.executeMultipleOutputs(
        'FusedBatchNormGradV3',
        attributes(native, epsilon),
        [dy, x, scale, reserve1, reserve2, reserve3],
        5,
      );
      tf.dispose(outputs.slice(3));
      return outputs.slice(0, 3) as unknown as tf.TensorInfo[];
    },
  });
  if (tf.getGradient(BATCH_NORM_TRAIN_KERNEL) === undefined) {
    tf.registerGradient({
      kernelName: BATCH_NORM_TRAIN_KERNEL,
      inputsToSave: ['x', 'scale'],
      outputsToSave: [false, false, false, true, true, true],
      gradFunc: (dys, saved, attrs) => {
        const [x, scale, reserve1, reserve2, reserve3] = saved as tf.Tensor[];
        // Only y is differentiated (the batch statistics feed the running averages).
        const dy = (Array.isArray(dys) ? dys[0] : dys) ?? tf.zerosLike(x!);
        const [dx, dscale, doffset] = tf.engine().runKernel(
          BATCH_NORM_TRAIN_GRAD_KERNEL,
          {
            dy,
            x: x!,
            scale: scale!,
            reserve1: reserve1!,
            reserve2: reserve2!,
            reserve3: reserve3!,
          },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
        return { x: () => dx!, scale: () => dscale!, offset: () => doffset! };
      },
    });
  }
  return true;
}

/**
 * Batch norm in training mode over the batch and spatial axes of NHWC maps, as one TensorFlow
 * `FusedBatchNormV3` op with `FusedBatchNormGradV3` as its gradient, on the `tensorflow` backend
 * (tfjs-node): TF.js composes it (moments, then normalise) and differentiates the composition,
 * ~20 element-wise passes over the maps per layer and step. Returns `y = γ·(x − μ)/√(σ² + ε) + β`
 * with the batch's biased variance σ², the batch mean μ and the Bessel-corrected batch variance
 * (what running averages take); or `undefined` on any other backend (compose it there).
 */
export function batchNormTraining(
  x: tf.Tensor4D,
  scale: tf.Tensor1D,
  offset: tf.Tensor1D,
  epsilon: number,
): { y: tf.Tensor4D; mean: tf.Tensor1D; unbiasedVariance: tf.Tensor1D } | undefined {
  if (tf.getBackend() !== 'tensorflow' || x.dtype !== 'float32' || !register()) return undefined;
  const [y, mean, variance, ...reserves] = tf
    .engine()
    .runKernel(BATCH_NORM_TRAIN_KERNEL, { x, scale, offset }, { epsilon }) as tf.Tensor[];
  tf.dispose(reserves);
  return {
    y: y as tf.Tensor4D,
    mean: mean as tf.Tensor1D,
    unbiasedVariance: variance as tf.Tensor1D,
  };
}
