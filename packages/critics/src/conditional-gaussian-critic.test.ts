import {
  type ConditionalGaussianCritic,
  type ConditionalGaussianCriticOptions,
  conditionalGaussianCritic,
  createCriticRegistry,
} from '@mi/critics';
import { InvalidArgumentError } from '@mi/spec';
import {
  expectAllClose,
  expectGradientMatchesFiniteDifferences,
  expectNoTensorLeakOf,
  expectNoTensorLeakSync,
} from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  type ConditionalGaussianValues,
  referenceMean,
  referenceScores,
} from './reference/conditional-gaussian';

/** The critic's weights as plain numbers, keyed by their stable names. */
function weightValues(critic: ConditionalGaussianCritic): Map<string, number[]> {
  return new Map([...critic.weights].map(([name, v]) => [name, Array.from(v.dataSync())]));
}

/** The float64 reference's parameters from weight values (`mean/dense{k}/…`, `logScale`). */
function parametersFrom(
  values: ReadonlyMap<string, readonly number[]>,
  critic: ConditionalGaussianCritic,
): ConditionalGaussianValues {
  const layers = [];
  for (let k = 0; values.has(`mean/dense${k}/kernel`); k++) {
    const [inUnits, outUnits] = critic.weights.get(`mean/dense${k}/kernel`)!.shape as number[];
    const flat = values.get(`mean/dense${k}/kernel`)!;
    layers.push({
      kernel: Array.from({ length: inUnits! }, (_, i) =>
        flat.slice(i * outUnits!, (i + 1) * outUnits!),
      ),
      bias: [...values.get(`mean/dense${k}/bias`)!],
    });
  }
  const activation = critic.getConfig().config['activation'] as 'relu' | 'elu';
  return { layers, activation, logScale: [...values.get('logScale')!] };
}

/** Rows of a 2-D tensor as plain numbers. */
const rowsOf = (t: tf.Tensor) => t.arraySync() as number[][];

/** n × d seeded normal entries scaled by `scale` and shifted by `offset`. */
const normal = (n: number, d: number, seed: number, scale = 1, offset = 0) =>
  tf.tidy(() => tf.add(tf.mul(tf.randomNormal([n, d], 0, 1, 'float32', seed), scale), offset));

function make(options: Partial<ConditionalGaussianCriticOptions> = {}) {
  return conditionalGaussianCritic({ xFeatures: 3, yFeatures: 2, hiddenUnits: [5], ...options });
}

