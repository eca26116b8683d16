import { dvValueOver, smileDv } from './dv-family';
import { type InfoNCEReferenceDirection, infoNCE, infoNCELogPartition } from './infonce';
import { type JensenShannonReadout, js, lessBaseline, nwjValueOver, tubaValue } from './nwj-family';
import { type ReferenceBound, trainedOnItsValue } from './reference-bound';
import {
  jointMean,
  logPartitionOffDiagonal,
  logPartitionOver,
  type MarginalsReference,
  type Matrix,
} from './score-matrix';

/** The distance d(L, C) of the regulariser (ReMINE 2021, Eq. 6; Choi & Lee 2022, Eqs. 10–15). */
export type RegularizerReferenceDistance = 'l2' | 'l1' | 'log-euclidean' | 'linear-l2';

/** Options shared by the regularised references. */
export interface RegularizerReferenceOptions {
  readonly distance?: RegularizerReferenceDistance;
  /** λ; default 1. */
  readonly lambda?: number;
  /** C, in the log domain for `l2`/`l1` (default 0), in the linear domain for `log-euclidean` and `linear-l2` (default 1). */
  readonly target?: number;
  /** The marginal samples of the partition term and of L (ReMINE, ReMINE-J, ReNWJ only). */
  readonly marginals?: MarginalsReference;
}

interface Regularizer {
  readonly distance: RegularizerReferenceDistance;
  readonly lambda: number;
  readonly target: number;
}

/** Whether the distance's target C is a partition term (linear domain) rather than its log. */
const linearTarget = (distance: RegularizerReferenceDistance) =>
  distance === 'log-euclidean' || distance === 'linear-l2';

function resolve(
  options: RegularizerReferenceOptions,
  defaultDistance: RegularizerReferenceDistance,
): Regularizer {
  const distance = options.distance ?? defaultDistance;
  return {
    distance,
    lambda: options.lambda ?? 1,
    target: options.target ?? (linearTarget(distance) ? 1 : 0),
  };
}

/** C in the log domain: log C where C is a partition term (log-Euclidean, linear l2), C otherwise. */
function logTarget(regularizer: Regularizer): number {
  return linearTarget(regularizer.distance) ? Math.log(regularizer.target) : regularizer.target;
}

/**
 * d(L, C) for L the log of a partition term: (L − C)², |L − C|, (L − log C)² (log-Euclidean), or
 * (e^L − C)² (linear l2: the Euclidean distance on the partition term itself).
 */
export function regularizerDistance(
  L: number,
  distance: RegularizerReferenceDistance,
  target: number,
): number {
  if (distance === 'l1') return Math.abs(L - target);
  if (distance === 'linear-l2') return (Math.exp(L) - target) ** 2;
  const C = distance === 'log-euclidean' ? Math.log(target) : target;
  return (L - C) ** 2;
}

/**
 * `base` with λ·d(L(S), C) added to its loss value and to its training objective; the estimate is
 * the base bound's. `logPartition` is the regulariser's L, on unclipped scores.
 */
function withRegularizer(
  base: ReferenceBound,
  logPartition: (S: Matrix) => number,
  regularizer: Regularizer,
): ReferenceBound {
  const penalty = (S: Matrix) =>
    regularizer.lambda *
    regularizerDistance(logPartition(S), regularizer.distance, regularizer.target);
  return {
    estimate: (S) => base.estimate(S),
    loss: (S) => base.loss(S) + penalty(S),
    objective: (T, at = T) => base.objective(T, at) + penalty(T),
  };
}

/** log E_o[e^S] on unclipped scores. */
const logPartitionOf = (S: Matrix) => logPartitionOffDiagonal(S);

/**
 * ReMINE (ReMINE 2021, Eq. 6): loss −I_DV + λ·d(L, C), L = log E_o[e^S]; estimate I_DV.
 * Default l2, λ = 1, C = 0. E_o is the same in the bound and in L: all off-diagonal pairs, or the
 * n shifted pairs with `marginals: 'shifted'`.
 */
export function remine(options: RegularizerReferenceOptions = {}): ReferenceBound {
  const marginals = options.marginals ?? 'all-pairs';
  return withRegularizer(
    trainedOnItsValue((S) => dvValueOver(S, marginals)),
    (S) => logPartitionOver(S, marginals),
    resolve(options, 'l2'),
  );
}

/**
 * ReMINE-J (ReMINE 2021 §4): trained as {@link remine}; reports E_d[S] − C with C in the log
 * domain, i.e. E_d[S] − log C for the log-Euclidean distance, whose target is linear.
 */
export function remineJoint(options: RegularizerReferenceOptions = {}): ReferenceBound {
  const regularizer = resolve(options, 'l2');
  const trained = remine(options);
  return { ...trained, estimate: (S) => jointMean(S) - logTarget(regularizer) };
}

