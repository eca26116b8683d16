import { numericGradient } from './numeric-gradient';
import type { Matrix } from './score-matrix';

/**
 * A bound written out in float64 from its paper, as a check on the tfjs implementation.
 *
 * - `estimate(S)`: the value the bound reports;
 * - `loss(S)`: the value of the loss tensor;
 * - `objective(T, at)`: the function whose gradient the loss carries, in the loss's (minimised)
 *   sign, so that ∇loss(S) = ∇_T objective(T, S) at T = S. It differs from the loss where a paper
 *   reports one bound and trains on another (JS, SMILE). Quantities the implementation holds fixed
 *   with a stop-gradient (MINE's moving average) are computed from `at` and do not vary with T.
 */
export interface ReferenceBound {
  estimate(S: Matrix): number;
  loss(S: Matrix): number;
  objective(T: Matrix, at?: Matrix): number;
}

/** The reference gradient ∂loss/∂S: the float64 numeric gradient of `bound.objective` at S. */
export function referenceGradient(bound: ReferenceBound, S: Matrix, h = 1e-5): number[][] {
  return numericGradient((T) => bound.objective(T, S), S, h);
}

/** A bound trained on its own value: loss = objective = −estimate. */
export function trainedOnItsValue(estimate: (S: Matrix) => number): ReferenceBound {
  return { estimate, loss: (S) => -estimate(S), objective: (T) => -estimate(T) };
}