describe('conditional-gaussian critic against its float64 reference', () => {
  it.each([
    ['an MLP mean (relu)', { seed: 1 }],
    ['an MLP mean (elu, two layers)', { hiddenUnits: [4, 3], activation: 'elu' as const, seed: 2 }],
    ['a linear mean', { mean: 'linear' as const, hiddenUnits: [], seed: 3 }],
  ])('scores S[i][j] = log N(y_j; μ(x_i), diag σ²) with %s', (_, options) => {
    const critic = make(options);
    // Move log σ away from 0 so that the scale matters.
    critic.weights.get('logScale')!.assign(tf.tensor1d([-0.7, 0.4]));
    const x = normal(6, 3, 10);
    const y = normal(6, 2, 11, 1.5);
    const parameters = parametersFrom(weightValues(critic), critic);
    const expected = referenceScores(parameters, rowsOf(x), rowsOf(y));
    const scores = expectNoTensorLeakOf(() => critic.scores(x, y));
    expect(scores.shape).toEqual([6, 6]);
    expectAllClose(scores, expected.flat(), { atol: 1e-4, rtol: 1e-5 });
    const pairs = expectNoTensorLeakOf(() => critic.pairs(x, y));
    expectAllClose(
      pairs,
      expected.map((row, i) => row[i]!),
      { atol: 1e-4, rtol: 1e-5 },
    );
    const mean = expectNoTensorLeakOf(() => critic.conditionalMean(x));
    expectAllClose(
      mean,
      rowsOf(x).flatMap((row) => referenceMean(parameters, row)),
      {
        atol: 1e-5,
        rtol: 1e-5,
      },
    );
    tf.dispose([scores, pairs, mean, x, y]);
    critic.dispose();
  });

  it('stays exact for data far from 0 with a small σ (the batch centring of the expansion)', () => {
    // y ≈ 1000 + x·w, σ = 0.05: uncentred, ‖μ/σ‖² ≈ 4e8 and float32 loses whole nats to
    // cancellation; centred on the batch mean of y the scores keep their absolute precision.
    const critic = make({ mean: 'linear', hiddenUnits: [], xFeatures: 1, yFeatures: 1, seed: 4 });
    critic.weights.get('mean/dense0/kernel')!.assign(tf.tensor2d([[0.8]]));
    critic.weights.get('mean/dense0/bias')!.assign(tf.tensor1d([1000]));
    critic.weights.get('logScale')!.assign(tf.tensor1d([Math.log(0.05)]));
    const x = normal(8, 1, 12);
    const y = tf.tidy(() => tf.add(tf.add(tf.mul(x, 0.8), 1000), normal(8, 1, 13, 0.05)));
    const expected = referenceScores(
      parametersFrom(weightValues(critic), critic),
      rowsOf(x),
      rowsOf(y),
    );
    const scores = critic.scores(x, y);
    // The diagonal (joint pairs) is within a few nats of 0; off it, hundreds of nats below.
    expectAllClose(scores, expected.flat(), { atol: 2e-2, rtol: 1e-4 });
    tf.dispose([scores, x, y]);
    critic.dispose();
  });

  it('scores the exact conditional of a correlated Gaussian with the linear mean ρx, σ = √(1 − ρ²)', () => {
    const rho = 0.8;
    const critic = make({ mean: 'linear', hiddenUnits: [], xFeatures: 2, yFeatures: 2, seed: 5 });
    critic.weights.get('mean/dense0/kernel')!.assign(tf.mul(tf.eye(2), rho));
    critic.weights.get('mean/dense0/bias')!.assign(tf.zeros([2]));
    critic.weights.get('logScale')!.assign(tf.fill([2], 0.5 * Math.log(1 - rho * rho)));
    const x = normal(5, 2, 14);
    const y = normal(5, 2, 15);
    const variance = 1 - rho * rho;
    const expected = rowsOf(x).flatMap((xi) =>
      rowsOf(y).map((yj) =>
        yj.reduce(
          (sum, v, k) =>
            sum - 0.5 * Math.log(2 * Math.PI * variance) - (v - rho * xi[k]!) ** 2 / (2 * variance),
          0,
        ),
      ),
    );
    const scores = critic.scores(x, y);
    expectAllClose(scores, expected, { atol: 1e-4, rtol: 1e-5 });
    tf.dispose([scores, x, y]);
    critic.dispose();
  });
});

describe('conditional-gaussian critic gradients', () => {
  // A fixed weighting of the n × n scores: the scalar whose gradient is checked.
  const n = 4;
  const weighting = Array.from({ length: n * n }, (_, k) => Math.sin(1.7 * k + 0.3));
  const weighted = (S: readonly (readonly number[])[]) =>
    S.flat().reduce((sum, v, k) => sum + v * weighting[k]!, 0);

  it('matches central finite differences with respect to x and y', () => {
    const critic = make({ activation: 'elu', seed: 6 });
    const x = normal(n, 3, 16);
    const y = normal(n, 2, 17);
    const w = tf.tensor2d(weighting, [n, n]);
    expectNoTensorLeakSync(() => {
      expectGradientMatchesFiniteDifferences(
        (t) => tf.sum(tf.mul(critic.scores(t, y), w)) as tf.Scalar,
        x,
      );
      expectGradientMatchesFiniteDifferences(
        (t) => tf.sum(tf.mul(critic.scores(x, t), w)) as tf.Scalar,
        y,
      );
    });
    tf.dispose([x, y, w]);
    critic.dispose();
  });

  it('matches float64 finite differences of the reference for every weight', () => {
    const critic = make({ activation: 'elu', seed: 7 });
    critic.weights.get('logScale')!.assign(tf.tensor1d([0.3, -0.5]));
    const x = normal(n, 3, 18);
    const y = normal(n, 2, 19);
    const w = tf.tensor2d(weighting, [n, n]);
    const names = new Map([...critic.weights].map(([name, v]) => [v.name, name]));
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(critic.scores(x, y), w)) as tf.Scalar,
      critic.trainableVariables as tf.Variable[],
    );
    const values = weightValues(critic);
    const [xs, ys] = [rowsOf(x), rowsOf(y)];
    const at = (changed: Map<string, number[]>) =>
      weighted(referenceScores(parametersFrom(changed, critic), xs, ys));
    expect(value.dataSync()[0]).toBeCloseTo(at(values), 3);
    const h = 1e-6;
    for (const [tfName, gradient] of Object.entries(grads)) {
      const name = names.get(tfName)!;
      const analytic = gradient.dataSync();
      const base = values.get(name)!;
      base.forEach((v, k) => {
        const shifted = (delta: number) => {
          const copy = new Map(values);
          copy.set(
            name,
            base.map((u, m) => (m === k ? v + delta : u)),
          );
          return at(copy);
        };
        const numeric = (shifted(h) - shifted(-h)) / (2 * h);
        expect(
          Math.abs(analytic[k]! - numeric),
          `∂/∂${name}[${k}]: analytic ${analytic[k]}, numeric ${numeric}`,
        ).toBeLessThanOrEqual(1e-3 + 1e-3 * Math.abs(numeric));
      });
    }
    expect(Object.keys(grads).length).toBe(critic.trainableVariables.length);
    tf.dispose([value, ...Object.values(grads), x, y, w]);
    critic.dispose();
  });
});

