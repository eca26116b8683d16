/**
 * The performance harness of the `@mi` packages (private, not published): median milliseconds
 * per full training step of the joint, separable, CNN, SLB, CLB and ResNet-18 cases on each
 * installed TF.js backend, against the PyTorch reference on the same machine in the same run at
 * the same thread count, with FLOP counts, kernel profiles and memory, and a sweep of step time
 * and memory against the batch size. Run it with `pnpm bench:perf` from the repository root; see
 * PERFORMANCE.md.
 *
 * @packageDocumentation
 */
export { formatKernelSummary, formatPerfTable } from './format-perf-table';
export { measureTrainingStep, type PerfRegistries } from './measure-training-step';
export type { PerfCriticId, ScalingCriticId } from './perf-cases';
export type { PerfBackend, PerfBenchmarkOptions } from './perf-options';
export { mergePerfReports, type PerfCaseResult, type PerfReport } from './perf-report';
export { runPerfBenchmark, writePerfReport } from './run-perf-benchmark';
export {
  formatScalingTable,
  type PerfScalingOptions,
  type PerfScalingReport,
  planScaling,
  runPerfScaling,
  writeScalingFigure,
} from './run-perf-scaling';
