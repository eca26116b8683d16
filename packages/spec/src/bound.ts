import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import type { Plugin } from './plugin';
import type { ScoreMatrix } from './score-matrix';

/**
 * The running state a bound threads through training steps (MINE's moving average, a step
 * counter). Tensors, so that no step has to read them back to JavaScript; the caller owns the
 * tensors it receives and disposes the old state after each step. Stateless bounds use `{}`.
 */
export type BoundState = Readonly<Record<string, Tensor>>;

/**
 * Scores that MI-NEE needs: each head evaluated on the data batch and on a batch drawn from the
 * uniform reference distribution over the data's bounding box (Chan et al. 2019, §3.2).
 */
export interface EntropicScores {
  /** f₀ on the n data pairs (x_i, y_i). */
  readonly jointData: Tensor1D;
  /** f₀ on the m reference points drawn from U_XY. */
  readonly jointReference: Tensor1D;
  /** f₁ on the n data x_i. */
  readonly xData: Tensor1D;
  /** f₁ on the m reference x. */
  readonly xReference: Tensor1D;
  /** f₂ on the n data y_i. */
  readonly yData: Tensor1D;
  /** f₂ on the m reference y. */
  readonly yReference: Tensor1D;
}

/**
 * What a score-matrix bound reads: `S[i][j] = T(x_i, y_j)`, n × n, diagonal = joint pairs (see
 * {@link ScoreMatrix}), and, for bounds that require it, TUBA's learned log-baseline.
 */
export interface ScoreInputs {
  readonly scores: ScoreMatrix;
  /** TUBA's log-baseline `log a(y_j)`, length n, when the baseline is learned by the critic. */
  readonly logBaseline?: Tensor1D;
  readonly entropic?: never;
  readonly shiftedPairs?: never;
}

/**
 * The only entries of the score matrix that a bound with `reads: 'shifted-pairs'` reads: the
 * joint pairs and one product-of-marginals pair per row, both length n (n ≥ 2).
 */
export interface ShiftedPairScores {
  /** T(x_i, y_i) = S_ii, the diagonal. */
  readonly joint: Tensor1D;
  /**
   * T on n product-of-marginals pairs: T(x_i, y_(i+1) mod n) = S_i,(i+1) mod n, or, when the
   * batch carries a `MarginalSample` drawn apart from it, T(x'_i, y'_i) on those pairs.
   */
  readonly shifted: Tensor1D;
}

/**
 * What a bound with `reads: 'shifted-pairs'` may be given instead of the score matrix: the 2n
 * entries it reads, for critics that score them for less than the n² matrix costs.
 */
export interface ShiftedPairInputs {
  readonly shiftedPairs: ShiftedPairScores;
  readonly scores?: never;
  readonly logBaseline?: never;
  readonly entropic?: never;
}

/** What an entropic bound (MI-NEE, `requires: ['entropic']`) reads: the heads' scores. */
export interface EntropicInputs {
  readonly entropic: EntropicScores;
  readonly scores?: never;
  readonly logBaseline?: never;
  readonly shiftedPairs?: never;
}

/**
 * What a bound reads: a score matrix (every bound but MI-NEE), only its diagonal and shifted
 * pairs (bounds with `reads: 'shifted-pairs'`, which accept the matrix too) or MI-NEE's head
 * scores. Tell them apart by which of `scores`, `shiftedPairs` and `entropic` is defined.
 */
export type BoundInputs = ScoreInputs | ShiftedPairInputs | EntropicInputs;

/** Extra inputs a bound needs beside the score matrix. */
export type BoundRequirement = 'logBaseline' | 'entropic';

/**
 * What a bound returns for one batch. Every tensor is a new tensor owned by the caller.
 *
 * `loss` is what an optimiser minimises; `estimate` is the value reported as the MI estimate
 * (nats). They differ where a paper trains on one objective and reports another (JS-trained
 * NWJ, SMILE, the regularised bounds); the gradient then comes from `loss` alone.
 */
