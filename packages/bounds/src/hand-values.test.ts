import {
  ccmi,
  ccmiPlugin,
  createBoundRegistry,
  donskerVaradhan,
  donskerVaradhanPlugin,
  evaluateBound,
  infoNCE,
  infoNCEPlugin,
  interpolated,
  interpolatedPlugin,
  jensenShannonPlugin,
  mine,
  minee,
  type minePlugin,
  nwj,
  nwjPlugin,
  reinfoncePlugin,
  rejsPlugin,
  remine,
  remineJointPlugin,
  reminePlugin,
  renwjPlugin,
  resmilePlugin,
  retubaPlugin,
  smile,
  smileDvPlugin,
  smilePlugin,
  tncePlugin,
  tuba,
  tubaPlugin,
} from '@mi/bounds';
import { expectAllClose } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// A fixed 3 × 3 score matrix; everything below is computed by hand in float64.
const S = [
  [1.0, 0.5, -0.3],
  [0.2, 2.0, 0.1],
  [-0.4, 0.3, 1.5],
];
const n = 3;
const joint = (1.0 + 2.0 + 1.5) / 3;
const off = [0.5, -0.3, 0.2, 0.1, -0.4, 0.3];
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const logMeanExp = (v: number[]) => Math.log(mean(v.map(Math.exp)));
const logSumExp = (v: number[]) => Math.log(v.map(Math.exp).reduce((a, b) => a + b, 0));
const softplus = (v: number) => Math.log1p(Math.exp(v));

let scores: tf.Tensor2D;
let before: number;
beforeEach(() => {
  before = tf.memory().numTensors;
  scores = tf.tensor2d(S);
});
afterEach(() => {
  scores.dispose();
  expect(tf.memory().numTensors).toBe(before);
});

function value(
  plugin: { create(o?: never): ReturnType<typeof nwjPlugin.create> },
  options?: unknown,
) {
  const result = evaluateBound(plugin.create(options as never), { scores });
  tf.dispose(Object.values(result.state));
  return result;
}

