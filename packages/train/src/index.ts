/**
 * The training loop of the `@mi` packages: `train({ critic, bound, data, steps, batchSize })` drives
 * any critic, bound and data source that satisfy `@mi/spec`, and reports the estimate with its
 * macro/micro/EMA/held-out variants, traces of the joint and partition terms, histograms of the
 * critic's outputs, warnings (still increasing, diverged, at the ceiling), checkpoints and resume.
 *
 * @packageDocumentation
 */
export { boundInputsOf } from './bound-inputs';
export type { DataStreamState, HeldOutSplit } from './data-stream';
export { type OutputHistogram, outputHistogram, trainFlags } from './diagnostics';
export { chooseEstimate, windowAverages } from './estimate-selection';
export {
  FlatAdamOptimizer,
  type FlatAdamOptions,
  type LentAdamStep,
  type VariableMoments,
} from './flat-adam';
export type { HeldOutPoint } from './model-selection';
export { clipByGlobalNorm, createOptimizer, resolveOptimizer } from './optimizer';
export type {
  CheckpointOptions,
  ScoreObservation,
  TrainLoopOptions,
  ValidationOptions,
} from './options';
export type { NonFiniteReport, TrainRunResult, TrainTraces } from './run-result';
export { Traces } from './traces';
export { train } from './train';
export {
  createTrainStep,
  readScalars,
  type StepEvaluation,
  type StepExecution,
  type StepOutputs,
  type TrainStep,
  type TrainStepOptions,
} from './train-step';
