/**
 * The training loop of the `@mi` packages: `train({ critic, bound, data, steps, batchSize })` drives
 * any critic, bound and data source that satisfy `@mi/spec`, and reports the estimate with its
 * macro/micro/EMA/held-out variants, traces of the joint and partition terms, histograms of the
 * critic's outputs, warnings (still increasing, diverged, at the ceiling), checkpoints and resume.
 *
 * @packageDocumentation
 */
export type { DataStreamState } from './data-stream';
export { type OutputHistogram, outputHistogram, trainFlags } from './diagnostics';
export { chooseEstimate, Traces, windowAverages } from './estimates';
export { clipByGlobalNorm, createOptimizer, resolveOptimizer } from './optimizer';
export type {
  CheckpointOptions,
  ScoreObservation,
  TrainLoopOptions,
  ValidationOptions,
} from './options';
export { type BoundingBox, boundingBox, sampleUniformBox } from './reference-sampler';
export { type NonFiniteReport, type TrainRunResult, type TrainTraces, train } from './train';
