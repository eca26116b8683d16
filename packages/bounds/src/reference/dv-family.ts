import { jensenShannonObjective } from './jensen-shannon';
import { type ReferenceBound, trainedOnItsValue } from './reference-bound';
import {
  jointMean,
  logPartitionOffDiagonal,
  logPartitionOver,
  logSumExp,
  type MarginalsReference,
  type Matrix,
} from './score-matrix';

/** I_DV = E_d[S] − log E_o[e^S] (Belghazi et al. 2018, Eq. 4), on scores clipped at ±clip. */
export function dvValue(S: Matrix, clip = Number.POSITIVE_INFINITY): number {
  return jointMean(S) - logPartitionOffDiagonal(S, clip);
}

/**
 * I_DV with E_o over the chosen marginal samples: all off-diagonal pairs, or the n shifted pairs
 * (i, (i+1) mod n), log E_o[e^S] = log 1/n Σ_i e^{S_i,(i+1) mod n} (MINE Alg. 1; ReMINE Alg. 1).
 */
export function dvValueOver(S: Matrix, marginals: MarginalsReference = 'all-pairs'): number {
  return jointMean(S) - logPartitionOver(S, marginals);
}

/** Options of the {@link dv} reference. */
export interface DvReferenceOptions {
  readonly marginals?: MarginalsReference;
}

/** DV, plug-in: estimate I_DV, loss −I_DV with its own (biased) gradient. */
export function dv(options: DvReferenceOptions = {}): ReferenceBound {
  return trainedOnItsValue((S) => dvValueOver(S, options.marginals));
}

/** Options of the {@link mine} reference (the implementation's `MineOptions`). */
export interface MineReferenceOptions {
  readonly decay?: number;
  readonly initial?: number;
  readonly debias?: boolean;
  readonly clamp?: { readonly min?: number; readonly max?: number };
  readonly marginals?: MarginalsReference;
}

/** MINE's running state, as plain numbers. */
export interface MineReferenceState {
  readonly logAverage: number;
  readonly steps: number;
}

/** The state before the first step: the log of `initial`, or −∞ (no average yet). */
export function mineInitialState(options: MineReferenceOptions = {}): MineReferenceState {
  return {
    logAverage:
      options.initial === undefined ? Number.NEGATIVE_INFINITY : Math.log(options.initial),
    steps: 0,
  };
}

/**
 * MINE (Belghazi et al. 2018 §3.2) for one step from `state`: the DV value, and the gradient of
 * −(E_d[T] − E_o[e^T] / ma), where ma is the moving average after this batch, held constant
 * (E_o over the off-diagonal pairs, or with `marginals: 'shifted'` over the n pairs (i, (i+1) mod n)):
 *
 * ```
 * ma_new = E_o[e^S]                                  first batch (no initial value, no debias)
 * ma_new = (1 − δ)·e^{logAverage} + δ·E_o[e^S]        otherwise
 * ma     = ma_new / (1 − (1 − δ)^{steps+1})  with debias, then clamped to [min, max]
 * ```
 *
 * `nextState(S)` is `{ logAverage: log ma_new, steps: steps + 1 }`.
 */
export function mine(
  options: MineReferenceOptions = {},
  state: MineReferenceState = mineInitialState(options),
): ReferenceBound & { nextState(S: Matrix): MineReferenceState } {
  const decay = options.decay ?? 0.01;
  const debias = options.debias ?? false;
  const marginals = options.marginals ?? 'all-pairs';
  const logAverageAfter = (S: Matrix): number => {
    const logBatch = logPartitionOver(S, marginals);
    const startsHere = state.steps === 0 && options.initial === undefined && !debias;
    if (startsHere) return logBatch;
    return logSumExp([state.logAverage + Math.log(1 - decay), logBatch + Math.log(decay)]);
  };
  const logUsedAverage = (S: Matrix): number => {
    let used = logAverageAfter(S);
    if (debias) used -= Math.log(1 - (1 - decay) ** (state.steps + 1));
    const { min, max } = options.clamp ?? {};
    if (min !== undefined) used = Math.max(used, Math.log(min));
    if (max !== undefined) used = Math.min(used, Math.log(max));
    return used;
  };
  return {
    estimate: (S) => dvValueOver(S, marginals),
    loss: (S) => -dvValueOver(S, marginals),
    // E_o[e^T] / ma = exp(log E_o[e^T] − log ma), with ma fixed at `at`.
    objective: (T, at = T) =>
      -(jointMean(T) - Math.exp(logPartitionOver(T, marginals) - logUsedAverage(at))),
    nextState: (S) => ({ logAverage: logAverageAfter(S), steps: state.steps + 1 }),
  };
}

/** Options of the SMILE references. */
export interface SmileReferenceOptions {
  /** τ; default 5, `Infinity` for no clipping. */
  readonly tau?: number;
}

/**
 * SMILE (Song & Ermon 2020 §5, Eq. 17): estimate E_d[S] − log E_o[clip(e^S, e^{−τ}, e^{τ})] (the
 * joint term unclipped); loss value −estimate; gradient that of −J, the Jensen–Shannon objective.
 */
export function smile(options: SmileReferenceOptions = {}): ReferenceBound {
  const tau = options.tau ?? 5;
  return {
    estimate: (S) => dvValue(S, tau),
    loss: (S) => -dvValue(S, tau),
    objective: (T) => -jensenShannonObjective(T),
  };
}

/**
 * SMILE trained on its own clipped DV value (Choi & Lee 2022): the same estimate as
 * {@link smile}, loss −estimate with its own gradient, which is zero through the partition term
 * for every |S_ij| > τ.
 */
export function smileDv(options: SmileReferenceOptions = {}): ReferenceBound {
  const tau = options.tau ?? 5;
  return trainedOnItsValue((S) => dvValue(S, tau));
}
