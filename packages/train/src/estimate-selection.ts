import type { Bound, EstimateKind, EstimateSummary } from '@mi/spec';
import type { Traces } from './traces';

/**
 * Macro and micro averages over the last `windowSize` batches (ReMINE 2021, Algorithm 1).
 *
 * Macro: the mean of the batch estimates. Micro: mean(joint) − log mean(e^{logPartition}), one DV
 * value of the pooled outputs of the window. The micro value is computed for every bound that
 * declares `averaging` (its estimate has the DV form `joint − logPartition`) and whose recorded
 * batches all satisfy that identity; it is `undefined` otherwise. Computing it does not make it the
 * answer: {@link chooseEstimate} takes it only where the bound declares `averaging: 'micro'`.
 *
 * @param averaging - the bound's `averaging` (`Bound.averaging`); `undefined` for bounds without a
 *   DV-form estimate.
 */
export function windowAverages(
  traces: Traces,
  windowSize: number,
  averaging: Bound['averaging'],
): { macro: number; micro: number | undefined; size: number } {
  const end = traces.size;
  const start = Math.max(0, end - windowSize);
  const size = end - start;
  if (size === 0) return { macro: Number.NaN, micro: undefined, size: 0 };
  let sum = 0;
  let jointSum = 0;
  let maxLog = Number.NEGATIVE_INFINITY;
  let dvForm = averaging !== undefined;
  for (let i = start; i < end; i++) {
    const estimate = traces.estimate[i] as number;
    const joint = traces.joint[i] as number;
    const logPartition = traces.logPartition[i] as number;
    sum += estimate;
    jointSum += joint;
    maxLog = Math.max(maxLog, logPartition);
    if (!holdsDvForm(estimate, joint, logPartition)) dvForm = false;
  }
  let micro: number | undefined;
  if (dvForm) {
    let expSum = 0;
    for (let i = start; i < end; i++)
      expSum += Math.exp((traces.logPartition[i] as number) - maxLog);
    micro = jointSum / size - (maxLog + Math.log(expSum / size));
  }
  return { macro: sum / size, micro, size };
}

/** Whether a recorded batch satisfies `estimate = joint − logPartition` (to float32 rounding). */
function holdsDvForm(estimate: number, joint: number, logPartition: number): boolean {
  return Math.abs(estimate - (joint - logPartition)) <= 1e-3 * Math.max(1, Math.abs(estimate));
}

/**
 * Which estimate is the answer, and why.
 *
 * 1. Finite data with a held-out split: the final held-out estimate (the best one is selected on
 *    the data it reports, so it is optimistic).
 * 2. A bound that declares `averaging: 'micro'` and whose batches have the DV form: the micro
 *    average (ReMINE Algorithm 1). Its training objective pins T's additive constant (the
 *    regularised bounds, SMILE trained on Jensen–Shannon), so the pooled value is unbiased, and it
 *    has a lower variance than the mean of the batch values.
 * 3. Otherwise the macro average, the mean of the batch estimates (Poole et al. 2019). For a bound
 *    that declares `'macro'` (DV, MINE, SMILE trained on its clipped DV) this is what is right:
 *    DV training leaves T's additive constant free, it drifts between batches, and a drift cancels
 *    inside each batch's `joint − logPartition` but not in pooled outputs (a constant rising from
 *    0 to 3 nats over the window biases the micro value by 1.5 − log((e³ − 1)/3) ≈ −0.35 nats).
 *
 * @param bound - the bound's id (named in the reason) and its `averaging`.
 */
export function chooseEstimate(
  summary: EstimateSummary,
  bound: Pick<Bound, 'id' | 'averaging'>,
): {
  kind: EstimateKind;
  value: number;
  reason: string;
} {
  if (summary.test !== undefined) {
    return {
      kind: 'test',
      value: summary.test,
      reason: `finite data with validation and test splits: the estimate on the test split (never used for selection) of the weights with the best validation value${summary.bestStep === undefined ? '' : ` (step ${summary.bestStep})`}, so it is neither optimistic (selected on the data it reports) nor decayed (the final weights after the patience window)`,
    };
  }
  if (summary.validationFinal !== undefined) {
    return {
      kind: 'validationFinal',
      value: summary.validationFinal,
      reason:
        'finite data with a held-out split: the final held-out estimate (the best held-out value is also reported, but it is selected on the data it reports, so it is optimistic)',
    };
  }
  const window = `the last ${summary.windowSize} batches`;
  if (bound.averaging === 'micro') {
    if (summary.micro !== undefined && Number.isFinite(summary.micro)) {
      return {
        kind: 'micro',
        value: summary.micro,
        reason: `${bound.id} declares micro averaging (averaging: 'micro'): its training objective pins T's additive constant, so the pooled outputs of ${window} (ReMINE Algorithm 1) are unbiased, with less variance than the mean of the batch values`,
      };
    }
    return {
      kind: 'macro',
      value: summary.macro,
      reason: `${bound.id} declares micro averaging (averaging: 'micro'), but its recorded estimates are not joint − logPartition (or their pooled value is not finite), so the batches cannot be pooled: macro average, the mean of the per-batch estimates over ${window}`,
    };
  }
  if (bound.averaging === 'macro') {
    return {
      kind: 'macro',
      value: summary.macro,
      reason: `${bound.id} declares macro averaging (averaging: 'macro'): T's additive constant is free under DV training and drifts; it cancels within each batch's value, not across pooled batches, so the answer is the mean of the per-batch estimates over ${window}`,
    };
  }
  return {
    kind: 'macro',
    value: summary.macro,
    reason: `${bound.id}: macro average, the mean of the per-batch estimates over ${window} (its estimate has no DV form, so it declares no averaging and its batches cannot be pooled)`,
  };
}
