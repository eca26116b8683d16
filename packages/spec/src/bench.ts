/**
 * One line of a benchmark's `results.jsonl`: one run (one bound × critic × seed × setting).
 * Lines are appended as runs finish, so an interrupted sweep resumes by skipping the `runId`s it
 * already has, and shards merge by concatenation.
 */
export interface BenchmarkRecord {
  /** Benchmark name: `gaussian`, `onehot`, `minee`, `perf`, … */
  readonly benchmark: string;
  /** Deterministic id of the run from its parameters, for resume and de-duplication. */
  readonly runId: string;
  /** The parameters of the run (bound, critic, seed, level, …). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Measured numbers (bias, variance, mse, ms/step, …). */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** Backend and library versions that produced it. */
  readonly environment: Readonly<Record<string, string>>;
  /** ISO timestamp when the run finished. */
  readonly finishedAt: string;
  /**
   * One-off migrations that relabelled the record after it was written, when a plugin's default
   * changed and the record kept its loss under the spec that trains it today (named after the
   * scripts in `docs/benchmarks/migrations/`).
   */
  readonly migrations?: readonly string[];
}

/** Bias, variance and MSE of estimates against a truth over a window (Song & Ermon Table 2). */
export interface BiasVariance {
  /** truth − mean(estimate): positive means under-estimate, the papers' sign. */
  readonly bias: number;
  /** Population variance of the estimates. */
  readonly variance: number;
  /** mean((estimate − truth)²) = bias² + variance. */
  readonly mse: number;
  readonly count: number;
}
