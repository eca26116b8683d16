import { batchNormTraining } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';
import type { WeightStore } from './weight-store';

/** A batch-norm layer: trainable scale γ and offset β, and moving mean and variance. */
export interface BatchNormWeights {
  readonly scale: tf.Variable<tf.Rank.R1>;
  readonly offset: tf.Variable<tf.Rank.R1>;
  readonly movingMean: tf.Variable<tf.Rank.R1>;
  readonly movingVariance: tf.Variable<tf.Rank.R1>;
}

/** Creates γ = 1, β = 0 (trainable) and moving mean 0, moving variance 1 (not trainable). */
export function createBatchNorm(
  store: WeightStore,
  name: string,
  channels: number,
): BatchNormWeights {
  return {
    scale: store.constant(`${name}/gamma`, [channels], 1, true) as tf.Variable<tf.Rank.R1>,
    offset: store.constant(`${name}/beta`, [channels], 0, true) as tf.Variable<tf.Rank.R1>,
    movingMean: store.constant(
      `${name}/moving-mean`,
      [channels],
      0,
      false,
    ) as tf.Variable<tf.Rank.R1>,
    movingVariance: store.constant(
      `${name}/moving-variance`,
      [channels],
      1,
      false,
    ) as tf.Variable<tf.Rank.R1>,
  };
}

/**
 * Batch norm over the batch and spatial axes of NHWC maps. In training, normalises with the
 * batch's mean and (biased) variance and moves the averages towards them as PyTorch does:
 * `moving ← momentum·moving + (1 − momentum)·batch`, with the unbiased variance. In inference,
 * normalises with the moving averages. On tfjs-node the training form is TensorFlow's fused
 * batch-norm op and its gradient op (`batchNormTraining` in `@mi/core`); elsewhere it is composed.
 */
export function applyBatchNorm(
  x: tf.Tensor4D,
  bn: BatchNormWeights,
  training: boolean,
  momentum: number,
  epsilon: number,
): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    if (!training) {
      return tf.batchNorm4d(x, bn.movingMean, bn.movingVariance, bn.offset, bn.scale, epsilon);
    }
    const count = x.shape[0] * x.shape[1] * x.shape[2];
    const fused = count > 1 ? batchNormTraining(x, bn.scale, bn.offset, epsilon) : undefined;
    if (fused !== undefined) {
      bn.movingMean.assign(
        tf.add(tf.mul(bn.movingMean, momentum), tf.mul(fused.mean, 1 - momentum)),
      );
      bn.movingVariance.assign(
        tf.add(tf.mul(bn.movingVariance, momentum), tf.mul(fused.unbiasedVariance, 1 - momentum)),
      );
      return fused.y;
    }
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
    bn.movingMean.assign(tf.add(tf.mul(bn.movingMean, momentum), tf.mul(mean, 1 - momentum)));
    bn.movingVariance.assign(
      tf.add(tf.mul(bn.movingVariance, momentum), tf.mul(unbiased, 1 - momentum)),
    );
    return tf.batchNorm4d(
      x,
      mean as tf.Tensor1D,
      variance as tf.Tensor1D,
      bn.offset,
      bn.scale,
      epsilon,
    );
  });
}