describe('hand-computed values on a 3 × 3 score matrix', () => {
  const dv = joint - logMeanExp(off);
  it('dv', () => {
    const r = value(donskerVaradhanPlugin);
    expect(r.estimate).toBeCloseTo(dv, 5);
    expect(r.loss).toBeCloseTo(-dv, 5);
    expect(r.terms['joint']).toBeCloseTo(joint, 6);
    expect(r.terms['logPartition']).toBeCloseTo(logMeanExp(off), 5);
  });

  // NWJ(T) = E_d[T] − e^{−1} E_o[e^T]
  const nwjValue = joint - Math.exp(-1) * mean(off.map(Math.exp));
  it('nwj and its alias mine-f', () => {
    const expected = nwjValue;
    expect(value(nwjPlugin).estimate).toBeCloseTo(expected, 5);
    expect(value(createBoundRegistry().get('mine-f')).estimate).toBeCloseTo(expected, 5);
  });

  it('tuba with a constant and a learned baseline', () => {
    expect(value(tubaPlugin).estimate).toBeCloseTo(1 + joint - mean(off.map(Math.exp)), 5);
    // log a = 1 turns TUBA into NWJ: 1 + E_d[T − 1] − E_o[e^{T−1}].
    expect(value(tubaPlugin, { logBaseline: 1 }).estimate).toBeCloseTo(nwjValue, 5);
    const la = [0.1, -0.2, 0.3];
    const expected =
      1 +
      mean([0, 1, 2].map((i) => (S[i]![i] as number) - (la[i] as number))) -
      mean(
        [0, 1, 2].flatMap((i) =>
          [0, 1, 2]
            .filter((j) => j !== i)
            .map((j) => Math.exp((S[i]![j] as number) - (la[j] as number))),
        ),
      );
    const logBaseline = tf.tensor1d(la);
    const r = evaluateBound(tuba({ logBaseline: 'learned' }), { scores, logBaseline });
    expect(r.estimate).toBeCloseTo(expected, 5);
    logBaseline.dispose();
  });

  it('infonce in each direction, with its ceiling log n', () => {
    const rows = Math.log(n) + mean(S.map((row, i) => (row[i] as number) - logSumExp(row)));
    const columnsOf = (j: number) => S.map((row) => row[j] as number);
    const columns =
      Math.log(n) + mean([0, 1, 2].map((j) => (S[j]![j] as number) - logSumExp(columnsOf(j))));
    expect(value(infoNCEPlugin).estimate).toBeCloseTo(rows, 5);
    expect(value(infoNCEPlugin, { direction: 'columns' }).estimate).toBeCloseTo(columns, 5);
    expect(value(infoNCEPlugin, { direction: 'symmetric' }).estimate).toBeCloseTo(
      (rows + columns) / 2,
      5,
    );
    expect(infoNCE().ceiling(64)).toBeCloseTo(Math.log(64), 10);
  });

  it('js reports NWJ of T (or of T + 1) and carries the JS objective', () => {
    const r = value(jensenShannonPlugin);
    expect(r.estimate).toBeCloseTo(nwjValue, 5);
    const objective = mean([1.0, 2.0, 1.5].map((t) => -softplus(-t))) - mean(off.map(softplus));
    expect(r.terms['jsObjective']).toBeCloseTo(objective, 5);
    // The loss value is −estimate; its gradient is −∇J (checked in reference.test.ts).
    expect(r.loss).toBeCloseTo(-nwjValue, 5);
    const shifted = value(jensenShannonPlugin, { readout: 'nwj-shifted' });
    expect(shifted.estimate).toBeCloseTo(joint + 1 - mean(off.map(Math.exp)), 5);
    expect(shifted.loss).toBeCloseTo(-(joint + 1 - mean(off.map(Math.exp))), 5);
  });

  it('smile clips the partition term, not the joint term; smile-dv has the same value', () => {
    const tau = 0.25;
    const clipped = off.map((v) => Math.min(tau, Math.max(-tau, v)));
    expect(clipped).toEqual([0.25, -0.25, 0.2, 0.1, -0.25, 0.25]);
    const expected = joint - logMeanExp(clipped);
    expect(value(smilePlugin, { tau }).estimate).toBeCloseTo(expected, 5);
    expect(value(smileDvPlugin, { tau }).estimate).toBeCloseTo(expected, 5);
    expect(value(smilePlugin, { tau: Number.POSITIVE_INFINITY }).estimate).toBeCloseTo(dv, 5);
  });

  it('ccmi: the classifier probabilities clipped to [τ, 1 − τ], read out with DV', () => {
    // τ = 1/4: p = σ(S) is clipped to [1/4, 3/4], so every ratio p/(1 − p) is in [1/3, 3].
    // Diagonal: σ(1) = 0.731 stays (ratio e^1); σ(2) = 0.881 and σ(1.5) = 0.818 clip to 3/4
    // (ratio 3). Off the diagonal σ(S_ij) ∈ [0.40, 0.63] stays: the ratio is e^{S_ij}.
    const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
    expect(sigmoid(2)).toBeGreaterThan(0.75);
    expect(sigmoid(1.5)).toBeGreaterThan(0.75);
    expect(sigmoid(1)).toBeLessThan(0.75);
    const jointTerm = (1 + 2 * Math.log(3)) / 3;
    const expected = jointTerm - logMeanExp(off);
    const r = value(ccmiPlugin, { tau: 0.25 });
    expect(r.estimate).toBeCloseTo(expected, 5);
    expect(r.terms['joint']).toBeCloseTo(jointTerm, 5);
    expect(r.terms['logPartition']).toBeCloseTo(logMeanExp(off), 5);
    // Balanced cross-entropy: labels 1 on the diagonal, 0 off it, each class weighted 1/2.
    const crossEntropy =
      0.5 * mean([1.0, 2.0, 1.5].map((t) => softplus(-t))) + 0.5 * mean(off.map(softplus));
    expect(r.terms['crossEntropy']).toBeCloseTo(crossEntropy, 5);
    expect(r.loss).toBeCloseTo(-expected, 5);
    // The default τ = 1e-5 clips at ±11.5 nats: nothing here, so the value is DV's.
    expect(value(ccmiPlugin).estimate).toBeCloseTo(joint - logMeanExp(off), 5);
    expect(ccmi({ tau: 0.25 }).ceiling(n)).toBeCloseTo(2 * Math.log(3), 10);
    expect(ccmi().ceiling(64)).toBeCloseTo(2 * Math.log((1 - 1e-5) / 1e-5), 8);
    expect(ccmi({ tau: 0 }).ceiling(64)).toBeUndefined();
  });

  it('ccmi: the loss carries the gradient of the cross-entropy, not of the estimate', () => {
    // ∂BCE/∂S_ii = −(1 − σ(S_ii))/(2n), ∂BCE/∂S_ij = σ(S_ij)/(2n(n − 1)).
    const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
    const bound = ccmi({ tau: 0.25 });
    const gradient = tf.grad((s) => bound.compute({ scores: s as tf.Tensor2D }, {}).loss)(scores);
    const expected = S.flatMap((row, i) =>
      row.map((t, j) => (i === j ? -(1 - sigmoid(t)) / (2 * n) : sigmoid(t) / (2 * n * (n - 1)))),
    );
    expectAllClose(gradient, expected, { atol: 1e-6, rtol: 1e-5 });
    gradient.dispose();
  });

  it('tnce is InfoNCE normalised over x for each y (columns), with the ceiling log n', () => {
    // S_ij = log q(y_j | x_i): for each y_j, q(y_j | x_j) over the batch mixture of q(y_j | x_i).
    const column = (j: number) => S.map((row) => row[j] as number);
    const expected = mean([0, 1, 2].map((j) => (S[j]![j] as number) - logMeanExp(column(j))));
    const r = value(tncePlugin);
    expect(r.estimate).toBeCloseTo(expected, 5);
    expect(r.loss).toBeCloseTo(-expected, 5);
    expect(r.terms['logPartition']).toBeCloseTo(
      mean([0, 1, 2].map((j) => logMeanExp(column(j)))),
      5,
    );
    expect(tncePlugin.create().ceiling(64)).toBeCloseTo(Math.log(64), 10);
  });

  it('interpolated (I_α) with the leave-one-out baseline, against the definition', () => {
    const alpha = 0.3;
    // b(x_i, y_j) = log(α · mean_{k≠i} e^{S_kj} + (1 − α) · q), q = 1
    const b = (i: number, j: number) =>
      Math.log(
        alpha * mean([0, 1, 2].filter((k) => k !== i).map((k) => Math.exp(S[k]![j] as number))) +
          (1 - alpha),
      );
    const pairs = [0, 1, 2].flatMap((i) =>
      [0, 1, 2].filter((j) => j !== i).map((j) => [i, j] as const),
    );
    const jointPart = mean(pairs.map(([i, j]) => (S[j]![j] as number) - b(i, j)));
    const marginalPart = mean(pairs.map(([i, j]) => Math.exp((S[i]![j] as number) - b(j, j))));
    const r = value(interpolatedPlugin, { alpha });
    expect(r.estimate).toBeCloseTo(1 + jointPart - marginalPart, 4);
    expect(interpolated({ alpha }).ceiling(n)).toBeCloseTo(
      1 + Math.log(n - 1) - Math.log(alpha),
      10,
    );
  });

  it('remine (l2 and l1), remine-j and the regularised family', () => {
    const L = logMeanExp(off);
    const r = value(reminePlugin);
    expect(r.estimate).toBeCloseTo(dv, 5);
    expect(r.loss).toBeCloseTo(-dv + L * L, 5);
    expect(r.terms['regularizer']).toBeCloseTo(L * L, 5);
    const l1 = value(reminePlugin, { distance: 'l1', lambda: 0.5, target: 0.2 });
    expect(l1.loss).toBeCloseTo(-dv + 0.5 * Math.abs(L - 0.2), 5);
    const joined = value(remineJointPlugin, { target: 0.2 });
    expect(joined.estimate).toBeCloseTo(joint - 0.2, 5);
    expect(joined.loss).toBeCloseTo(-dv + (L - 0.2) ** 2, 5);
    // With the log-Euclidean distance the target is linear: E_d[T] − log C.
    const logJoined = value(remineJointPlugin, { distance: 'log-euclidean', target: 2 });
    expect(logJoined.estimate).toBeCloseTo(joint - Math.log(2), 5);
    expect(logJoined.loss).toBeCloseTo(-dv + (L - Math.log(2)) ** 2, 5);
    // ReNWJ: −NWJ + (log E_Q[e^{T − 1}])²; the ±10 clip of its partition term does not bite here.
    const renwjValue = value(renwjPlugin);
    expect(renwjValue.estimate).toBeCloseTo(nwjValue, 5);
    expect(renwjValue.loss).toBeCloseTo(-nwjValue + (L - 1) ** 2, 5);
    const reinfonceValue = value(reinfoncePlugin);
    const rowPartition = mean(S.map((row) => logSumExp(row) - Math.log(n)));
    const rows = mean(S.map((row, i) => (row[i] as number) - logSumExp(row))) + Math.log(n);
    expect(reinfonceValue.loss).toBeCloseTo(-rows + rowPartition ** 2, 5);
    expect(value(resmilePlugin).terms['regularizer']).toBeCloseTo(L * L, 5);
    expect(value(retubaPlugin).terms['regularizer']).toBeCloseTo(L * L, 5);
    // ReJS: the NWJ readout's partition term E_Q[e^{T−1}], log-Euclidean distance to 1 (Eq. 11).
    const nwjPartition = mean(off.map((v) => Math.exp(v - 1)));
    const rejsValue = value(rejsPlugin);
    expect(rejsValue.terms['logPartition']).toBeCloseTo(Math.log(nwjPartition), 5);
    expect(rejsValue.terms['regularizer']).toBeCloseTo(Math.log(nwjPartition) ** 2, 5);
    expect(rejsValue.loss).toBeCloseTo(-nwjValue + Math.log(nwjPartition) ** 2, 5);
    const shiftedPartition = mean(off.map(Math.exp));
    expect(value(rejsPlugin, { readout: 'nwj-shifted' }).terms['regularizer']).toBeCloseTo(
      Math.log(shiftedPartition) ** 2,
      5,
    );
    // Eq. 11 with the Euclidean distance on the partition term itself: λ(E_Q[e^{T−1}] − 1)².
    const linear = value(rejsPlugin, { distance: 'linear-l2' });
    expect(linear.terms['regularizer']).toBeCloseTo((nwjPartition - 1) ** 2, 5);
    expect(linear.loss).toBeCloseTo(-nwjValue + (nwjPartition - 1) ** 2, 5);
    expect(
      value(rejsPlugin, { readout: 'nwj-shifted', distance: 'linear-l2' }).terms['regularizer'],
    ).toBeCloseTo((shiftedPartition - 1) ** 2, 5);
    // The DV-family reading, λ(log E_Q[e^T])², is l2 with C = s − 1 on log E_Q[e^{T+s−1}]: C = −1
    // for readout 'nwj', 0 for 'nwj-shifted'.
    expect(value(rejsPlugin, { distance: 'l2', target: -1 }).terms['regularizer']).toBeCloseTo(
      L * L,
      5,
    );
    const shiftedDv = value(rejsPlugin, { readout: 'nwj-shifted', distance: 'l2', target: 0 });
    expect(shiftedDv.terms['regularizer']).toBeCloseTo(L * L, 5);
    // A named distance brings its own default target, not the plugin's: C = 0 for l2 and l1.
    expect(rejsPlugin.create({ distance: 'l2' }).config['target']).toBe(0);
    expect(rejsPlugin.create({ distance: 'l1' }).config['target']).toBe(0);
    expect(renwjPlugin.create({ distance: 'l2' }).config['target']).toBe(0);
    expect(reminePlugin.create({ distance: 'linear-l2' }).config['target']).toBe(1);
    expect(value(rejsPlugin, { distance: 'l2' }).terms['regularizer']).toBeCloseTo((L - 1) ** 2, 5);
    // linear-l2 on a DV bound: λ(E_Q[e^T] − C)²; remine-j reports E_d[T] − log C.
    const linearJoined = value(remineJointPlugin, { distance: 'linear-l2', target: 2 });
    expect(linearJoined.loss).toBeCloseTo(-dv + (Math.exp(L) - 2) ** 2, 5);
    expect(linearJoined.estimate).toBeCloseTo(joint - Math.log(2), 5);
  });
});

