import type { BackendName } from './backend';
import type { Bound } from './bound';
import type { Critic } from './critic';
import type { DataSource } from './data';

/** Adam (Kingma & Ba 2015) as the papers use it: lr 5e-4, β = (0.9, 0.999). */
export interface AdamOptions {
  readonly kind: 'adam';
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/** Plain or momentum SGD. */
export interface SgdOptions {
  readonly kind: 'sgd';
  readonly learningRate?: number;
  readonly momentum?: number;
}

/** Optimiser and gradient clipping. */
export type OptimizerOptions = (AdamOptions | SgdOptions) & {
  /** Rescale the gradient so its global L2 norm is at most this. */
  readonly clipGradientNorm?: number;
};

/** Which of the reported estimates is "the estimate" of a run, and the names of the others. */
export type EstimateKind =
  | 'ema'
  | 'macro'
  | 'micro'
  | 'validationBest'
  | 'validationFinal'
  | 'test';

/** Per-step facts passed to callbacks. */
export interface StepReport {
  readonly step: number;
  readonly estimate: number;
  readonly loss: number;
  readonly terms: Readonly<Record<string, number>>;
  /** Steps per second over the recent steps. */
  readonly stepsPerSecond: number;
  /** Seconds left at the current rate, when the run length is known. */
  readonly etaSeconds: number | undefined;
  /** Ground truth at this step, if the data knows it (the staircase changes it). */
  readonly trueMI: number | undefined;
}

/** Hooks called by `train`; all optional and synchronous or async. */
export interface TrainCallbacks {
  onStep?(report: StepReport): void | Promise<void>;
  onValidation?(report: { step: number; estimate: number }): void | Promise<void>;
  onCheckpoint?(info: { step: number; path: string }): void | Promise<void>;
  /**
   * A run resumed from a checkpoint: the step it continues from and the manifest it read.
   * `skipped` lists newer checkpoints that were damaged (a checksum or parse failure) and passed
   * over for an older one, each with its manifest path and the reason.
   */
  onResume?(info: ResumeReport): void | Promise<void>;
}

/** What `onResume` reports: where a resumed run continues from, and what it passed over. */
export interface ResumeReport {
  /** Steps completed in the checkpoint the run continues from. */
  readonly step: number;
  /** The manifest read. */
  readonly path: string;
  /** Damaged newer checkpoints, newest first. */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

/**
 * A schedule changes the data between steps; the staircase of Song & Ermon raises the true MI
 * every 4000 steps. Called before step `step` (0-based) is drawn.
 */
export type TrainSchedule = (step: number, data: DataSource) => DataSource;

/** The inputs of `train`. Wiring by name happens in `@mi/bench`, `@mi/cli` and user code. */
export interface TrainOptions {
  readonly critic: Critic;
  readonly bound: Bound;
  readonly data: DataSource;
  /** Optimisation steps (infinite samplers) or a cap on steps (finite data). */
  readonly steps?: number;
  /** Passes over the training split of a finite dataset. */
  readonly epochs?: number;
  readonly batchSize: number;
  readonly optimizer?: OptimizerOptions;
  /**
   * Seed of the run's randomness: the data (sampler draws, per-epoch shuffles), the
   * train/validation split and any reference batches, each on its own stream. The critic's initial
   * weights come from the critic's own seed. There is no dropout.
   */
  readonly seed?: number;
  readonly schedule?: TrainSchedule;
  readonly callbacks?: TrainCallbacks;
  readonly signal?: AbortSignal;
}

/** The estimates a run reports, each under its own name. */
export interface EstimateSummary {
  /** Per-batch estimates in step order. */
  readonly perBatch: Float32Array;
  /** The last value of the exponential moving average of the per-batch estimates. */
  readonly ema: number;
  /** Macro average: the mean of the per-batch estimates over the last `windowSize` batches. */
  readonly macro: number;
  /**
   * Micro average over the same window (ReMINE Algorithm 1): the DV value of the pooled critic
   * outputs, mean of the joint terms − log of the mean of the batches' E_Q[e^T]. Defined only for
   * bounds whose estimate is `joint − logPartition` (the DV family); `undefined` otherwise.
   */
  readonly micro: number | undefined;
  /** K, the number of last batches the macro and micro averages use. */
  readonly windowSize: number;
  /** Best and final held-out estimates (finite-data mode). */
  readonly validationBest: number | undefined;
  readonly validationFinal: number | undefined;
  /**
   * The estimate on the test split (never used for selection) of the weights with the best
   * validation value, when the run has a test split.
   */
  readonly test?: number | undefined;
  /**
   * The standard error of the test estimate from its chunks (batch-size pieces of the test split):
   * sd of the chunk values / √chunks. It measures the test sample's noise, not the training's.
   */
  readonly testStandardError?: number | undefined;
  /** The step whose weights gave the best validation value (and the test estimate). */
  readonly bestStep?: number | undefined;
}

/** Warnings about a run, in the spirit of bmi's flags. */
export type TrainFlag =
  | 'still-increasing'
  | 'diverged'
  | 'early-stopping-not-triggered'
  | 'at-ceiling'
  | 'aborted';

/** What `train` returns. Never NaN: a non-finite estimate ends the run with `stopReason`. */
export interface TrainResult {
  /** The headline estimate in nats. */
  readonly estimate: number;
  /** Which entry of `estimates` `estimate` is, and why. */
  readonly estimateKind: EstimateKind;
  readonly estimateReason: string;
  readonly estimates: EstimateSummary;
  /** The bound's ceiling for the batch size, if it has one. */
  readonly ceiling: number | undefined;
  readonly steps: number;
  readonly flags: readonly TrainFlag[];
  /** Why the run stopped: `completed`, `early-stopping`, `aborted`, `non-finite`. */
  readonly stopReason: 'completed' | 'early-stopping' | 'aborted' | 'non-finite';
  readonly backend: BackendName | string;
  readonly seconds: number;
}
