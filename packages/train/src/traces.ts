/**
 * The per-step numbers a run records (typed arrays grow by doubling): the estimate, the loss, the
 * bound's two terms, the truth and the EMA.
 */
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
