import type { Tensor } from '@tensorflow/tfjs-core';
import type { RandomSource } from './random-source';

/** One mini-batch of n pairs; row i of `x` goes with row i of `y`. */
export interface Batch {
  readonly x: Tensor;
  readonly y: Tensor;
  /**
   * n product-of-marginals pairs drawn apart from the batch, when the training loop resamples
   * them (`train`'s `marginalPairs: 'resampled'`): bounds that read shifted pairs then take their
   * marginal term from these. Absent: the marginal pairs come from the batch itself.
   */
  readonly marginal?: MarginalSample;
}

/**
 * n pairs (x'_i, y'_i) from P_X ⊗ P_Y: x' and y' are drawn independently of each other and of the
 * batch they go with, as MINE's "resampling the samples X_i's and Y_i's independently" (Chan et
 * al. 2019, §3; Belghazi et al. 2018, Algorithm 1).
 */
export interface MarginalSample {
  readonly x: Tensor;
  readonly y: Tensor;
}

/** Shapes of one example (without the batch axis). */
export interface ExampleShape {
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/**
 * An infinite source of fresh samples (synthetic tasks). The caller owns the tensors of each
 * batch. `trueMI` is the ground truth in nats when one is known.
 */
export interface Sampler {
  readonly kind: 'sampler';
  readonly name: string;
  readonly shape: ExampleShape;
  /** Ground-truth MI in nats, if known (closed form or numerical integration). */
  readonly trueMI: number | undefined;
  /** Draws n fresh pairs using `random`. */
  sample(n: number, random: RandomSource): Batch;
}

/**
 * A finite data set held in memory: the user's data, MNIST, CIFAR. Batches are drawn by index so
 * that train/validation splits and epochs need no copies.
 */
export interface Dataset {
  readonly kind: 'dataset';
  readonly name: string;
  readonly shape: ExampleShape;
  /** Number of pairs. */
  readonly size: number;
  /** Ground-truth or ideal MI in nats, if known. */
  readonly trueMI: number | undefined;
  /** The pairs at these row indices, as new tensors owned by the caller. */
  gather(indices: Int32Array): Batch;
}

/** Anything `train` accepts as data. */
export type DataSource = Sampler | Dataset;
