import type { Tensor } from '@tensorflow/tfjs-core';
import type { RandomSource } from './random-source';

/** One mini-batch of n pairs; row i of `x` goes with row i of `y`. */
export interface Batch {
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
