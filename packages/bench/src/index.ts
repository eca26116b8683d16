/**
 * The experiments of the papers behind the `@mi` packages, as functions the `mi` CLI calls:
 * the Gaussian/Cubic staircase (Song & Ermon 2020; ReMINE 2021 Table 1), the one-hot drift and
 * batch-size studies (ReMINE §3; Choi & Lee 2022 §3), MI-NEE against MINE (Chan et al. 2019 §4),
 * MI estimation on a user's data, and the performance benchmark. Each benchmark writes a results
 * folder (`results.jsonl` appended per run so sweeps resume, `report.md`, SVG/PNG figures), runs
 * one shard of a sweep on request, and merges shards.
 *
 * @packageDocumentation
 */
export type { BenchmarkContext } from './benchmark-context';
export { type BoundSpec, createBoundFromSpec, parseBoundSpec } from './bound-spec';
export { benchmarkEnvironment } from './environment';
export {
  type EstimateOptions,
  estimateMutualInformation,
  type MutualInformationEstimate,
} from './estimate/estimate-mutual-information';
export { renderSvg, thin, type VegaLiteSpec, writeFigure } from './figures/render-figure';
export {
  type GaussianBenchmarkOptions,
  type GaussianRun,
  levelWindow,
  planGaussianRuns,
  type ResolvedGaussianOptions,
  resolveGaussianOptions,
  runGaussianBenchmark,
  type StaircaseCritic,
} from './gaussian/gaussian-benchmark';
export {
  formatNumber,
  type StaircaseTable,
  type StaircaseTableRow,
  type Stat,
  staircaseMarkdown,
  staircaseTables,
  writeGaussianReport,
} from './gaussian/gaussian-report';
export { type PeerRow, readPeerResults } from './gaussian/peer-results';
export { PUBLISHED_GAUSSIAN_JOINT, type PublishedRow } from './gaussian/published';
export {
  convergenceSteps,
  type MineeBenchmarkOptions,
  type MineeTask,
  runMineeBenchmark,
  writeMineeReport,
} from './minee/minee-benchmark';
export {
  type OnehotBenchmarkOptions,
  runOnehotBenchmark,
  writeOnehotReport,
} from './onehot/onehot-benchmark';
export {
  CNN_BENCH_SHAPE,
  type CnnCriticShape,
  cnnCriticForwardFlops,
  convOutputSize,
  type DenseCriticShape,
  type FirstLayerMode,
  gflopsPerSecond,
  JOINT_BENCH_SHAPE,
  jointCriticForwardFlops,
  SEPARABLE_BENCH_SHAPE,
  separableCriticForwardFlops,
  trainingStepFlops,
} from './perf/flop-count';
export {
  formatGflops,
  formatKernelSummary,
  formatMebibytes,
  formatMilliseconds,
  formatPerfTable,
  formatRatio,
  formatTarget,
} from './perf/format-perf-table';
export { measureTrainingStep, perfStepFlops } from './perf/measure-training-step';
export {
  PERF_BACKENDS,
  PERF_BOUNDS,
  PERF_CRITICS,
  type PerfBackend,
  type PerfBenchmarkOptions,
  type PerfBoundId,
  type PerfCriticId,
  type ResolvedPerfOptions,
  resolvePerfOptions,
  stepCounts,
} from './perf/perf-options';
export {
  compareWithPytorch,
  type KernelTime,
  PERF_TARGETS,
  type PerfCaseResult,
  type PerfComparison,
  type PerfReport,
  type PerfTarget,
  type PhaseCost,
  type StepPhases,
  type StepProfile,
} from './perf/perf-report';
export { locateCnnScript, locatePeerScript, pytorchStepFlops } from './perf/pytorch-reference';
export { PERF_NOTES, runPerfBenchmark, writePerfReport } from './perf/run-perf-benchmark';
export { percentile, summarizeTimes } from './perf/step-statistics';
export { mergeResults } from './records/merge';
export { ResultsFolder, readRecords } from './records/results-folder';
export { runId, stableStringify } from './records/run-id';
export { parseShard, type Shard, selectShard } from './records/shard';
export { biasVariance, meanInterval } from './stats/bias-variance';
