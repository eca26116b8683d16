import { type ReferenceBound, trainedOnItsValue } from './reference-bound';
import { entry, logSumExp, type Matrix, mean, sizeOf } from './score-matrix';

/** Options of the {@link interpolated} reference. */
export interface InterpolatedReferenceOptions {
  /** α ∈ (0, 1); default 0.01. */
  readonly alpha?: number;
  /** log q(y): one constant (default 0) or one value per column j. */
  readonly logBaseline?: number | readonly number[];
}

/**
 * I_α of Poole et al. (2019, §2.4, Eq. 13) with the leave-one-out baseline. With
 * T(x_i, y_j) = S[i][j]:
 *
 * ```
 * m_{−i}(y_a) = 1/(n−1) Σ_{k≠i} e^{T(x_k, y_a)}
 * b(x_i, y_a) = log( α·m_{−i}(y_a) + (1 − α)·q(y_a) )
 * I_α = 1 + mean_{i≠j}[ T(x_j, y_j) − b(x_i, y_j) ] − mean_{i≠j} e^{T(x_i, y_j) − b(x_j, y_j)}
 * ```
 *
 * Both logs are taken with log-sum-exp, so the value stays exact when the diagonal is tens of nats
 * above the rest.
 */
export function interpolatedValue(S: Matrix, options: InterpolatedReferenceOptions = {}): number {
  const alpha = options.alpha ?? 0.01;
  const logBaseline = options.logBaseline ?? 0;
  const n = sizeOf(S);
  const logQ = (a: number): number => {
    const value = typeof logBaseline === 'number' ? logBaseline : logBaseline[a];
    if (value === undefined) throw new RangeError(`reference interpolated: no log q(y_${a})`);
    return value;
  };
  // log m_{−i}(y_a): the log mean of column a without row i.
  const logLeaveOneOut = (i: number, a: number): number => {
    const others: number[] = [];
    for (let k = 0; k < n; k++) if (k !== i) others.push(entry(S, k, a));
    return logSumExp(others) - Math.log(n - 1);
  };
  const b = (i: number, a: number): number =>
    logSumExp([Math.log(alpha) + logLeaveOneOut(i, a), Math.log(1 - alpha) + logQ(a)]);
  const jointTerms: number[] = [];
  const partitionTerms: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      jointTerms.push(entry(S, j, j) - b(i, j));
      partitionTerms.push(Math.exp(entry(S, i, j) - b(j, j)));
    }
  }
  return 1 + mean(jointTerms) - mean(partitionTerms);
}

/** The ceiling of I_α at batch size n: 1 + log(n − 1) − log α. */
export function interpolatedCeiling(n: number, alpha = 0.01): number {
  return 1 + Math.log(n - 1) - Math.log(alpha);
}

/** I_α: estimate I_α, loss −I_α with its own gradient. */
export function interpolated(options: InterpolatedReferenceOptions = {}): ReferenceBound {
  return trainedOnItsValue((S) => interpolatedValue(S, options));
}
