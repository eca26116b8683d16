import { assertPositiveInteger } from '@mi/core';
import type { Batch, ExampleShape, RandomSource, Sampler } from '@mi/spec';
import { batchFromArrays } from '../internal/batch';

/** One batch of n pairs as plain row-major float32 buffers, before it becomes tensors. */
export interface ArrayBatch {
  /** n × (size of one x example), row-major. */
  readonly x: Float32Array;
  /** n × (size of one y example), row-major. */
  readonly y: Float32Array;
  /** Number of pairs. */
  readonly n: number;
}

/**
 * A `Sampler` of a synthetic task whose draws are also available as plain buffers, so that
 * Monte-Carlo checks and finite samples ({@link sampleDataset}) need no tensors.
 */
export interface SyntheticSampler extends Sampler {
  /** The same numbers `sample(n, random)` would put in tensors, as float32 buffers. */
  sampleArrays(n: number, random: RandomSource): ArrayBatch;
}

/** Builds a sampler from a function that fills buffers; validates `n` once for every task. */
export function defineSampler(definition: {
  readonly name: string;
  readonly shape: ExampleShape;
  readonly trueMI: number | undefined;
  readonly draw: (n: number, random: RandomSource) => ArrayBatch;
}): SyntheticSampler {
  const { name, shape, trueMI, draw } = definition;
  const sampleArrays = (n: number, random: RandomSource): ArrayBatch => {
    assertPositiveInteger(`${name}.sample`, 'n', n);
    return draw(n, random);
  };
  return {
    kind: 'sampler',
    name,
    shape,
    trueMI,
    sampleArrays,
    sample(n: number, random: RandomSource): Batch {
      const arrays = sampleArrays(n, random);
      return batchFromArrays(arrays.x, [n, ...shape.x], arrays.y, [n, ...shape.y]);
    },
  };
}
