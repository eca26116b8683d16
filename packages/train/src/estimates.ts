import type { EstimateKind, EstimateSummary } from '@mi/spec';

/** The per-step numbers a run records (typed arrays grow by doubling). */
export class Traces {
  private length = 0;
  estimate = new Float32Array(256);
  loss = new Float32Array(256);
  joint = new Float32Array(256);
  logPartition = new Float32Array(256);
  trueMI = new Float32Array(256);
  ema = new Float32Array(256);

  get size(): number {
    return this.length;
  }

  push(values: {
    estimate: number;
    loss: number;
    joint: number;
    logPartition: number;
    trueMI: number;
    ema: number;
  }): void {
    if (this.length === this.estimate.length) {
      for (const key of ['estimate', 'loss', 'joint', 'logPartition', 'trueMI', 'ema'] as const) {
        const grown = new Float32Array(this.length * 2);
        grown.set(this[key]);
        this[key] = grown;
      }
    }
    this.estimate[this.length] = values.estimate;
    this.loss[this.length] = values.loss;
    this.joint[this.length] = values.joint;
    this.logPartition[this.length] = values.logPartition;
    this.trueMI[this.length] = values.trueMI;
    this.ema[this.length] = values.ema;
    this.length += 1;
  }

  /** Copies trimmed to the recorded length. */
  snapshot(): Record<
    'estimate' | 'loss' | 'joint' | 'logPartition' | 'trueMI' | 'ema',
    Float32Array
  > {
    const cut = (a: Float32Array) => a.slice(0, this.length);
    return {
      estimate: cut(this.estimate),
      loss: cut(this.loss),
      joint: cut(this.joint),
      logPartition: cut(this.logPartition),
      trueMI: cut(this.trueMI),
      ema: cut(this.ema),
    };
  }

  /** Rebuilds traces from a checkpoint. */
  static from(
    saved: Record<'estimate' | 'loss' | 'joint' | 'logPartition' | 'trueMI' | 'ema', number[]>,
  ): Traces {
    const traces = new Traces();
    for (let i = 0; i < saved.estimate.length; i++) {
      traces.push({
        estimate: saved.estimate[i] as number,
        loss: saved.loss[i] as number,
        joint: saved.joint[i] as number,
        logPartition: saved.logPartition[i] as number,
        trueMI: saved.trueMI[i] as number,
        ema: saved.ema[i] as number,
      });
    }
    return traces;
  }
}

/**
 * Macro and micro averages over the last `windowSize` batches (ReMINE 2021, Algorithm 1).
 * Macro: the mean of the batch estimates. Micro: mean(joint) − log mean(e^{logPartition}), the DV
 * value of the pooled outputs; only for bounds that declare `microAveraging` (the DV family) and
 * whose batches all satisfy `estimate = joint − logPartition`, else undefined.
 */
export function windowAverages(
  traces: Traces,
  windowSize: number,
  microAveraging: boolean,
): { macro: number; micro: number | undefined; size: number } {
  const end = traces.size;
  const start = Math.max(0, end - windowSize);
  const size = end - start;
  if (size === 0) return { macro: Number.NaN, micro: undefined, size: 0 };
  let sum = 0;
  let jointSum = 0;
  let maxLog = Number.NEGATIVE_INFINITY;
  let dvForm = microAveraging;
  for (let i = start; i < end; i++) {
    const estimate = traces.estimate[i] as number;
    const joint = traces.joint[i] as number;
    const logPartition = traces.logPartition[i] as number;
    sum += estimate;
    jointSum += joint;
    maxLog = Math.max(maxLog, logPartition);
    if (Math.abs(estimate - (joint - logPartition)) > 1e-3 * Math.max(1, Math.abs(estimate)))
      dvForm = false;
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

/**
 * Which estimate is the answer, and why. Held-out data when there is a split (its final value:
 * the best is optimistic, as it is selected on the same data it reports); else the micro average
 * for the DV family (ReMINE Alg. 1: pooled outputs cancel a drifting constant), else the macro
 * average (Poole et al. 2019).
 */
export function chooseEstimate(summary: EstimateSummary): {
  kind: EstimateKind;
  value: number;
  reason: string;
} {
  if (summary.validationFinal !== undefined) {
    return {
      kind: 'validationFinal',
      value: summary.validationFinal,
      reason:
        'finite data with a held-out split: the final held-out estimate (the best held-out value is also reported, but it is selected on the data it reports, so it is optimistic)',
    };
  }
  if (summary.micro !== undefined && Number.isFinite(summary.micro)) {
    return {
      kind: 'micro',
      value: summary.micro,
      reason: `DV-family bound: micro average (pooled critic outputs) over the last ${summary.windowSize} batches, ReMINE Algorithm 1`,
    };
  }
  return {
    kind: 'macro',
    value: summary.macro,
    reason: `mean of the per-batch estimates over the last ${summary.windowSize} batches`,
  };
}
