import { type AdamStepParameters, NativeAdamMoments } from '@mi/core';
import { InvalidArgumentError, InvalidStateError } from '@mi/spec';
import { expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// NativeAdamMoments (TensorFlow's ResourceApplyAdam on tfjs-node) against a float64 Adam written
// from Kingma & Ba's Algorithm 1: equal to float32 rounding, not bit for bit.

const onTensorflow = tf.getBackend() === 'tensorflow';

const hyper = { learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-3 } as const;

/** Step t's parameters (bias corrections 1 − βᵗ). */
const parameters = (t: number): AdamStepParameters => ({
  ...hyper,
  correction1: 1 - hyper.beta1 ** t,
  correction2: 1 - hyper.beta2 ** t,
});

/** Algorithm 1 in float64: m, v, θ updated in place for gradient g at step t. */
function referenceStep(
  state: { m: number[]; v: number[]; theta: number[] },
  g: readonly number[],
  t: number,
): void {
  const { learningRate, beta1, beta2, epsilon } = hyper;
  g.forEach((gi, i) => {
    state.m[i] = beta1 * (state.m[i] as number) + (1 - beta1) * gi;
    state.v[i] = beta2 * (state.v[i] as number) + (1 - beta2) * gi * gi;
    const mHat = (state.m[i] as number) / (1 - beta1 ** t);
    const vHat = (state.v[i] as number) / (1 - beta2 ** t);
    state.theta[i] =
      (state.theta[i] as number) - (learningRate * mHat) / (Math.sqrt(vHat) + epsilon);
  });
}

/** Seeded values in [−2, 2). */
function seeded(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * 4 - 2;
  });
}

/** A variable holding `initial`, which is then freed (the variable keeps its data). */
function variableOf(initial: tf.Tensor): tf.Variable {
  const variable = tf.variable(initial);
  initial.dispose();
  return variable;
}

const flatten = (ts: readonly tf.Tensor[]) => ts.flatMap((t) => Array.from(t.dataSync()));

function expectClose(actual: readonly number[], expected: readonly number[], tolerance: number) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((x, i) => {
    expect(Math.abs(x - (expected[i] as number))).toBeLessThan(tolerance);
  });
}