export interface BoundOutput {
  /** Scalar to minimise. */
  readonly loss: Scalar;
  /** Scalar MI estimate in nats (no gradient is meant to flow through it). */
  readonly estimate: Scalar;
  /**
   * Named parts of the estimate, for drift diagnostics (ReMINE §3). Every built-in reports at
   * least `joint`, the first term E_P[T], and `logPartition`, the logarithm of its second
   * (partition) term: log E_Q[e^T] for the DV family, log E_Q[e^{T−1}] for NWJ, the mean row
   * log-mean-exp for InfoNCE. Bounds may add more.
   */
  readonly terms: Readonly<Record<string, Scalar>>;
  /** The new state; `{}` for stateless bounds. */
  readonly state: BoundState;
}

/**
 * A configured bound: a pure function of the inputs and the state.
 *
 * Implementations run every op in `tf.tidy`, never dispose their inputs, mask the diagonal with
 * `tf.where` (never `eye · ∞`), and compute partition terms with log-sum-exp.
 */
export interface Bound {
  /** The plugin id. */
  readonly id: string;
  /** The options after defaults were applied: JSON-serialisable, enough to re-create it. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Extra inputs beside the score matrix. */
  readonly requires: readonly BoundRequirement[];
  /**
   * How the estimates of several batches combine into one answer, for bounds whose estimate has
   * the DV form `joint − logPartition` (logPartition = log E_Q[e^T]); absent for the others, which
   * are averaged per batch (macro).
   *
   * - `'macro'`: the mean of the batch values. Right when the training objective leaves an additive
   *   constant in T free (DV, MINE, SMILE trained on its clipped DV): a constant that drifts between
   *   batches cancels inside each batch's DV value, not in pooled outputs.
   * - `'micro'`: one DV value of the pooled outputs of all batches (ReMINE 2021, Algorithm 1;
   *   Choi & Lee 2022, Thm. 6), lower variance, unbiased only when the objective pins the constant
   *   (the regularised bounds, SMILE trained on the Jensen–Shannon objective).
   */
  readonly averaging?: 'micro' | 'macro';
  /**
   * Which entries of the score matrix the bound reads, when not all of them: `'shifted-pairs'`,
   * only the diagonal S_ii and the n pairs S_i,(i+1) mod n (the DV family with `marginals:
   * 'shifted'`). Such a bound accepts {@link ShiftedPairInputs} as well as the matrix, and a
   * training loop whose critic implements `shiftedPairs` scores 2n pairs per step instead of n².
   * Absent: the whole matrix.
   */
  readonly reads?: 'shifted-pairs';
  /** A fresh state; the caller owns its tensors. */
  initialState(): BoundState;
  /** The bound on one batch. */
  compute(inputs: BoundInputs, state: BoundState): BoundOutput;
  /**
   * The largest value the estimate can take for a batch of n (InfoNCE: log n; I_α:
   * 1 + log n − log α), or `undefined` when the bound has none.
   */
  ceiling(n: number): number | undefined;
  /**
   * The logarithm of the bound's partition term on the **unclipped** scores: log E_Q[e^T] for the
   * DV family (SMILE included), log E_Q[e^{T−1}] for NWJ, the mean row log-mean-exp for InfoNCE.
   * This is what a regulariser acts on (Choi & Lee 2022, Table 1): unclipped, so it keeps a
   * gradient where a clipped bound has none and does not freeze T. Optional for third-party
   * bounds; without it a regulariser reads `terms.logPartition`.
   */
  logPartition?(inputs: BoundInputs): Scalar;
}

/**
 * A bound as a plugin. Third-party packages export one of these and users add it to a registry.
 *
 * @typeParam Options - the options `create` accepts.
 */
export interface BoundPlugin<Options = Record<string, unknown>> extends Plugin {
  readonly kind: 'bound';
  /** The formula in plain text (shown by `mi bounds` and in the docs). */
  readonly formula: string;
  /** Validates options, applies defaults and returns the bound. Throws `InvalidArgumentError`. */
  create(options?: Options): Bound;
}
