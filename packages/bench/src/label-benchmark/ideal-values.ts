import { assertNumber } from '@mi/core';
import { labelCounts } from '@mi/datasets';

/**
 * What a perfect classifier scores with InfoNCE on the SLB and CLB score matrices at batch size n.
 * With in-batch negatives, S[i][j] = f(x_i)·o(y_j) is the same for every column j whose label
 * equals y_i; a critic that puts +∞ on those and −∞ elsewhere makes row i's InfoNCE term
 * log n − log c_i, c_i the number of batch items sharing x_i's label (itself included). So
 *
 * ```
 * Î_perfect(n) = log n − E[log c],   c − 1 ~ Hypergeometric(N − 1, N_y − 1, n − 1)
 * ```
 *
 * for a batch of n distinct rows drawn without replacement from N training rows, N_y of them of
 * class y (the class of a uniformly chosen row). This is below H(Y) = log 10 for MNIST at n = 64
 * (about 2.2 nats): a batch of 64 holds several items of each class, so the bounds that use the
 * batch's own labels as the product of marginals cannot reach the ideal MI of Choi & Lee
 * (Theorem 7), only this value.
 *
 * @param labels - the training labels (class of each row).
 * @param classes - the number of classes.
 * @param n - the batch size.
 */
export function perfectClassifierEstimate(
  labels: ArrayLike<number>,
  classes: number,
  n: number,
): number {
  const fn = 'perfectClassifierEstimate';
  const total = labels.length;
  assertNumber(fn, 'n', n, { min: 1, max: total, integer: true });
  const counts = labelCounts(Uint8Array.from(labels as ArrayLike<number>), classes);
  // log k! for k = 0 … total.
  const logFactorial = new Float64Array(total + 1);
  for (let k = 2; k <= total; k++) logFactorial[k] = (logFactorial[k - 1] as number) + Math.log(k);
  const logChoose = (a: number, b: number) =>
    b < 0 || b > a
      ? Number.NEGATIVE_INFINITY
      : (logFactorial[a] as number) - (logFactorial[b] as number) - (logFactorial[a - b] as number);
  const population = total - 1;
  const draws = n - 1;
  let expectedLog = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const same = count - 1;
    let conditional = 0;
    for (let k = Math.max(0, draws - (population - same)); k <= Math.min(same, draws); k++) {
      const logP =
        logChoose(same, k) + logChoose(population - same, draws - k) - logChoose(population, draws);
      conditional += Math.exp(logP) * Math.log(1 + k);
    }
    expectedLog += (count / total) * conditional;
  }
  return Math.log(n) - expectedLog;
}
