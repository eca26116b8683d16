import { fastDense } from '@mi/core';
import { jointCritic } from '@mi/critics';
import { expectAllClose, expectNoTensorLeakOf } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNormalInit } from '../test/expect-normal-init';

/** One hidden unit, set by hand: T(x, y) = 2·relu(x₀ − 3y₀ + 0.5) − 1. */
function handSetCritic() {
  const critic = jointCritic({ xFeatures: 2, yFeatures: 1, hiddenUnits: [1], seed: 1 });
  const w = critic.weights;
  w.get('dense0/x-kernel')!.assign(tf.tensor2d([[1], [0]]));
  w.get('dense0/y-kernel')!.assign(tf.tensor2d([[-3]]));
  w.get('dense0/bias')!.assign(tf.tensor1d([0.5]));
  w.get('dense1/kernel')!.assign(tf.tensor2d([[2]]));
  w.get('dense1/bias')!.assign(tf.tensor1d([-1]));
  return critic;
}

/** The same T in float64. */
const handSetScore = (x: number[], y: number[]) => 2 * Math.max(0, x[0]! - 3 * y[0]! + 0.5) - 1;

describe('jointCritic', () => {
  it('equals the naive evaluation on the tiled n² × (dx + dy) input to 1e-5', () => {
    const critic = jointCritic({ xFeatures: 5, yFeatures: 3, hiddenUnits: [16, 8], seed: 3 });
    const n = 6;
    const x = tf.randomNormal([n, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
    const y = tf.randomNormal([n, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
    const scores = expectNoTensorLeakOf(() => critic.scores(x, y));
    const naive = tf.tidy(() => {
      const w = critic.weights;
      // Row i·n + j = [x_i, y_j]: the input the split layer never builds.
      const xs = tf.reshape(tf.tile(tf.expandDims(x, 1), [1, n, 1]), [n * n, 5]);
      const ys = tf.tile(y, [n, 1]);
      const kernel = tf.concat([w.get('dense0/x-kernel')!, w.get('dense0/y-kernel')!], 0);
      let h = tf.relu(tf.add(tf.matMul(tf.concat([xs, ys], 1), kernel), w.get('dense0/bias')!));
      h = tf.relu(tf.add(tf.matMul(h, w.get('dense1/kernel')!), w.get('dense1/bias')!));
      return tf.reshape(tf.add(tf.matMul(h, w.get('dense2/kernel')!), w.get('dense2/bias')!), [
        n,
        n,
      ]);
    });
    expectAllClose(scores, naive.dataSync(), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([scores, naive, x, y]);
    critic.dispose();
  });

  it('computes S[i][j] = f(x_i, y_j) for a network set by hand', () => {
    const critic = handSetCritic();
    const xs = [
      [1, 9],
      [-2, 9],
      [0.25, 9],
    ];
    const ys = [[0], [1], [-1]];
    const scores = critic.scores(tf.tensor2d(xs), tf.tensor2d(ys));
    expectAllClose(
      scores,
      xs.flatMap((x) => ys.map((y) => handSetScore(x, y))),
    );
    tf.dispose(scores);
    critic.dispose();
  });

  it("lays out sampled scores as R[i][c] = T(x_i, y_(i+c) mod n), 'all' being a cyclic shift of S", () => {
    const n = 5;
    const x = tf.randomNormal([n, 2], 0, 1, 'float32', 4);
    const y = tf.randomNormal([n, 2], 0, 1, 'float32', 5);
    const all = jointCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [8], seed: 7 });
    const two = jointCritic({
      xFeatures: 2,
      yFeatures: 2,
      hiddenUnits: [8],
      negatives: 2,
      seed: 7,
    });
    const s = all.scores(x, y).arraySync() as number[][];
    const shifted = (k: number) =>
      s.flatMap((row, i) => Array.from({ length: k + 1 }, (_, c) => row[(i + c) % n]!));
    const sampledAll = expectNoTensorLeakOf(() => all.sampledScores(x, y));
    expect(sampledAll.shape).toEqual([n, n]);
    expectAllClose(sampledAll, shifted(n - 1));
    const sampledTwo = two.sampledScores(x, y);
    expect(sampledTwo.shape).toEqual([n, 3]);
    expectAllClose(sampledTwo, shifted(2));
    const small = tf.zeros([2, 2]);
    expect(() => two.sampledScores(small, small)).toThrow(
      "joint.sampledScores: argument 'x' has shape [2, 2], expected [3, 2] (negatives = 2 needs a batch of at least 3 rows)",
    );
    tf.dispose([x, y, sampledAll, sampledTwo, small]);
    all.dispose();
    two.dispose();
  });

  it('scores S_ii and S_i,(i+1) mod n with shiftedPairs, for a network set by hand', () => {
    const critic = handSetCritic();
    const xs = [
      [1, 9],
      [-2, 9],
      [4, 9],
    ];
    const ys = [[0], [1], [-1]];
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys);
    const [joint, shifted] = expectNoTensorLeakOf(() => {
      const pairs = critic.shiftedPairs(x, y);
      return [pairs.joint, pairs.shifted];
    });
    // joint: T(x₀,y₀) = 2, T(x₁,y₁) = −1, T(x₂,y₂) = 14; shifted: T(x₀,y₁) = −1, T(x₁,y₂) = 2, T(x₂,y₀) = 8.
    expect(joint.shape).toEqual([3]);
    expectAllClose(joint, [2, -1, 14]);
    expectAllClose(
      shifted,
      xs.map((row, i) => handSetScore(row, ys[(i + 1) % 3]!)),
    );
    expectAllClose(shifted, [-1, 2, 8]);
    const one = tf.zeros([1, 2]);
    expect(() => critic.shiftedPairs(one, tf.zeros([1, 1]))).toThrow(
      "joint.shiftedPairs: argument 'x' has shape [1, 2], expected [2, 2] (n >= 2 rows (for n = 1 the shifted pair is the joint pair))",
    );
    expect(() => critic.shiftedPairs(x, tf.zeros([2, 1]))).toThrow(/joint\.shiftedPairs/);
    tf.dispose([x, y, joint, shifted, one]);
    critic.dispose();
  });

  it('gives the weights the gradient of the matrix path through shiftedPairs', () => {
    const n = 6;
    const critic = jointCritic({ xFeatures: 3, yFeatures: 2, hiddenUnits: [8, 4], seed: 9 });
    const x = tf.randomNormal([n, 3], 0, 1, 'float32', 11);
    const y = tf.randomNormal([n, 2], 0, 1, 'float32', 12);
    const weights = critic.trainableVariables as tf.Variable[];
    // A loss that weighs the two parts differently, so that swapped parts would show.
    const fromPairs = tf.variableGrads(() => {
      const { joint, shifted } = critic.shiftedPairs(x, y);
      return tf.sub(tf.sum(joint), tf.logSumExp(shifted)) as tf.Scalar;
    }, weights);
    const fromMatrix = tf.variableGrads(() => {
      const s = critic.scores(x, y);
      const superdiagonal = tf.sum(
        tf.mul(s, tf.oneHot(tf.tensor1d([1, 2, 3, 4, 5, 0], 'int32'), n)),
        1,
      );
      return tf.sub(tf.sum(tf.mul(s, tf.eye(n))), tf.logSumExp(superdiagonal)) as tf.Scalar;
    }, weights);
    expectAllClose(fromPairs.value, fromMatrix.value.dataSync(), { atol: 1e-5, rtol: 1e-5 });
    for (const v of weights) {
      expectAllClose(fromPairs.grads[v.name]!, fromMatrix.grads[v.name]!.dataSync(), {
        atol: 1e-5,
        rtol: 1e-4,
      });
    }
    tf.dispose([x, y, fromPairs.value, fromMatrix.value]);
    tf.dispose([...Object.values(fromPairs.grads), ...Object.values(fromMatrix.grads)]);
    critic.dispose();
  });

  it('trains the split layer with the same gradient as the naive layer (fastDense path)', () => {
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const kernel = tf.randomNormal([3, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
    const g1 = tf.grad((k) => tf.sum(fastDense(x, k as tf.Tensor2D, undefined, 'relu')))(kernel);
    const g2 = tf.grad((k) => tf.sum(tf.relu(tf.matMul(x, k as tf.Tensor2D))))(kernel);
    expectAllClose(g1, g2.dataSync());
    tf.dispose([x, kernel, g1, g2]);
  });

  it('validates its options with messages that name them', () => {
    expect(() => jointCritic({ xFeatures: 0, yFeatures: 2 })).toThrow(
      "jointCritic: invalid option 'xFeatures': expected an integer >= 1, received 0",
    );
    expect(() => jointCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [] })).toThrow(
      "jointCritic: invalid option 'hiddenUnits': expected an array of at least 1 positive integers, received []",
    );
    expect(() => jointCritic({ xFeatures: 2, yFeatures: 2, activation: 'tanh' as never })).toThrow(
      "jointCritic: invalid option 'activation': expected one of 'relu', 'elu', received \"tanh\"",
    );
    expect(() => jointCritic({ xFeatures: 2, yFeatures: 2, negatives: 0 })).toThrow(
      "jointCritic: invalid option 'negatives': expected an integer >= 1, received 0",
    );
    expect(() => jointCritic({ xFeatures: 2, yFeatures: 2, initStd: 0 })).toThrow(
      "jointCritic: invalid option 'initStd': expected a number > 0, received 0",
    );
    expect(() => jointCritic({ xFeatures: 2, yFeatures: 2, initStd: '0.02' as never })).toThrow(
      "jointCritic: invalid option 'initStd'",
    );
    expect(() => jointCritic({ xFeatures: 2, yFeatures: 2, hiden: [3] } as never)).toThrow(
      "jointCritic: unknown option 'hiden'; known options: xFeatures, yFeatures, hiddenUnits, activation, initStd, negatives, seed",
    );
  });

  it("starts from N(0, initStd²) kernels and zero biases with initStd (paper 001's code)", () => {
    const critic = jointCritic({
      xFeatures: 20,
      yFeatures: 20,
      hiddenUnits: [200, 200],
      initStd: 0.02,
      seed: 4,
    });
    expect(critic.getConfig().config['initStd']).toBe(0.02);
    // 200 to 40 000 draws: the sample std is within 25% of 0.02 for the smallest.
    expectNormalInit(critic.weights, 0.02, 0.005);
    critic.dispose();
    // Without initStd: nn.Linear's U(±1/√fanIn), so the option is absent from the record.
    const plain = jointCritic({ xFeatures: 20, yFeatures: 20, hiddenUnits: [200, 200], seed: 4 });
    expect('initStd' in plain.getConfig().config).toBe(false);
    expect(Math.max(...Array.from(plain.weights.get('dense1/bias')!.dataSync()))).toBeGreaterThan(
      0,
    );
    plain.dispose();
  });
});
