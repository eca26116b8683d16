import { ccmi, evaluateBound, infoNCE, tnce } from '@mi/bounds';
import { sampleGaussianLogRatio } from '@mi/bounds/testing';
import { type Bound, InvalidArgumentError } from '@mi/spec';
import { expectNoTensorLeakSync } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as reference from './reference';

// Invariants of the two baselines of ReMINE's Table 1 (CCMI, TNCE) beyond the reference values.

/** The estimate, loss and terms of `bound` on the scores `values` (row-major n × n). */
function evaluate(bound: Bound, values: Float32Array | number[][], n?: number) {
  return expectNoTensorLeakSync(() => {
    const scores = Array.isArray(values)
      ? tf.tensor2d(values)
      : tf.tensor2d(values, [n as number, n as number]);
    try {
      return evaluateBound(bound, { scores });
    } finally {
      scores.dispose();
    }
  });
}

/** `make()` throws an InvalidArgumentError of `functionName` naming `parameter` and its value. */
function expectInvalidArgument(
  make: () => unknown,
  functionName: string,
  parameter: string,
  received: unknown,
): void {
  let caught: unknown;
  try {
    make();
  } catch (error) {
    caught = error;
  }
  expect(InvalidArgumentError.isInstance(caught), String(caught)).toBe(true);
  const error = caught as InvalidArgumentError;
  expect(error.functionName).toBe(functionName);
  expect(error.parameter).toBe(parameter);
  expect(error.value).toEqual(received);
  expect(error.message).toContain(`'${parameter}'`);
}

// y = ρx + √(1 − ρ²)ε in one dimension with ρ = 0.8: I = −½ log(1 − ρ²) = 0.5108 nats.
const rho = 0.8;
const truth = -0.5 * Math.log(1 - rho * rho);
const sample = sampleGaussianLogRatio({ n: 512, dimension: 1, trueMI: truth, seed: 7 });
const logRatio = Float32Array.from(sample.logRatio);
/** log p(y_j | x_i) = log ratio + log p(y_j): the exact conditional of the sample. */
const logConditional = logRatio.map(
  (r, k) => r - 0.5 * Math.log(2 * Math.PI) - 0.5 * (sample.y[k % sample.n] as number) ** 2,
);