describe('mine over three steps', () => {
  const batches = [
    S,
    S.map((row) => row.map((v) => v + 0.5)),
    S.map((row) => row.map((v) => v * 2)),
  ];
  const batchMean = (m: number[][]) =>
    mean(
      [0, 1, 2].flatMap((i) =>
        [0, 1, 2].filter((j) => j !== i).map((j) => Math.exp(m[i]![j] as number)),
      ),
    );

  function run(options: Parameters<typeof minePlugin.create>[0]) {
    const bound = mine(options);
    let state = bound.initialState();
    const seen: { logAverage: number; steps: number; gradient: Float32Array; estimate: number }[] =
      [];
    for (const batch of batches) {
      const s = tf.tensor2d(batch);
      const gradient = tf.grad((x) => bound.compute({ scores: x as tf.Tensor2D }, state).loss)(s);
      const out = bound.compute({ scores: s }, state);
      tf.dispose(Object.values(state));
      state = out.state;
      seen.push({
        logAverage: state['logAverage']!.dataSync()[0] as number,
        steps: state['steps']!.dataSync()[0] as number,
        gradient: gradient.dataSync() as Float32Array,
        estimate: out.estimate.dataSync()[0] as number,
      });
      tf.dispose([s, gradient, out.loss, out.estimate, ...Object.values(out.terms)]);
    }
    tf.dispose(Object.values(state));
    return seen;
  }

  it('starts the average at the first batch, then blends with weight decay, and divides the gradient by it', () => {
    const decay = 0.5;
    const seen = run({ decay });
    const b = batches.map(batchMean);
    const averages = [
      b[0]!,
      0.5 * b[0]! + 0.5 * b[1]!,
      0.5 * (0.5 * b[0]! + 0.5 * b[1]!) + 0.5 * b[2]!,
    ];
    for (let t = 0; t < 3; t++) {
      expect(seen[t]!.steps).toBe(t + 1);
      expect(seen[t]!.logAverage).toBeCloseTo(Math.log(averages[t]!), 5);
      // The value is the plain DV value of the batch.
      const m = batches[t]!;
      const offValues = [0, 1, 2].flatMap((i) =>
        [0, 1, 2].filter((j) => j !== i).map((j) => m[i]![j] as number),
      );
      expect(seen[t]!.estimate).toBeCloseTo(
        mean([m[0]![0]!, m[1]![1]!, m[2]![2]!]) - logMeanExp(offValues),
        5,
      );
      // ∂loss/∂S_ii = −1/n; ∂loss/∂S_ij = e^{S_ij} / (n(n−1) · ma_t).
      const expected = [0, 1, 2].flatMap((i) =>
        [0, 1, 2].map((j) =>
          i === j ? -1 / 3 : Math.exp(m[i]![j] as number) / (6 * averages[t]!),
        ),
      );
      expectAllClose(seen[t]!.gradient, expected, { atol: 1e-5, rtol: 1e-4 });
    }
  });

  it('debiases an average started at zero, and honours an initial value and a clamp', () => {
    const decay = 0.25;
    const b = batches.map(batchMean);
    const debiased = run({ decay, debias: true });
    // ma_1 = decay · b_1; the gradient uses ma_1 / (1 − (1 − decay)) = b_1.
    expect(debiased[0]!.logAverage).toBeCloseTo(Math.log(decay * b[0]!), 5);
    const firstGradient = Math.exp(0.5) / (6 * b[0]!); // entry (0, 1)
    expect(debiased[0]!.gradient[1]).toBeCloseTo(firstGradient, 5);
    const initial = run({ decay, initial: 2 });
    expect(initial[0]!.logAverage).toBeCloseTo(Math.log(0.75 * 2 + 0.25 * b[0]!), 5);
    const clamped = run({ decay, initial: 2, clamp: { max: 1.5 } });
    expect(clamped[0]!.gradient[1]).toBeCloseTo(Math.exp(0.5) / (6 * 1.5), 5);
  });

  it('stays finite when a batch partition is ~100 nats above a lagging average (ratio capped at e^30)', () => {
    // ma = 1 (log 0) from the initial value; every off-diagonal score is 100, so
    // E_Q[e^T] / ma = e^{100}: uncapped, e^{100} overflows float32 and the loss is ∞ − ∞ = NaN.
    // A decay of 1e-40 keeps the blended average near 1 even with this batch in it.
    const bound = mine({ decay: 1e-40, initial: 1 });
    const state = bound.initialState();
    const scores = tf.tensor2d([
      [101, 100, 100],
      [100, 102, 100],
      [100, 100, 103],
    ]);
    const gradient = tf.tidy(() =>
      tf.grad((x) => bound.compute({ scores: x as tf.Tensor2D }, state).loss)(scores),
    );
    const out = bound.compute({ scores }, state);
    // The value is the exact DV value: mean diagonal 102 − log mean e^{100} = 2.
    expect(out.loss.dataSync()[0]).toBeCloseTo(-2, 4);
    expect(out.estimate.dataSync()[0]).toBeCloseTo(2, 4);
    // Off-diagonal gradient: (e^{S_ij} / (n(n−1)·E_Q e^T)) · min(E_Q e^T / ma, e^{30}) = e^{30} / 6.
    const g = gradient.dataSync();
    expect(g[1]! / (Math.exp(30) / 6)).toBeCloseTo(1, 4);
    expect(g[0]).toBeCloseTo(-1 / 3, 6);
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    tf.dispose([scores, gradient, out.loss, out.estimate, ...Object.values(out.terms)]);
    tf.dispose([...Object.values(out.state), ...Object.values(state)]);
  });
});

