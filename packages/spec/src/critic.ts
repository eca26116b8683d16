import type { Tensor, Tensor1D, Variable } from '@tensorflow/tfjs-core';
import type { EntropicScores } from './bound';
import type { Plugin } from './plugin';
import type { ScoreMatrix } from './score-matrix';

/** A critic's configuration: enough to rebuild it with `fromConfig` (weights aside). */
export interface CriticConfig {
  /** The critic plugin id: `joint`, `separable`, … */
  readonly id: string;
  /** The critic's options after defaults were applied, JSON-serialisable. */
  readonly options: Readonly<Record<string, unknown>>;
}

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
  /** Builds a critic; `seed` makes the initial weights reproducible. */
  create(options: Options & { seed?: number }): Critic;
}
