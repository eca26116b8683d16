import { studentTQuantile } from '../stats/student-t';

/** The interval of {@link estimateInterval}. */
export interface EstimateInterval {
  readonly mean: number;
  /** `[low, high]`, or `[null, null]` when no interval can be formed (no seed finished). */
  readonly bounds: readonly [number | null, number | null];
  /** The standard error used, nats. */
  readonly standardError: number;
  /** Degrees of freedom of the t quantile. */
  readonly degreesOfFreedom: number;
  /** In words: how it was formed and what it covers. */
  readonly method: string;
}

/**
 * A 95% interval for the mean of k seeds' test estimates e_s, each with a sampling standard
 * error σ_s from its test split's chunks:
 *
 * ```
 * SE² = s²/k + mean(σ_s²)/k        s² = Σ (e_s − ē)² / (k − 1)
 * interval = ē ± t_{0.975, k−1} · SE
 * ```
 *
 * s² is the spread over seeds (initialisation, training order, and the random train/validation/
 * test split of each seed); σ_s is the noise of scoring one critic on a finite test split. The
 * seeds' test splits are drawn from the same rows, so s² sees only part of the test noise, and
 * σ² is added rather than assumed inside s² (the interval errs wide). With one seed, SE = σ₁ and
 * the normal quantile is used. Neither term is
 * the bias of the bound or of the critic's capacity: the interval covers the truth only as well
 * as the estimator is unbiased, which the estimate-defaults report measures.
 */
export function estimateInterval(
  seeds: readonly { readonly estimate: number; readonly standardError: number | undefined }[],
): EstimateInterval {
  const k = seeds.length;
  if (k === 0) {
    return {
      mean: Number.NaN,
      bounds: [null, null],
      standardError: Number.NaN,
      degreesOfFreedom: 0,
      method: 'no seed finished',
    };
  }
  const mean = seeds.reduce((a, s) => a + s.estimate, 0) / k;
  const errors = seeds.map((s) => s.standardError).filter((e): e is number => e !== undefined);
  const within = errors.length > 0 ? errors.reduce((a, e) => a + e * e, 0) / errors.length : 0;
  const between =
    k >= 2 ? seeds.reduce((a, s) => a + (s.estimate - mean) ** 2, 0) / (k - 1) : Number.NaN;
  const degreesOfFreedom = k >= 2 ? k - 1 : Number.POSITIVE_INFINITY;
  const standardError = k >= 2 ? Math.sqrt(between / k + within / k) : Math.sqrt(within);
  if (!Number.isFinite(standardError) || standardError === 0) {
    return {
      mean,
      bounds: [null, null],
      standardError,
      degreesOfFreedom,
      method: `one seed without a test standard error: no interval (run more seeds)`,
    };
  }
  const half = studentTQuantile(0.975, degreesOfFreedom) * standardError;
  return {
    mean,
    bounds: [mean - half, mean + half],
    standardError,
    degreesOfFreedom,
    method:
      k >= 2
        ? `95% t interval (df ${degreesOfFreedom}) over ${k} seeds: spread of the seeds (initialisation, training order, each seed's random train/validation/test split) plus the test splits' sampling error; it does not include the estimator's bias`
        : `95% normal interval from one seed's test-split sampling error only; run several seeds to include training variability; it does not include the estimator's bias`,
  };
}
