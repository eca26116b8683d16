import type { Tensor, Tensor1D, Variable } from '@tensorflow/tfjs-core';
import type { BoundInputs, BoundRequirement, EntropicScores, ShiftedPairScores } from './bound';
import type { Batch } from './data';
import type { Plugin } from './plugin';
import type { RandomSource } from './random-source';
import type { PluginConfig } from './registry';
import type { ScoreMatrix } from './score-matrix';

/**
 * A critic's configuration: its plugin id and its options after defaults (seed included), enough
 * to rebuild it with a critic registry's `fromConfig` (weights aside).
 */
export type CriticConfig = PluginConfig;

/**
 * A critic T(x, y) with trainable variables.
 *
 * `scores(x, y)` returns the n × n matrix `S[i][j] = T(x_i, y_j)`; `pairs(x, y)` returns only the
 * diagonal `T(x_i, y_i)` without computing the other n² − n entries. Both validate shapes and
 * throw `ShapeMismatchError`. The critic owns its variables; `dispose()` frees them.
 */
export interface Critic {
  readonly id: string;
  /** All pairs: n × n, rows index x. */
  scores(x: Tensor, y: Tensor): ScoreMatrix;
  /** Joint pairs only: length n. */
  pairs(x: Tensor, y: Tensor): Tensor1D;
  /**
   * The diagonal S_ii and the shifted pairs S_i,(i+1) mod n, without the other n² − 2n entries:
   * what a bound with `reads: 'shifted-pairs'` reads. Optional: critics implement it when 2n pair
   * evaluations cost less than the score matrix (the joint critic), and training loops fall back
   * to `scores` without it. Requires n ≥ 2.
   */
  shiftedPairs?(x: Tensor, y: Tensor): ShiftedPairScores;
  /** The variables an optimiser updates, with stable, unique names. */
  readonly trainableVariables: readonly Variable[];
  /** Non-trainable state saved with the weights (batch-norm moving statistics). */
  readonly nonTrainableVariables: readonly Variable[];
  getConfig(): CriticConfig;
  /** Frees the variables. */
  dispose(): void;
  /**
   * The log-baseline log a(y_j) of a learned-baseline head, length n, for bounds that require
   * `logBaseline` (TUBA, I_α with `logBaseline: 'learned'`). Optional.
   */
  logBaseline?(y: Tensor): Tensor1D;
  /**
   * What this critic gives a bound for a batch, when that is more than the score matrix: the
   * hook through which a training loop gets a bound's extra inputs without knowing the critic.
   * Without it the loop passes `{ scores: scores(x, y) }`, plus `logBaseline(y)` when the bound
   * requires it. The `minee` critic draws its uniform reference batches here. Runs inside the
   * caller's gradient tape; tensors it makes are the caller's.
   */
  boundInputs?(batch: Batch, context: BoundInputContext): BoundInputs;
  /**
   * MI-NEE's three heads on a data batch and a reference batch (Chan et al. 2019 §3.2), for
   * bounds that require `entropic`. Optional; the `minee` critic implements it.
   */
  entropicScores?(
    data: { x: Tensor; y: Tensor },
    reference: { x: Tensor; y: Tensor },
  ): EntropicScores;
}

/** A critic as a plugin of a critic registry. */
export interface CriticPlugin<Options = Record<string, unknown>> extends Plugin {
  readonly kind: 'critic';
  /** Builds a critic; `seed` makes the initial weights reproducible. */
  create(options: Options & { seed?: number }): Critic;
}

/** The axis-aligned bounding box of a set of rows: per-feature minimum and maximum. */
export interface BoundingBox {
  readonly low: Float32Array;
  readonly high: Float32Array;
}

/** What a training loop tells {@link Critic.boundInputs}. */
export interface BoundInputContext {
  /** The bound's extra inputs beside the score matrix (its `requires`). */
  readonly requires: readonly BoundRequirement[];
  /**
   * A random stream owned by the run (seeded, saved in checkpoints) for sampling the critic does
   * per step, such as reference batches.
   */
  readonly random: RandomSource;
  /**
   * The bounding box of the training data: the whole training split of a finite dataset, or the
   * batch for a sampler. Computed on first use.
   */
  dataBounds(): { readonly x: BoundingBox; readonly y: BoundingBox };
}
