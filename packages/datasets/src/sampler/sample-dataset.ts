import { assertNumber, assertPositiveInteger, createRandom } from '@mi/core';
import type { Dataset } from '@mi/spec';
import { sizeOf } from '../internal/batch';
import { defineDataset } from '../internal/define-dataset';
import type { SyntheticSampler } from './synthetic-sampler';

/** Options of {@link sampleDataset}. */
export interface SampleDatasetOptions {
  /** Number of pairs to draw once. */
  readonly size: number;
  /** Seeds the draw. */
  readonly seed: number;
}

/**
 * Draws a fixed finite sample from a synthetic task, for experiments on a finite data set such
 * as MI-NEE's N = 400 points of MG(0.9). `trueMI` is the task's population truth.
 *
 * @see Chan et al., *Neural Entropic Estimation* §4 (sample size N = 400).
 * @example
 * ```ts
 * const data = sampleDataset(mixedGaussian({ rho: 0.9 }), { size: 400, seed: 0 });
 * ```
 */
export function sampleDataset(sampler: SyntheticSampler, options: SampleDatasetOptions): Dataset {
  assertPositiveInteger('sampleDataset', 'size', options?.size);
  assertNumber('sampleDataset', 'seed', options.seed, { integer: true });
  const { size } = options;
  const drawn = sampler.sampleArrays(size, createRandom(options.seed));
  const xSize = sizeOf(sampler.shape.x);
  const ySize = sizeOf(sampler.shape.y);
  return defineDataset({
    name: `${sampler.name}[${size}]`,
    size,
    shape: sampler.shape,
    trueMI: sampler.trueMI,
    fillX: (index, out, offset) =>
      out.set(drawn.x.subarray(index * xSize, (index + 1) * xSize), offset),
    fillY: (index, out, offset) =>
      out.set(drawn.y.subarray(index * ySize, (index + 1) * ySize), offset),
  });
}
