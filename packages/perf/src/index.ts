/**
 * The performance harness of the `@mi` packages (private, not published): median milliseconds
 * per full training step of the joint, separable and CNN critics on each installed TF.js backend,
 * against the PyTorch reference on the same machine in the same run, with FLOP counts, kernel
 * profiles and memory. Run it with `pnpm bench:perf` from the repository root; see PERFORMANCE.md.
 *
 * @packageDocumentation
 */
export { formatKernelSummary, formatPerfTable } from './format-perf-table';
export { measureTrainingStep, type PerfRegistries } from './measure-training-step';
export type { PerfBackend, PerfBenchmarkOptions, PerfCriticId } from './perf-options';
export type { PerfCaseResult, PerfReport } from './perf-report';
export { runPerfBenchmark, writePerfReport } from './run-perf-benchmark';
