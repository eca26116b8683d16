import { createBound, donskerVaradhan, infoNCE, smile } from '@mi/bounds';
import { createRandom } from '@mi/core';
import { separableCritic } from '@mi/critics';
import { correlatedGaussian } from '@mi/datasets';
import type { Bound, EstimateSummary } from '@mi/spec';
import { chooseEstimate, Traces, train, windowAverages } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// x ~ N(0, 1), y = ρx + √(1−ρ²)ε with ρ = 0.8: I = −½ log(1 − ρ²) = 0.5108 nats, and the exact
// DV critic is the log density ratio T*(x, y) = log p(y|x)/p(y) (plus any constant).
const rho = 0.8;
const trueMI = -0.5 * Math.log(1 - rho * rho);
const exactCritic = (x: number, y: number) =>
  trueMI - (y - rho * x) ** 2 / (2 * (1 - rho * rho)) + (y * y) / 2;

/**
 * The traces of `batches` batches of n pairs scored by T* + c_t, with the constant c_t rising
 * linearly from 0 to `drift` nats: joint = mean_i T(x_i, y_i) + c_t, logPartition =
 * log mean_{i≠j} e^{T(x_i, y_j)} + c_t, estimate = joint − logPartition (c_t cancels in it).
 */
function driftingTraces(drift: number, batches = 1000, n = 64, seed = 1): Traces {
  const random = createRandom(seed);
  const traces = new Traces();
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let t = 0; t < batches; t++) {
    const c = (drift * t) / (batches - 1);
    for (let i = 0; i < n; i++) {
      x[i] = random.normal();
      y[i] = rho * (x[i] as number) + Math.sqrt(1 - rho * rho) * random.normal();
    }
    let joint = 0;
    let partition = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const score = exactCritic(x[i] as number, y[j] as number);
        if (i === j) joint += score;
        else partition += Math.exp(score);
      }
    }
    joint = joint / n + c;
    const logPartition = Math.log(partition / (n * (n - 1))) + c;
    traces.push({
      estimate: joint - logPartition,
      loss: logPartition - joint,
      joint,
      logPartition,
      trueMI,
      ema: Number.NaN,
    });
  }
  return traces;
}

function summaryOf(traces: Traces, averaging: Bound['averaging']): EstimateSummary {
  const averages = windowAverages(traces, traces.size, averaging);
  return {
    perBatch: traces.snapshot().estimate,
    ema: Number.NaN,
    macro: averages.macro,
    micro: averages.micro,
    windowSize: averages.size,
    validationBest: undefined,
    validationFinal: undefined,
  };
}

describe('which average is the answer (synthetic drift, exact Gaussian critic)', () => {
  // Pooling 1000 batches whose constant rises 0 → 3 nats biases the micro value by
  // mean(c) − log mean(e^c) = 1.5 − log((e³ − 1)/3) ≈ −0.350 (Jensen), independent of the critic.
  const constants = Array.from({ length: 1000 }, (_, t) => (3 * t) / 999);
  const poolingBias =
    constants.reduce((s, c) => s + c, 0) / 1000 -
    Math.log(constants.reduce((s, c) => s + Math.exp(c), 0) / 1000);

  it('with a drift of 0 → 3 nats: macro recovers I = 0.511 within 0.01, micro is off by ≈ −0.35', () => {
    expect(poolingBias).toBeCloseTo(1.5 - Math.log((Math.exp(3) - 1) / 3), 2);
    const traces = driftingTraces(3);
    const { macro, micro } = windowAverages(traces, 1000, 'macro');
    // The mean of 1000 DV values of n = 64 has a standard error of ≈ 0.003 nats.
    expect(Math.abs(macro - trueMI), `macro ${macro}`).toBeLessThan(0.01);
    expect(micro).toBeDefined();
    expect(Math.abs((micro as number) - (trueMI + poolingBias)), `micro ${micro}`).toBeLessThan(
      0.02,
    );
    expect(trueMI - (micro as number)).toBeGreaterThan(0.3);

    const dv = chooseEstimate(summaryOf(traces, 'macro'), { id: 'dv', averaging: 'macro' });
    expect(dv.kind).toBe('macro');
    expect(dv.value).toBe(macro);
    expect(dv.reason).toContain("dv declares macro averaging (averaging: 'macro')");
    expect(dv.reason).toContain(
      "T's additive constant is free under DV training and drifts; it cancels within each batch's value, not across pooled batches",
    );

    // Declared micro, the pooled value is the answer: right only if the objective pins the
    // constant, which this drift violates on purpose.
    const pinned = chooseEstimate(summaryOf(traces, 'micro'), {
      id: 'smile',
      averaging: 'micro',
    });
    expect(pinned.kind).toBe('micro');
    expect(pinned.value).toBe(micro);
    expect(pinned.reason).toContain("smile declares micro averaging (averaging: 'micro')");
    expect(pinned.reason).toContain("pins T's additive constant");
    expect(pinned.reason).toContain('ReMINE Algorithm 1');
  });

  it('without drift: micro ≈ macro ≈ I within 0.01', () => {
    const traces = driftingTraces(0);
    const { macro, micro } = windowAverages(traces, 1000, 'micro');
    expect(Math.abs(macro - trueMI), `macro ${macro}`).toBeLessThan(0.01);
    expect(Math.abs((micro as number) - trueMI), `micro ${micro}`).toBeLessThan(0.01);
    expect(Math.abs((micro as number) - macro)).toBeLessThan(0.005);
  });

  it('pools only DV-form batches of bounds that declare averaging; else the answer is the macro value', () => {
    const traces = driftingTraces(0, 20, 8);
    expect(windowAverages(traces, 20, undefined).micro).toBeUndefined();
    const plain = chooseEstimate(summaryOf(traces, undefined), { id: 'nwj' });
    expect(plain.kind).toBe('macro');
    expect(plain.reason).toContain('no DV form');
    // A batch whose estimate is not joint − logPartition breaks the pooling.
    traces.push({ estimate: 5, loss: -5, joint: 1, logPartition: 0, trueMI, ema: Number.NaN });
    expect(windowAverages(traces, 21, 'micro').micro).toBeUndefined();
    const broken = chooseEstimate(summaryOf(traces, 'micro'), { id: 'odd', averaging: 'micro' });
    expect(broken.kind).toBe('macro');
    expect(broken.reason).toContain('cannot be pooled');
    // Micro and macro use the same window: the last K batches.
    const last = windowAverages(traces, 1, 'macro');
    expect(last).toEqual({ macro: 5, micro: undefined, size: 1 });
  });
});

