/**
 * Non-neural estimators of mutual information, in nats: KSG (both algorithms of Kraskov et al.
 * 2004), Mixed KSG (Gao et al. 2017) for discrete and mixed data, the Kozachenko–Leonenko
 * entropy-based ("3H") estimator, and the Gaussian closed form over canonical correlations. Inputs
 * are row-major float64 matrices; nothing here uses TensorFlow.js.
 *
 * @packageDocumentation
 */
export {
  type ClassicalEstimator,
  type ClassicalEstimatorOptions,
  classicalEstimatorIds,
  classicalEstimators,
  getClassicalEstimator,
} from './estimators';
export { type GaussianEstimate, type GaussianOptions, gaussianMI } from './gaussian';
export {
  type EntropyNorm,
  type KlEntropyOptions,
  type KlOptions,
  klEntropy,
  klEstimator,
} from './kozachenko-leonenko';
export { type KsgOptions, ksg } from './ksg';
export type { Matrix } from './matrix';
export { type MixedKsgOptions, mixedKsg } from './mixed-ksg';
export type {
  ClassicalEstimate,
  ClassicalEstimatorId,
  NearestNeighborOptions,
} from './options';