describe('NativeAdamMoments', () => {
  it.runIf(!onTensorflow)('is undefined off tfjs-node (the caller keeps TF.js variables)', () => {
    const w = variableOf(tf.zeros([3]));
    const m = tf.zeros([3]);
    expect(NativeAdamMoments.create(m, m, [w])).toBeUndefined();
    tf.dispose([w, m]);
  });

  it.runIf(onTensorflow)(
    'follows float64 Algorithm 1 over 10 steps, several variables through one flat state, a gradient missing at one step',
    async () => {
      const shapes = [[3, 4], [5], []];
      const variables = shapes.map((shape, k) =>
        variableOf(tf.tensor(seeded(tf.util.sizeFromShape(shape), k + 1), shape)),
      );
      const state = { m: [] as number[], v: [] as number[], theta: flatten(variables) };
      state.m = state.theta.map(() => 0);
      state.v = state.theta.map(() => 0);
      await expectNoTensorLeak(() => {
        const zeros = tf.zeros([state.theta.length]);
        const moments = NativeAdamMoments.create(zeros, zeros, variables) as NativeAdamMoments;
        zeros.dispose();
        expect(moments.entries).toBe(18);
        for (let t = 1; t <= 10; t++) {
          const gradients = variables.map((w, k) =>
            t === 4 && k === 1 ? null : tf.tensor(seeded(w.size, 100 * t + k), w.shape),
          );
          const g = gradients.flatMap((gk, k) =>
            gk === null
              ? Array((variables[k] as tf.Variable).size).fill(0)
              : Array.from(gk.dataSync()),
          );
          moments.update(variables, gradients, parameters(t));
          referenceStep(state, g, t);
          tf.dispose(gradients.filter((gk): gk is tf.Tensor => gk !== null));
        }
        expect(variables.map((w) => w.shape)).toEqual(shapes);
        // Float32 rounding over 10 steps on values up to 2: tf.train.adam is 3.8e-6 away here.
        expectClose(flatten(variables), state.theta, 1e-5);
        const { m, v } = moments.read();
        expectClose(Array.from(m.dataSync()), state.m, 1e-6);
        expectClose(Array.from(v.dataSync()), state.v, 1e-6);
        tf.dispose([m, v]);
        moments.dispose();
      });
      tf.dispose(variables);
    },
  );

  it.runIf(onTensorflow)(
    'updates one variable shaped as its moments in place, leaves tensors read before untouched, and reloads values assigned from elsewhere',
    () =>
      expectNoTensorLeak(() => {
        const w = variableOf(tf.tensor2d(seeded(6, 7), [2, 3]));
        const state = { m: Array(6).fill(0), v: Array(6).fill(0), theta: flatten([w]) };
        const m0 = tf.zeros([2, 3]);
        const moments = NativeAdamMoments.create(m0, m0, [w]) as NativeAdamMoments;
        m0.dispose();
        const g = tf.tensor2d(seeded(6, 8), [2, 3]);
        moments.update([w], [g], parameters(1));
        referenceStep(state, Array.from(g.dataSync()), 1);
        // The value the variable holds now shares TensorFlow's buffer: the next update must copy.
        const held = w.clone();
        const heldValues = Array.from(held.dataSync());
        moments.update([w], [g], parameters(2));
        referenceStep(state, Array.from(g.dataSync()), 2);
        expect(Array.from(held.dataSync())).toEqual(heldValues);
        expectClose(flatten([w]), state.theta, 1e-6);
        // A checkpoint restore assigns the variable: the next step starts from that value.
        const restored = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
        w.assign(restored);
        restored.dispose();
        state.theta = [1, 2, 3, 4, 5, 6];
        moments.update([w], [g], parameters(3));
        referenceStep(state, Array.from(g.dataSync()), 3);
        expectClose(flatten([w]), state.theta, 1e-6);
        moments.dispose();
        tf.dispose([w, g, held]);
      }),
  );

  it.runIf(onTensorflow)('starts from the moments it is given, copied', () =>
    expectNoTensorLeak(() => {
      const w = variableOf(tf.tensor1d([0.5, -1]));
      const m = tf.tensor1d([0.1, -0.2]);
      const v = tf.tensor1d([0.01, 0.04]);
      const moments = NativeAdamMoments.create(m, v, [w]) as NativeAdamMoments;
      const state = { m: [0.1, -0.2], v: [0.01, 0.04], theta: [0.5, -1] };
      const g = tf.tensor1d([0.3, 0.3]);
      moments.update([w], [g], parameters(5));
      referenceStep(state, [0.3, 0.3], 5);
      expectClose(flatten([w]), state.theta, 1e-6);
      // The inputs are not the state: their values did not move.
      expect(Array.from(m.dataSync())).toEqual([Math.fround(0.1), Math.fround(-0.2)]);
      moments.dispose();
      tf.dispose([w, m, v, g]);
    }),
  );

  it.runIf(onTensorflow)(
    'refuses variables or gradients unlike those it was made for, and use after dispose',
    () =>
      expectNoTensorLeak(() => {
        const w = variableOf(tf.zeros([2, 3]));
        const other = variableOf(tf.zeros([3, 2]));
        const m = tf.zeros([6]);
        const moments = NativeAdamMoments.create(m, m, [w]) as NativeAdamMoments;
        expect(moments.entries).toBe(6);
        const g = tf.ones([6]);
        expect(() => moments.update([other], [null], parameters(1))).toThrow(/variables shaped as/);
        expect(() => moments.update([w, w], [null, null], parameters(1))).toThrow(
          InvalidArgumentError,
        );
        expect(() => moments.update([w], [g], parameters(1))).toThrow(/gradients\[0\]/);
        expect(() => moments.update([w], [], parameters(1))).toThrow(/one entry per value/);
        moments.dispose();
        expect(() => moments.update([w], [null], parameters(1))).toThrow(InvalidStateError);
        expect(() => moments.read()).toThrow(/disposed/);
        tf.dispose([w, other, m, g]);
      }),
  );

  it.runIf(onTensorflow)('refuses moments of another size, naming them', () => {
    const w = variableOf(tf.zeros([4]));
    const m = tf.zeros([4]);
    const v = tf.zeros([3]);
    expect(() => NativeAdamMoments.create(m, v, [w])).toThrow(InvalidArgumentError);
    expect(() => NativeAdamMoments.create(m, v, [w])).toThrow(/\bv\b.*3/);
    tf.dispose([w, m, v]);
  });
});