describe("train() reports the average the bound's averaging asks for", () => {
  const cases = [
    ['dv', 'macro', () => donskerVaradhan(), 'dv declares macro averaging'],
    ['smile (JS-trained)', 'micro', () => smile(), 'smile declares micro averaging'],
    ['infonce (no DV form)', 'macro', () => infoNCE(), 'no DV form'],
  ] as const;
  it.each(cases)('%s → %s', async (_name, kind, makeBound, reason) => {
    const critic = separableCritic({
      xFeatures: 2,
      yFeatures: 2,
      hiddenUnits: [8],
      embeddingSize: 4,
      seed: 21,
    });
    const result = await train({
      critic,
      bound: makeBound(),
      data: correlatedGaussian({ dimension: 2, mi: 0.5 }),
      steps: 12,
      batchSize: 8,
      seed: 21,
      windowSize: 6,
    });
    critic.dispose();
    expect(result.estimateKind).toBe(kind);
    expect(result.estimateReason).toContain(reason);
    expect(result.estimateReason).toContain('the last 6 batches');
    expect(result.estimate).toBe(
      kind === 'micro' ? result.estimates.micro : result.estimates.macro,
    );
  });
});

/**
 * A bound whose estimate at step k is k (a counter in its state), so the EMA can be checked by
 * hand. Its loss is 0·mean(S): connected to the critic, with zero gradients.
 */
function countingBound(): Bound {
  return createBound({
    id: 'counter',
    config: {},
    initialState: () => ({ count: tf.scalar(0) }),
    compute: ({ scores }, state) => {
      const count = state['count'] as tf.Scalar;
      return {
        loss: tf.mul(tf.mean(scores), 0),
        estimate: tf.clone(count),
        terms: { joint: tf.clone(count), logPartition: tf.scalar(0) },
        state: { count: tf.add(count, 1) },
      };
    },
  });
}

describe('EMA estimate', () => {
  it('follows ema₀ = e₀, emaₖ = d·emaₖ₋₁ + (1 − d)·eₖ on a known trace (eₖ = k)', async () => {
    // For eₖ = k: emaₖ = k − d(1 − dᵏ)/(1 − d). With d = 0.5 and k = 9: 9 − (1 − 2⁻⁹) = 8.001953125.
    const closedForm = (k: number, d: number) => k - (d * (1 - d ** k)) / (1 - d);
    expect(closedForm(9, 0.5)).toBe(8.001953125);
    for (const [decay, steps] of [
      [0.5, 10],
      [undefined, 30], // the default decay, 0.99
    ] as const) {
      const d = decay ?? 0.99;
      const before = tf.memory().numTensors;
      const critic = separableCritic({
        xFeatures: 2,
        yFeatures: 2,
        hiddenUnits: [4],
        embeddingSize: 2,
        seed: 22,
      });
      const result = await train({
        critic,
        bound: countingBound(),
        data: correlatedGaussian({ dimension: 2, mi: 0.5 }),
        steps,
        batchSize: 4,
        seed: 22,
        ...(decay === undefined ? {} : { emaDecay: decay }),
      });
      critic.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(result.traces.estimate)).toEqual(
        Array.from({ length: steps }, (_, k) => k),
      );
      expect(result.estimates.ema).toBeCloseTo(closedForm(steps - 1, d), 10);
      result.traces.ema.forEach((value, k) => {
        expect(value).toBeCloseTo(closedForm(k, d), 4);
      });
      // The default window is ⌈steps/2⌉ batches: the mean of the last half of 0 … steps − 1.
      const window = Math.ceil(steps / 2);
      expect(result.estimates.macro).toBeCloseTo(steps - 1 - (window - 1) / 2, 10);
    }
  });
});
