import type { ReferenceBound } from './reference-bound';
import { diagonalOf, logMeanExp, type Matrix, mean, offDiagonalOf } from './score-matrix';

/** Options of the {@link ccmi} reference. */
export interface CcmiReferenceOptions {
  /** The probability clip τ ∈ [0, ½); default 1e-5. */
  readonly tau?: number;
}

/** σ(t) = 1/(1 + e^{−t}) without overflow for either sign of t. */
function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** v clipped to [low, high]. */
function clip(v: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, v));
}

/**
 * The classifier's log likelihood ratio, worked out in probability space as the paper states it:
 * p = σ(t) is the predicted probability that the pair is joint, clipped to [τ, 1 − τ], and the
 * ratio is p/(1 − p). 1 − p is taken as σ(−t) (clipped alike, since 1 − clip(p) = clip(1 − p)),
 * so that a probability within 1e-16 of 1 keeps its precision.
 */
function clippedLogRatio(t: number, tau: number): number {
  const joint = clip(sigmoid(t), tau, 1 - tau);
  const marginal = clip(sigmoid(-t), tau, 1 - tau);
  return Math.log(joint / marginal);
}

/**
 * Classifier-MI (Mukherjee, Asnani & Kannan 2020), the DV readout of the classifier's ratio:
 * mean over joint pairs of log r − log mean over product pairs of r, r = p/(1 − p).
 */
export function ccmiValue(S: Matrix, tau = 1e-5): number {
  const logRatio = (t: number) => clippedLogRatio(t, tau);
  return mean(diagonalOf(S).map(logRatio)) - logMeanExp(offDiagonalOf(S).map(logRatio));
}

/**
 * The classifier's training loss: binary cross-entropy −[ℓ log p + (1 − ℓ) log(1 − p)] with
 * p = σ(T), label ℓ = 1 on the joint pairs and 0 on the product pairs, each class weighted ½.
 * log σ(t) = −log(1 + e^{−t}) and log(1 − σ(t)) = −log(1 + e^{t}), written with log1p.
 */
function balancedCrossEntropy(T: Matrix): number {
  const logOnePlusExp = (t: number) => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
  const joint = mean(diagonalOf(T).map((t) => logOnePlusExp(-t)));
  const product = mean(offDiagonalOf(T).map((t) => logOnePlusExp(t)));
  return (joint + product) / 2;
}

/** CCMI: estimate {@link ccmiValue}, loss value −estimate, gradient that of the cross-entropy. */
export function ccmi(options: CcmiReferenceOptions = {}): ReferenceBound {
  const tau = options.tau ?? 1e-5;
  return {
    estimate: (S) => ccmiValue(S, tau),
    loss: (S) => -ccmiValue(S, tau),
    objective: (T) => balancedCrossEntropy(T),
  };
}
