import { expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FlatAdamOptimizer } from './flat-adam';

/** A quadratic loss over three variables of different shapes. */
function problem(seed: number) {
  const a = tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', seed));
  const b = tf.variable(tf.randomNormal([4], 0, 1, 'float32', seed + 1));
  const c = tf.variable(tf.scalar(0.5));
  const loss = () =>
    tf.add(
      tf.sum(tf.square(tf.sub(a, 1))),
      tf.add(tf.sum(tf.mul(b, b)), tf.mul(c, c)),
    ) as tf.Scalar;
  return { variables: [a, b, c], loss };
}

describe('FlatAdamOptimizer', () => {
  it('moves every weight exactly as tf.train.adam does, bit for bit, over 20 steps', async () => {
    const flat = problem(1);
    const stock = problem(1);
    await expectNoTensorLeak(async () => {
      const ours = new FlatAdamOptimizer(0.01, 0.9, 0.999, 1e-8);
      const theirs = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
      for (let step = 0; step < 20; step++) {
        const g1 = tf.variableGrads(flat.loss, flat.variables);
        ours.applyGradients(g1.grads);
        tf.dispose([g1.value, ...Object.values(g1.grads)]);
        const g2 = tf.variableGrads(stock.loss, stock.variables);
        theirs.applyGradients(Object.entries(g2.grads).map(([name, tensor]) => ({ name, tensor })));
        tf.dispose([g2.value, ...Object.values(g2.grads)]);
      }
      flat.variables.forEach((v, k) => {
        expect(Array.from(v.dataSync())).toEqual(Array.from(stock.variables[k]!.dataSync()));
      });
      ours.dispose();
      theirs.dispose();
    });
    tf.dispose([...flat.variables, ...stock.variables]);
  });

  it('takes one hand-computed step: θ − lr · ĝ/(|ĝ| + ε) = θ − lr · sign(g) on the first step', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const optimizer = new FlatAdamOptimizer(0.1, 0.9, 0.999, 1e-8);
    // Loss Σ w²: g = 2w; m̂ = g, v̂ = g², so the step is 0.1·g/(|g| + 1e-8).
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(w)) as tf.Scalar, [w]);
    optimizer.applyGradients(grads);
    const moved = Array.from(w.dataSync());
    [1, -2, 3].forEach((start, k) => {
      const g = 2 * start;
      // float32: 1 − β₂ and the bias corrections round at ~1e-7 relative.
      expect(moved[k]).toBeCloseTo(start - (0.1 * g) / (Math.abs(g) + 1e-8), 5);
    });
    tf.dispose([value, ...Object.values(grads), w]);
    optimizer.dispose();
  });

  it('resumes from getWeights/setWeights bit for bit', async () => {
    const straight = problem(3);
    const resumed = problem(3);
    const run = (p: ReturnType<typeof problem>, o: tf.Optimizer, steps: number) => {
      for (let k = 0; k < steps; k++) {
        const { value, grads } = tf.variableGrads(p.loss, p.variables);
        o.applyGradients(grads);
        tf.dispose([value, ...Object.values(grads)]);
      }
    };
    const a = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8);
    run(straight, a, 10);
    const first = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8);
    run(resumed, first, 4);
    const saved = (await first.getWeights()).map((w) => ({
      name: w.name,
      tensor: w.tensor.clone(),
    }));
    first.dispose();
    const second = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8);
    await second.setWeights(saved);
    tf.dispose(saved.map((w) => w.tensor));
    run(resumed, second, 6);
    straight.variables.forEach((v, k) => {
      expect(Array.from(resumed.variables[k]!.dataSync())).toEqual(Array.from(v.dataSync()));
    });
    a.dispose();
    second.dispose();
    tf.dispose([...straight.variables, ...resumed.variables]);
  });

  it('updates in the same 15 kernels whatever the number of variables (no Reshape per variable)', async () => {
    const counts: number[] = [];
    for (const copies of [1, 4]) {
      const variables = Array.from({ length: copies }, (_, k) => problem(10 + k).variables).flat();
      const loss = () => tf.addN(variables.map((v) => tf.sum(tf.square(v)))) as tf.Scalar;
      const optimizer = new FlatAdamOptimizer(0.01, 0.9, 0.999, 1e-8);
      const run = () => {
        const { value, grads } = tf.variableGrads(loss, variables);
        optimizer.applyGradients(grads);
        tf.dispose([value, ...Object.values(grads)]);
      };
      run();
      const { value, grads } = tf.variableGrads(loss, variables);
      const profile = await tf.profile(() => optimizer.applyGradients(grads));
      tf.dispose([value, ...Object.values(grads)]);
      expect(profile.kernels.map((k) => k.name)).not.toContain('Reshape');
      counts.push(profile.kernels.length);
      optimizer.dispose();
      tf.dispose(variables);
    }
    if (['cpu', 'wasm', 'tensorflow'].includes(tf.getBackend())) expect(counts).toEqual([15, 15]);
  });
});