/** Options of {@link resmile}. */
export interface ResmileReferenceOptions extends RegularizerReferenceOptions {
  /** The base SMILE's τ; default 10 (Choi & Lee 2022, Table 1). */
  readonly tau?: number;
}

/**
 * ReSMILE (Choi & Lee 2022, Table 1): the DV-trained clipped bound (SMILE-DV, τ = 10) plus
 * λ·(L − C)² on the UNCLIPPED L = log E_o[e^S], so that scores beyond ±τ, which get no gradient
 * from the clipped partition term, are still pulled back by the regulariser (Choi & Lee §4).
 */
export function resmile(options: ResmileReferenceOptions = {}): ReferenceBound {
  return withRegularizer(
    smileDv({ tau: options.tau ?? 10 }),
    logPartitionOf,
    resolve(options, 'l2'),
  );
}

/** Options of {@link renwj}. */
export interface RenwjReferenceOptions extends RegularizerReferenceOptions {
  /** Clip of the base bound's partition term; default 10 (Choi & Lee 2022, Table 1). */
  readonly clip?: number;
}

/**
 * ReNWJ (Choi & Lee 2022, Eq. 15, Table 1): the NWJ bound whose partition term is computed on
 * scores clipped to ±10 (so e^{T−1} cannot overflow), plus the log-Euclidean distance of the
 * UNCLIPPED partition term E_o[e^{S−1}] to 1: loss = −I + λ(log E_o[e^{S−1}] − log 1)².
 * The reported estimate is the clipped base value E_d[S] − E_o[e^{clip(S, −10, 10) − 1}], E_o
 * over the off-diagonal pairs or, with `marginals: 'shifted'`, the n shifted pairs (both terms).
 */
export function renwj(options: RenwjReferenceOptions = {}): ReferenceBound {
  const clip = options.clip ?? 10;
  const marginals = options.marginals ?? 'all-pairs';
  return withRegularizer(
    trainedOnItsValue((S) => nwjValueOver(S, marginals, clip)),
    (S) => logPartitionOver(S, marginals) - 1,
    resolve(options, 'log-euclidean'),
  );
}

/** Options of {@link retuba}. */
export interface RetubaReferenceOptions extends RenwjReferenceOptions {
  /** log a(y): default 0 (a(y) = 1, Choi & Lee 2022, Table 1). */
  readonly logBaseline?: number | readonly number[];
}

/**
 * ReTUBA (Choi & Lee 2022, Table 1): TUBA with a(y) = 1 whose partition term is computed on
 * centred scores clipped to ±10, plus the log-Euclidean distance of the UNCLIPPED partition term
 * E_o[e^{S − log a}] to 1. The reported estimate is the clipped base value.
 */
export function retuba(options: RetubaReferenceOptions = {}): ReferenceBound {
  const clip = options.clip ?? 10;
  const logBaseline = options.logBaseline ?? 0;
  return withRegularizer(
    trainedOnItsValue((S) => tubaValue(S, logBaseline, clip)),
    (S) => logPartitionOffDiagonal(lessBaseline(S, logBaseline)),
    resolve(options, 'log-euclidean'),
  );
}

/** Options of {@link reinfonce}. */
export interface ReinfonceReferenceOptions extends RegularizerReferenceOptions {
  readonly direction?: InfoNCEReferenceDirection;
}

/**
 * ReInfoNCE (Choi & Lee 2022, Table 1): InfoNCE plus λ·(L − C)², L = mean_i log mean_j e^{S_ij}
 * (along the bound's direction).
 */
export function reinfonce(options: ReinfonceReferenceOptions = {}): ReferenceBound {
  const direction = options.direction ?? 'rows';
  return withRegularizer(
    infoNCE({ direction }),
    (S) => infoNCELogPartition(S, direction),
    resolve(options, 'l2'),
  );
}

/** Options of {@link rejs}. */
export interface RejsReferenceOptions extends RegularizerReferenceOptions {
  readonly readout?: JensenShannonReadout;
}

/**
 * ReJS (Choi & Lee 2022, Eq. 11, Table 1): the JS-trained critic (loss value −reported NWJ value,
 * gradient of −J) plus the NWJ family's regulariser with the log-Euclidean distance,
 * λ·(log E_o[e^{S+s−1}] − log C)², C = 1, s = 0 (readout 'nwj') or 1 ('nwj-shifted'): the
 * partition term the NWJ readout subtracts.
 */
export function rejs(options: RejsReferenceOptions = {}): ReferenceBound {
  const readout = options.readout ?? 'nwj';
  const shift = readout === 'nwj-shifted' ? 1 : 0;
  return withRegularizer(
    js({ readout }),
    (S) => logPartitionOf(S) + shift - 1,
    resolve(options, 'log-euclidean'),
  );
}
