import { getClassicalEstimator } from '@mi/classical';
import type { SyntheticSampler } from '@mi/datasets';
import type { RandomSource } from '@mi/spec';

/**
 * One estimate of a `@mi/classical` estimator (`ksg`, `mixed-ksg`, `kl`, …) on `rows` fresh pairs
 * of a synthetic task, drawn from `random`: the non-neural rows of the papers' comparisons
 * (ReMINE Table 1's KL and Mixed KSG, MINE Fig. 1's KSG). Unknown ids throw `NoSuchPluginError`.
 */
export function classicalEstimateOn(
  estimator: string,
  sampler: SyntheticSampler,
  rows: number,
  random: RandomSource,
  k: number,
): number {
  const entry = getClassicalEstimator(estimator);
  const batch = sampler.sampleArrays(rows, random);
  const matrix = (values: Float32Array) => ({
    rows,
    columns: values.length / rows,
    data: Float64Array.from(values),
  });
  return entry.estimate(matrix(batch.x), matrix(batch.y), { k }).estimate;
}