describe('minee', () => {
  it('subtracts the two marginal divergences from the joint one', () => {
    const t = (v: number[]) => tf.tensor1d(v);
    const entropic = {
      jointData: t([1, 2]),
      jointReference: t([0, 1, -1, 0.5]),
      xData: t([0.5, 0.1]),
      xReference: t([0, 0.2, 0.1, -0.3]),
      yData: t([0.3, 0.4]),
      yReference: t([0.1, 0, -0.2, 0.2]),
    };
    const D = (data: number[], reference: number[]) => mean(data) - logMeanExp(reference);
    const dJoint = D([1, 2], [0, 1, -1, 0.5]);
    const dX = D([0.5, 0.1], [0, 0.2, 0.1, -0.3]);
    const dY = D([0.3, 0.4], [0.1, 0, -0.2, 0.2]);
    const r = evaluateBound(minee(), { entropic });
    expect(r.estimate).toBeCloseTo(dJoint - dX - dY, 5);
    expect(r.loss).toBeCloseTo(-(dJoint + dX + dY), 5);
    tf.dispose(Object.values(entropic));
  });
});

describe('numerics at the edges', () => {
  it('gives finite DV/InfoNCE/SMILE values at ±1e4 and a typed error where NWJ overflows', () => {
    const big = tf.tensor2d([
      [1e4, -1e4, 1e4],
      [1e4, -1e4, -1e4],
      [-1e4, 1e4, 1e4],
    ]);
    const dvValue = evaluateBound(donskerVaradhan(), { scores: big });
    // joint = (1e4 − 1e4 + 1e4)/3; partition: three of six off-diagonal entries are 1e4.
    expect(dvValue.estimate).toBeCloseTo(1e4 / 3 - (1e4 + Math.log(3 / 6)), 0);
    expect(Number.isFinite(evaluateBound(infoNCE(), { scores: big }).estimate)).toBe(true);
    expect(evaluateBound(smile({ tau: 5 }), { scores: big }).estimate).toBeCloseTo(
      1e4 / 3 - logMeanExp([-5, 5, 5, -5, -5, 5]),
      1,
    );
    expect(() => evaluateBound(nwj(), { scores: big })).toThrow(
      'nwj: estimate is -Infinity (the bound overflows float32 for these scores)',
    );
    big.dispose();
  });
});

