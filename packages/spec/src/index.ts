/**
 * The contracts every `@mi` package shares: the score-matrix orientation, bounds and their plugins,
 * critics, data sources, training options and results, benchmark records, the plugin registry
 * primitive and the {@link MIError} family. Imports no sibling package.
 *
 * @packageDocumentation
 */
export type { BackendInfo, BackendName, BackendPreference } from './backend';
export type { BenchmarkRecord, BiasVariance } from './bench';
export type {
  Bound,
  BoundInputs,
  BoundOutput,
  BoundPlugin,
  BoundRequirement,
  BoundState,
  EntropicInputs,
  EntropicScores,
  ScoreInputs,
  ShiftedPairInputs,
  ShiftedPairScores,
} from './bound';
export type {
  BoundInputContext,
  BoundingBox,
  Critic,
  CriticConfig,
  CriticPlugin,
} from './critic';
export type { Batch, DataSource, Dataset, ExampleShape, MarginalSample, Sampler } from './data';
export * from './errors/index';
export {
  type PaperReference,
  type Plugin,
  type PluginKind,
  SPECIFICATION_VERSION,
  SUPPORTED_SPECIFICATION_VERSIONS,
} from './plugin';
export {
  type PluginSpec,
  type PluginSpecValue,
  parsePluginSpec,
  pluginSpecLabel,
  splitPluginSpecs,
} from './plugin-spec';
export type { RandomSource, RandomState } from './random-source';
export {
  createRegistry,
  type NotFoundErrorFactory,
  type PluginConfig,
  type ProductOf,
  type RegisterOptions,
  type Registry,
} from './registry';
export { type InformationUnit, natsToBits, type ScoreMatrix } from './score-matrix';
export type {
  AdamOptions,
  EstimateKind,
  EstimateSummary,
  OptimizerOptions,
  ResumeReport,
  SgdOptions,
  StepReport,
  TrainCallbacks,
  TrainFlag,
  TrainOptions,
  TrainResult,
  TrainSchedule,
} from './train';
