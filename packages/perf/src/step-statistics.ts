/**
 * The q-th percentile (0 … 100) of `values` with linear interpolation between the two nearest
 * ranks (numpy's default), so that it agrees with the PyTorch reference's summaries. NaN for an
 * empty list.
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = ((sorted.length - 1) * Math.min(100, Math.max(0, q))) / 100;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** Median, 10th and 90th percentile of step times, ms. */
export function summarizeTimes(times: readonly number[]): {
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
} {
  return {
    medianMs: percentile(times, 50),
    p10Ms: percentile(times, 10),
    p90Ms: percentile(times, 90),
  };
}