describe('option and input validation', () => {
  it.each([
    [() => smile({ tau: 0 }), "smile: invalid option 'tau': expected a number > 0, received 0"],
    [() => smile({ tau: -1 }), "smile: invalid option 'tau': expected a number > 0, received -1"],
    [
      () => interpolated({ alpha: 1 }),
      "interpolated: invalid option 'alpha': expected a number in (0, 1), received 1",
    ],
    [
      () => interpolated({ alpha: 0 }),
      "interpolated: invalid option 'alpha': expected a number in (0, 1), received 0",
    ],
    [
      () => remine({ lambda: -0.1 }),
      "remine: invalid option 'lambda': expected a number >= 0, received -0.1",
    ],
    [
      () => remine({ distance: 'l3' as never }),
      "remine: invalid option 'distance': expected one of 'l2', 'l1', 'log-euclidean', 'linear-l2', received \"l3\"",
    ],
    [
      () => rejsPlugin.create({ target: 0 }),
      "rejs: invalid option 'target': expected a number > 0, received 0",
    ],
    [
      () => mine({ decay: 1.5 }),
      "mine: invalid option 'decay': expected a number in (0, 1], received 1.5",
    ],
    [
      () => mine({ initial: -1 }),
      "mine: invalid option 'initial': expected a number > 0, received -1",
    ],
    [
      () => infoNCE({ direction: 'diagonal' as never }),
      "infonce: invalid option 'direction': expected one of 'rows', 'columns', 'symmetric', received \"diagonal\"",
    ],
    [
      () => remine({ lamda: 1 } as never),
      "remine: unknown option 'lamda'; known options: marginals, distance, lambda, target",
    ],
    [
      () => ccmi({ tau: 0.5 }),
      "ccmi: invalid option 'tau': expected a number in [0, 0.5), received 0.5",
    ],
    [
      () => ccmi({ tau: -1e-3 }),
      "ccmi: invalid option 'tau': expected a number in [0, 0.5), received -0.001",
    ],
    [
      () => ccmi({ tau: '1e-5' as never }),
      'ccmi: invalid option \'tau\': expected a number in [0, 0.5), received "1e-5"',
    ],
    [() => ccmi({ clip: 5 } as never), "ccmi: unknown option 'clip'; known options: tau"],
    [
      () => tncePlugin.create({ direction: 'rows' } as never),
      "tnce: unknown option 'direction'; known options: (none)",
    ],
    [
      () => tuba({ logBaseline: Number.NaN }),
      "tuba: invalid option 'logBaseline': expected a finite number, received NaN",
    ],
  ])('%#: rejects bad options with a typed error', (make, message) => {
    expect(make).toThrow(message);
  });

  it('rejects score matrices that are not square n × n with n ≥ 2, and missing inputs', () => {
    const bound = nwj();
    const rectangular = tf.zeros([2, 3]) as tf.Tensor2D;
    const single = tf.zeros([1, 1]) as tf.Tensor2D;
    const vector = tf.zeros([4]) as unknown as tf.Tensor2D;
    expect(() => bound.compute({ scores: rectangular }, {})).toThrow(
      "nwj.compute: argument 'scores' has shape [2, 3], expected [2, 2] (a square n × n score matrix with n >= 2)",
    );
    expect(() => bound.compute({ scores: single }, {})).toThrow(
      "argument 'scores' has shape [1, 1], expected [2, 2]",
    );
    expect(() => bound.compute({ scores: vector }, {})).toThrow(
      "argument 'scores' has shape [4], expected [*, *]",
    );
    expect(() => tuba({ logBaseline: 'learned' }).compute({ scores }, {})).toThrow(
      "tuba.compute: invalid option 'inputs.logBaseline': expected a length-n tensor of log a(y_j), the learned baseline, received undefined",
    );
    expect(() => mine().compute({ scores }, {})).toThrow("mine.compute: invalid option 'state'");
    tf.dispose([rectangular, single, vector]);
  });
});