describe('ccmi', () => {
  const limit = Math.log((1 - 1e-5) / 1e-5);

  it('lands on the truth with the exact log-ratio critic (1-D Gaussian, ρ = 0.8, n = 512)', () => {
    const { estimate, terms } = evaluate(ccmi(), logRatio, sample.n);
    expect(Math.abs(estimate - truth), `estimate ${estimate}, truth ${truth}`).toBeLessThan(0.1);
    // The pooled identity that micro averaging relies on: estimate = joint − logPartition.
    expect(estimate).toBeCloseTo((terms['joint'] as number) - (terms['logPartition'] as number), 5);
    const S = Array.from({ length: sample.n }, (_, i) =>
      Array.from(logRatio.subarray(i * sample.n, (i + 1) * sample.n)),
    );
    // float32 sums over 512² entries against float64: a few 1e-5 apart.
    expect(Math.abs(estimate - reference.ccmiValue(S))).toBeLessThan(5e-4);
  });

  it('has its cross-entropy minimised by the log ratio: the objective pins the constant', () => {
    // DV is blind to T + δ; the classifier's cross-entropy is not, which is why CCMI declares
    // micro averaging.
    const at = (delta: number) =>
      evaluate(
        ccmi(),
        logRatio.map((r) => r + delta),
        sample.n,
      );
    const exact = at(0);
    for (const delta of [-0.5, 0.5]) {
      const shifted = at(delta);
      expect(shifted.terms['crossEntropy']).toBeGreaterThan(exact.terms['crossEntropy'] as number);
      expect(shifted.estimate).toBeCloseTo(exact.estimate, 4);
    }
    expect(ccmi().averaging).toBe('micro');
  });

  it('bounds every ratio: scores beyond ±log((1 − τ)/τ) change nothing, the estimate ≤ 2 log((1 − τ)/τ)', () => {
    const base = [
      [2, 0.5, -1],
      [0.3, 1, 0.2],
      [-0.4, 0.1, 3],
    ];
    const inside = evaluate(ccmi(), base).estimate;
    // Push scores far past the clip: a joint pair to +40, a product pair to +40 and one to −40.
    const outside = base.map((row) => [...row]);
    outside[0]![0] = 40;
    outside[1]![2] = 40;
    outside[2]![0] = -40;
    const clippedByHand = base.map((row) => [...row]);
    clippedByHand[0]![0] = limit;
    clippedByHand[1]![2] = limit;
    clippedByHand[2]![0] = -limit;
    const pushed = evaluate(ccmi(), outside).estimate;
    expect(pushed).toBeCloseTo(evaluate(ccmi({ tau: 0 }), clippedByHand).estimate, 4);
    expect(pushed).not.toBeCloseTo(inside, 1);
    const further = outside.map((row) => row.map((v) => (Math.abs(v) === 40 ? 10 * v : v)));
    expect(evaluate(ccmi(), further).estimate).toBe(pushed);
    // A perfect separation saturates both terms: the estimate is exactly the ceiling 2c.
    const separated = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? 1e4 : -1e4)));
    const saturated = evaluate(ccmi(), separated);
    expect(saturated.estimate).toBeCloseTo(2 * limit, 3);
    expect(saturated.estimate).toBeLessThanOrEqual((ccmi().ceiling(3) as number) + 1e-4);
    expect(Number.isFinite(saturated.loss)).toBe(true);
    // Without clipping the same scores give 2e4 nats: the clip is what bounds the ratio.
    expect(evaluate(ccmi({ tau: 0 }), separated).estimate).toBeGreaterThan(1e4);
  });

  it('rejects bad options with InvalidArgumentError naming the option and the value', () => {
    const cases: [() => unknown, string, unknown][] = [
      [() => ccmi({ tau: 0.7 }), 'tau', 0.7],
      [() => ccmi({ tau: Number.NaN }), 'tau', Number.NaN],
      [() => ccmi({ tau: Number.POSITIVE_INFINITY }), 'tau', Number.POSITIVE_INFINITY],
      [() => ccmi({ tau: null as never }), 'tau', null],
      [() => ccmi({ taus: 0.1 } as never), 'taus', 0.1],
      [() => ccmi('tau=0.1' as never), 'options', 'tau=0.1'],
    ];
    for (const [make, parameter, received] of cases) {
      expectInvalidArgument(make, 'ccmi', parameter, received);
    }
  });
});

describe('tnce', () => {
  it('is InfoNCE over columns: the same value as infoNCE({ direction: "columns" })', () => {
    const S = [
      [1, -2, 0.5, 3],
      [0, 2, -1, 1],
      [4, 0.5, 1, -3],
      [-1, 1, 2, 0],
    ];
    const tnceValue = evaluate(tnce(), S);
    const columns = evaluate(infoNCE({ direction: 'columns' }), S);
    expect(tnceValue.estimate).toBe(columns.estimate);
    expect(tnceValue.loss).toBe(columns.loss);
    expect(tnceValue.estimate).not.toBeCloseTo(evaluate(infoNCE(), S).estimate, 2);
    expect(tnce().averaging).toBeUndefined();
  });

  it('gives the exact conditional log p(y | x) the value of the log ratio; rows-InfoNCE does not', () => {
    // Along columns a critic may be off by any function of y: log p(y | x) = log ratio + log p(y).
    const conditional = evaluate(tnce(), logConditional, sample.n).estimate;
    const ratio = evaluate(tnce(), logRatio, sample.n).estimate;
    expect(conditional).toBeCloseTo(ratio, 3);
    expect(Math.abs(conditional - truth), `estimate ${conditional}`).toBeLessThan(0.1);
    expect(conditional).toBeLessThanOrEqual(Math.log(sample.n));
    // Normalised along rows the log p(y_j) term no longer cancels, and the estimate falls.
    const rows = evaluate(infoNCE(), logConditional, sample.n).estimate;
    expect(rows).toBeLessThan(conditional - 0.1);
  });

  it('takes no options: any key is an InvalidArgumentError naming it', () => {
    expectInvalidArgument(() => tnce({ direction: 'rows' } as never), 'tnce', 'direction', 'rows');
    expect(tnce().config).toEqual({});
  });
});
