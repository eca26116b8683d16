import type { Batch, TrainFlag } from '@mi/spec';
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainLoopOptions } from './options';

/** Counts of critic outputs in equal-width bins, for joint pairs and for marginal pairs. */
export interface OutputHistogram {
  readonly step: number;
  /** Bin edges, bins + 1 values, shared by both counts. */
  readonly edges: Float64Array;
  /** Counts of T(x_i, y_i), the diagonal. */
  readonly joint: Uint32Array;
  /** Counts of T(x_i, y_j), i ≠ j. */
  readonly marginal: Uint32Array;
}

/**
 * Histograms of one score matrix's diagonal and off-diagonal entries on common bins (the drift and
 * explosion pictures of ReMINE §3: joint outputs rise, marginal outputs sink).
 */
export function outputHistogram(
  step: number,
  scores: Float32Array,
  n: number,
  bins: number,
): OutputHistogram {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const v of scores) {
    if (!Number.isFinite(v)) continue;
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  if (!Number.isFinite(low)) {
    low = 0;
    high = 1;
  }
  if (high === low) high = low + 1;
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = low + ((high - low) * b) / bins;
  const joint = new Uint32Array(bins);
  const marginal = new Uint32Array(bins);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = scores[i * n + j] as number;
      if (!Number.isFinite(v)) continue;
      const bin = Math.min(bins - 1, Math.floor(((v - low) / (high - low)) * bins));
      const counts = i === j ? joint : marginal;
      counts[bin] = (counts[bin] as number) + 1;
    }
  }
  return { step, edges, joint, marginal };
}

/**
 * Warnings in the spirit of bmi's: the estimate was still rising at the end (the mean of the last
 * quarter of the steps exceeds that of the quarter before by more than 5% and 0.05 nats), the run
 * diverged, early stopping was configured but never triggered, the estimate sits at the bound's
 * ceiling (InfoNCE saturating at log n), or the run was aborted.
 */
export function trainFlags(input: {
  estimates: Float32Array;
  stopReason: 'completed' | 'early-stopping' | 'aborted' | 'non-finite';
  earlyStoppingConfigured: boolean;
  estimate: number;
  ceiling: number | undefined;
}): TrainFlag[] {
  const flags: TrainFlag[] = [];
  const n = input.estimates.length;
  if (n >= 40) {
    const quarter = Math.floor(n / 4);
    const mean = (from: number, to: number) => {
      let s = 0;
      for (let i = from; i < to; i++) s += input.estimates[i] as number;
      return s / (to - from);
    };
    const last = mean(n - quarter, n);
    const before = mean(n - 2 * quarter, n - quarter);
    if (last - before > Math.max(0.05, 0.05 * Math.abs(before))) flags.push('still-increasing');
  }
  if (input.stopReason === 'non-finite') flags.push('diverged');
  if (input.earlyStoppingConfigured && input.stopReason === 'completed')
    flags.push('early-stopping-not-triggered');
  if (
    input.ceiling !== undefined &&
    Number.isFinite(input.estimate) &&
    input.estimate >= 0.95 * input.ceiling
  ) {
    flags.push('at-ceiling');
  }
  if (input.stopReason === 'aborted') flags.push('aborted');
  return flags;
}

/**
 * Reads a kept score matrix back (n² values) for the steps that asked for it: a histogram of the
 * joint and marginal outputs at `histogramSteps`, and the `observe` callback with the batch rows.
 */
export async function observeScores(input: {
  readonly step: number;
  readonly batch: Batch;
  readonly scores: tf.Tensor2D;
  readonly options: Pick<TrainLoopOptions, 'observe' | 'histogramBins'>;
  readonly histogramSteps: ReadonlySet<number>;
  readonly histograms: OutputHistogram[];
}): Promise<void> {
  const { step, batch, options } = input;
  const values = (await input.scores.data()) as Float32Array;
  const n = input.scores.shape[0];
  if (input.histogramSteps.has(step)) {
    input.histograms.push(outputHistogram(step, values, n, options.histogramBins ?? 30));
  }
  if (options.observe !== undefined && step % options.observe.every === 0) {
    const [x, y] = (await Promise.all([batch.x.data(), batch.y.data()])) as Float32Array[];
    await options.observe.callback({
      step,
      n,
      x: x as Float32Array,
      y: y as Float32Array,
      scores: values,
    });
  }
}
