import * as tf from '@tensorflow/tfjs-core';

/** One held-out evaluation. */
export interface HeldOutPoint {
  readonly step: number;
  readonly estimate: number;
}

/** The serialisable part of {@link ModelSelection}, for checkpoints. */
export interface ModelSelectionState {
  readonly history: readonly HeldOutPoint[];
  /** The best held-out value so far (−∞ before the first). */
  readonly best: number;
  readonly bestStep: number | undefined;
  readonly evaluationsWithoutImprovement: number;
  /** Epochs already evaluated, when evaluating once per epoch. */
  readonly lastEpochValidated: number;
}

/** Options of {@link ModelSelection}. */
export interface ModelSelectionOptions {
  /** Stop after this many evaluations without improvement; undefined: never stop early. */
  readonly patience?: number | undefined;
  /** An improvement smaller than this (nats) does not count. Default 0. */
  readonly minDelta?: number | undefined;
  /** Keep a copy of the weights at the best held-out value (to evaluate them on a test split). */
  readonly keepBestWeights: boolean;
}

/**
 * Early stopping and model selection on held-out values: records each evaluation, tracks the best
 * value and its step, counts evaluations without improvement against the patience, and, when asked,
 * keeps a copy of the weights that gave the best value so that they can be restored and scored on
 * data never used for selection (a test split).
 */
export class ModelSelection {
  private state: ModelSelectionState = {
    history: [],
    best: Number.NEGATIVE_INFINITY,
    bestStep: undefined,
    evaluationsWithoutImprovement: 0,
    lastEpochValidated: 0,
  };
  private bestWeights: tf.Tensor[] | undefined;

  constructor(private readonly options: ModelSelectionOptions) {}

  get history(): readonly HeldOutPoint[] {
    return this.state.history;
  }

  get best(): number {
    return this.state.best;
  }

  get bestStep(): number | undefined {
    return this.state.bestStep;
  }

  /** The last held-out value, if any. */
  get last(): HeldOutPoint | undefined {
    return this.state.history.at(-1);
  }

  /**
   * Whether a held-out evaluation is due after `step` steps: every `every` steps, or once at the
   * end of each epoch when `every` is not set (marking the epoch as evaluated).
   */
  isDue(
    step: number,
    every: number | undefined,
    stream: { readonly atEpochEnd: boolean; readonly epoch: number },
  ): boolean {
    if (every !== undefined) return step % every === 0;
    if (!stream.atEpochEnd || stream.epoch + 1 <= this.state.lastEpochValidated) return false;
    this.state = { ...this.state, lastEpochValidated: stream.epoch + 1 };
    return true;
  }

  /** Whether the patience is used up. */
  get shouldStop(): boolean {
    const { patience } = this.options;
    return patience !== undefined && this.state.evaluationsWithoutImprovement >= patience;
  }

  /** Whether best weights are kept and one has been recorded. */
  get hasBestWeights(): boolean {
    return this.bestWeights !== undefined;
  }

  /**
   * Records a held-out value at `step`; on improvement (by more than `minDelta`) it becomes the
   * best, and the weights are copied when `keepBestWeights` is set.
   */
  record(step: number, estimate: number, weights: readonly tf.Variable[]): boolean {
    const improved = estimate > this.state.best + (this.options.minDelta ?? 0);
    this.state = {
      ...this.state,
      history: [...this.state.history, { step, estimate }],
      ...(improved
        ? { best: estimate, bestStep: step, evaluationsWithoutImprovement: 0 }
        : { evaluationsWithoutImprovement: this.state.evaluationsWithoutImprovement + 1 }),
    };
    if (improved && this.options.keepBestWeights) {
      tf.dispose(this.bestWeights ?? []);
      this.bestWeights = weights.map((w) => tf.keep(tf.clone(w)));
    }
    return improved;
  }

  /** A value measured after the loop (the final weights): counts toward `best`, not patience. */
  recordFinal(step: number, estimate: number, weights: readonly tf.Variable[]): void {
    const before = this.state.evaluationsWithoutImprovement;
    this.record(step, estimate, weights);
    this.state = { ...this.state, evaluationsWithoutImprovement: before };
  }

  /** Assigns the best weights to `weights` (same order as recorded). */
  restoreBest(weights: readonly tf.Variable[]): void {
    const best = this.bestWeights;
    if (best === undefined) return;
    weights.forEach((w, k) => {
      w.assign(best[k] as tf.Tensor);
    });
  }

  /** The JSON part of a checkpoint. */
  toJSON(): ModelSelectionState {
    return this.state;
  }

  /** The tensors of a checkpoint (the best weights, when kept). */
  tensors(): readonly tf.Tensor[] {
    return this.bestWeights ?? [];
  }

  /** Restores a checkpointed selection; takes ownership of `bestWeights`. */
  restore(state: ModelSelectionState, bestWeights: tf.Tensor[] | undefined): void {
    this.state = state;
    tf.dispose(this.bestWeights ?? []);
    this.bestWeights = bestWeights;
  }

  dispose(): void {
    tf.dispose(this.bestWeights ?? []);
    this.bestWeights = undefined;
  }
}