describe('conditional-gaussian critic cost', () => {
  it('computes the n × n scores without an n² × d intermediate', async () => {
    const [count, d, hidden] = [16, 8, 4];
    const critic = conditionalGaussianCritic({
      xFeatures: 3,
      yFeatures: d,
      hiddenUnits: [hidden],
      seed: 8,
    });
    const x = normal(count, 3, 20);
    const y = normal(count, d, 21);
    const profile = await tf.profile(() => critic.scores(x, y));
    const sizes = profile.kernels.flatMap((k) =>
      k.outputShapes.map((shape) => shape.reduce((a, b) => a * b, 1)),
    );
    expect(Math.max(...sizes)).toBe(count * count);
    // The n × n part is a product: @mi/core's own 2-D kernel, or the backend's.
    const products = ['MiMatMul2D', 'BatchMatMul', 'MatMul'];
    expect(profile.kernels.some((k) => products.includes(k.name))).toBe(true);
    tf.dispose([x, y]);
    critic.dispose();
  });
});

describe('conditional-gaussian critic options', () => {
  it('defaults to an MLP mean of 256-256, ReLU, log σ = 0; linear configs record no hidden layers', () => {
    const critic = conditionalGaussianCritic({ xFeatures: 2, yFeatures: 3, seed: 9 });
    expect(critic.getConfig()).toEqual({
      id: 'conditional-gaussian',
      config: {
        xFeatures: 2,
        yFeatures: 3,
        mean: 'mlp',
        hiddenUnits: [256, 256],
        activation: 'relu',
        seed: 9,
      },
    });
    expect([...critic.weights.keys()]).toEqual([
      'mean/dense0/kernel',
      'mean/dense0/bias',
      'mean/dense1/kernel',
      'mean/dense1/bias',
      'mean/dense2/kernel',
      'mean/dense2/bias',
      'logScale',
    ]);
    expect(Array.from(critic.weights.get('logScale')!.dataSync())).toEqual([0, 0, 0]);
    critic.dispose();
    const linear = createCriticRegistry().resolve(
      'conditional-gaussian:mean=linear;xFeatures=2;yFeatures=3;seed=1',
    );
    expect(linear.getConfig().config['hiddenUnits']).toEqual([]);
    expect([...linear.weights.keys()]).toEqual([
      'mean/dense0/kernel',
      'mean/dense0/bias',
      'logScale',
    ]);
    linear.dispose();
  });

  it.each([
    [{ mean: 'quadratic' }, 'mean', 'quadratic'],
    [{ hiddenUnits: [] }, 'hiddenUnits', []],
    [{ mean: 'linear', hiddenUnits: [4] }, 'hiddenUnits', [4]],
    [{ hiddenUnits: [4, 0] }, 'hiddenUnits', [4, 0]],
    [{ activation: 'tanh' }, 'activation', 'tanh'],
    [{ xFeatures: 0 }, 'xFeatures', 0],
    [{ yFeatures: 1.5 }, 'yFeatures', 1.5],
    [{ seed: -1 }, 'seed', -1],
    [{ sigma: 1 }, 'sigma', 1],
  ])('rejects %o with an InvalidArgumentError naming %s, leaking nothing', (bad, parameter, value) => {
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      conditionalGaussianCritic({ xFeatures: 2, yFeatures: 2, ...bad } as never).dispose();
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught), String(caught)).toBe(true);
    const error = caught as InvalidArgumentError;
    expect(error.functionName).toBe('conditionalGaussianCritic');
    expect(error.parameter).toBe(parameter);
    expect(error.value).toEqual(value);
    expect(error.message).toContain(`'${parameter}'`);
    expect(tf.memory().numTensors).toBe(before);
  });
});
