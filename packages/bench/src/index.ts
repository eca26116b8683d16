/**
 * The experiments of the papers behind the `@mi` packages, as functions the `mi` CLI calls:
 * the Gaussian/Cubic staircase (Song & Ermon 2020; ReMINE 2021 Table 1), the one-hot drift and
 * batch-size studies (ReMINE §3; Choi & Lee 2022 §3), MI-NEE against MINE (Chan et al. 2019 §4),
 * the self-consistency tests on images (Song & Ermon 2020 §6.2), the supervised and contrastive
 * learning benchmarks (SLB, CLB; Choi & Lee 2022 §5), MINE's estimates against ρ and its
 * equitability study (Belghazi et al. 2018 §4), and MI estimation on a user's data. Each
 * benchmark writes a results folder (`results.jsonl` appended per run so sweeps resume,
 * `report.md`, SVG/PNG figures), runs one shard of a sweep on request, and merges shards.
 *
 * Every table and figure of the five papers is also a target of {@link paperTargets}: one call of
 * {@link runPaperTarget} runs it with the paper's settings (or a quick preset) and writes a report
 * with the published numbers beside ours and a verdict per row.
 *
 * Bounds and critics are named by specs (`smile:tau=5`, `joint:hiddenUnits=512,512`) that the
 * registries resolve, so a plugin bound or critic runs through every benchmark unchanged. A
 * tabular critic plugin is created with its spec's options plus `xFeatures`, `yFeatures` and
 * `seed`, which the benchmark supplies from its data and run.
 *
 * @packageDocumentation
 */
export type { BenchmarkContext } from './benchmark-context';
export { clbPresets, runClbBenchmark, writeClbReport } from './clb/clb-benchmark';
export {
  type EstimateOptions,
  type EstimateProgress,
  estimateMutualInformation,
  estimatePresets,
  type MutualInformationEstimate,
  type SeedEstimate,
} from './estimate/estimate-mutual-information';
export {
  ESTIMATOR_CONFIGS,
  type EstimateDefaultsOptions,
  type EstimatorConfig,
  estimateDefaultsPresets,
  runEstimateDefaultsBenchmark,
  writeEstimateDefaultsReport,
} from './estimate-defaults/estimate-defaults-benchmark';
export {
  type ClassicalStaircaseOptions,
  runClassicalStaircase,
} from './gaussian/classical-staircase';
export {
  type GaussianBenchmarkOptions,
  gaussianPresets,
  runGaussianBenchmark,
} from './gaussian/gaussian-benchmark';
export {
  type StaircaseTable,
  type StaircaseTableRow,
  type Stat,
  staircaseEstimatesMarkdown,
  staircaseMarkdown,
  writeGaussianReport,
} from './gaussian/gaussian-report';
export { type PeerRow, readPeerResults } from './gaussian/peer-results';
export {
  PUBLISHED_REMINE,
  PUBLISHED_SONG_ERMON,
  PUBLISHED_STAIRCASE_JOINT,
  type PublishedRow,
} from './gaussian/published';
export type { ImageDatasetName } from './images/image-source';
export type { AugmentationKind } from './label-benchmark/augment';
export type { LabelBenchmarkOptions } from './label-benchmark/label-benchmark';
export type { BenchmarkReport } from './label-benchmark/label-report';
export {
  equitabilityRSquared,
  type MineEstimatesOptions,
  type MineEstimatesPoint,
  type MineEstimatesRow,
  mineEstimatesRows,
  runMineEstimatesBenchmark,
  writeMineEstimatesReport,
} from './mine-estimates/mine-estimates-benchmark';
export {
  type MarginalPairs,
  type MineeBenchmarkOptions,
  type MineeMethod,
  type MineeTask,
  mineeMethods,
  mineePresets,
  mineeTasks,
  runMineeBenchmark,
  writeMineeReport,
} from './minee/minee-benchmark';
export {
  type OnehotBenchmarkOptions,
  onehotPresets,
  runOnehotBenchmark,
  writeOnehotReport,
} from './onehot/onehot-benchmark';
export { getPaperTarget, paperTargetIds, paperTargets } from './paper/catalogue';
export type { ClaimRow } from './paper/claims';
export {
  type CompareContext,
  type PaperComparison,
  type PaperPart,
  type PaperPreset,
  type PaperSection,
  type PaperSettings,
  type PaperTarget,
  PaperTargetUnavailableError,
  validatePaperSettings,
} from './paper/paper-target';
export {
  listPaperTargets,
  type PaperRunOptions,
  type PaperRunResult,
  type PaperTargetSummary,
  runPaperTarget,
} from './paper/run-paper-target';
export {
  approximateRule,
  checkClaim,
  compareWithPublished,
  describeRule,
  type PublishedValue,
  rowVerdict,
  VERDICT_RULES,
  type Verdict,
  type VerdictRule,
} from './paper/verdict';
export { mergeResults } from './records/merge';
export {
  ResultsFolder,
  recordLine,
  type SkippedRecord,
  type Trace,
} from './records/results-folder';
export { runId } from './records/run-id';
export { parseShard, type Shard } from './records/shard';
export { formatNumber } from './report/markdown';
export {
  runSelfConsistencyBenchmark,
  SELF_CONSISTENCY_TESTS,
  type SelfConsistencyOptions,
  type SelfConsistencyTest,
  selfConsistencyPresets,
} from './self-consistency/self-consistency-benchmark';
export { writeSelfConsistencyReport } from './self-consistency/self-consistency-report';
export { runSlbBenchmark, slbPresets, writeSlbReport } from './slb/slb-benchmark';
export { type BenchmarkRegistries, type SpecInput, validateSpecs } from './specs';
