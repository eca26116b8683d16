import {
  bilinearCritic,
  cnnCritic,
  conditionalGaussianCritic,
  jointCritic,
  type MineeCritic,
  mineeCritic,
  type NeuralCritic,
  onehotCritic,
  resnet18Critic,
  separableCritic,
} from '@mi/critics';
import { InvalidStateError, ShapeMismatchError } from '@mi/spec';
import { expectAllClose, expectNoTensorLeak, expectNoTensorLeakOf } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// One small configuration per critic type: the checks every critic must pass run on each.
interface Case {
  readonly id: string;
  readonly make: (seed: number) => NeuralCritic;
  readonly x: (n: number, seed: number) => tf.Tensor;
  readonly y: (n: number, seed: number) => tf.Tensor;
  /** A y batch with the wrong feature size, and the message it must raise. */
  readonly wrongY: (n: number) => tf.Tensor;
  readonly wrongYMessage: string;
  /** Extra terms of a training loss that reach variables `scores` does not use. */
  readonly extraLoss?: (critic: NeuralCritic, x: tf.Tensor, y: tf.Tensor) => tf.Scalar;
}

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const labels = (n: number, classes: number, seed: number) =>
  tf.tensor1d(
    Array.from({ length: n }, (_, i) => (i * 7 + seed) % classes),
    'int32',
  );

const cases: Case[] = [
  {
    id: 'joint',
    make: (seed) => jointCritic({ xFeatures: 3, yFeatures: 2, hiddenUnits: [8, 8], seed }),
    x: (n, s) => normal([n, 3], s),
    y: (n, s) => normal([n, 2], s),
    wrongY: (n) => tf.zeros([n, 5]),
    wrongYMessage: "joint.scores: argument 'y' has shape [4, 5], expected [*, 2]",
  },
  {
    id: 'separable',
    make: (seed) =>
      separableCritic({ xFeatures: 3, yFeatures: 2, hiddenUnits: [8], embeddingSize: 4, seed }),
    x: (n, s) => normal([n, 3], s),
    y: (n, s) => normal([n, 2], s),
    wrongY: (n) => tf.zeros([n, 5]),
    wrongYMessage: "separable.scores: argument 'y' has shape [4, 5], expected [*, 2]",
  },
  {
    id: 'bilinear',
    make: (seed) =>
      bilinearCritic({ xFeatures: 3, yFeatures: 2, hiddenUnits: [8], embeddingSize: 4, seed }),
    x: (n, s) => normal([n, 3], s),
    y: (n, s) => normal([n, 2], s),
    wrongY: (n) => tf.zeros([n, 5]),
    wrongYMessage: "bilinear.scores: argument 'y' has shape [4, 5], expected [*, 2]",
  },
  {
    id: 'onehot',
    make: (seed) => onehotCritic({ xClasses: 5, yClasses: 3, hiddenUnits: [8], seed }),
    x: (n, s) => labels(n, 5, s),
    y: (n, s) => labels(n, 3, s + 1),
    wrongY: (n) => tf.zeros([n, 4]),
    wrongYMessage: "onehot.scores: argument 'y' has shape [4, 4], expected [*, 3]",
  },
  {
    id: 'cnn',
    make: (seed) =>
      cnnCritic({
        height: 8,
        width: 8,
        xChannels: 1,
        yChannels: 2,
        filters: [3, 4],
        kernelSize: 3,
        stride: 2,
        padding: 1,
        denseUnits: [8],
        seed,
      }),
    x: (n, s) => normal([n, 8, 8, 1], s),
    y: (n, s) => normal([n, 8, 8, 2], s),
    wrongY: (n) => tf.zeros([n, 8, 8, 1]),
    wrongYMessage: "cnn.scores: argument 'y' has shape [4, 8, 8, 1], expected [*, 8, 8, 2]",
  },
  {
    id: 'resnet18',
    make: (seed) => {
      const critic = resnet18Critic({
        height: 4,
        width: 4,
        xChannels: 1,
        yChannels: 2,
        widths: [2, 2, 4, 4],
        seed,
      });
      // Batch statistics depend on the batch, so pair-by-pair comparisons use inference mode.
      critic.setTraining(false);
      return critic;
    },
    x: (n, s) => normal([n, 4, 4, 1], s),
    y: (n, s) => normal([n, 4, 4, 2], s),
    wrongY: (n) => tf.zeros([n, 4, 4, 3]),
    wrongYMessage: "resnet18.scores: argument 'y' has shape [4, 4, 4, 3], expected [*, 4, 4, 2]",
  },
  {
    id: 'minee',
    make: (seed) => mineeCritic({ xFeatures: 3, yFeatures: 2, hiddenUnits: [8, 8], seed }),
    x: (n, s) => normal([n, 3], s),
    y: (n, s) => normal([n, 2], s),
    wrongY: (n) => tf.zeros([n, 5]),
    wrongYMessage: "minee.scores: argument 'y' has shape [4, 5], expected [*, 2]",
    // The three heads, on data and on a reference batch, as the minee bound uses them.
    extraLoss: (critic, x, y) => {
      const heads = (critic as MineeCritic).entropicScores({ x, y }, { x: tf.neg(x), y });
      return tf.addN(Object.values(heads).map((t) => tf.sum(t))) as tf.Scalar;
    },
  },
  {
    id: 'conditional-gaussian',
    make: (seed) =>
      conditionalGaussianCritic({ xFeatures: 3, yFeatures: 2, hiddenUnits: [8], seed }),
    x: (n, s) => normal([n, 3], s),
    y: (n, s) => normal([n, 2], s),
    wrongY: (n) => tf.zeros([n, 5]),
    wrongYMessage: "conditional-gaussian.scores: argument 'y' has shape [4, 5], expected [*, 2]",
  },
];

/** Repeats each row of t `times` times in place: rows r0 r0 r1 r1 … */
function repeatRows(t: tf.Tensor, times: number): tf.Tensor {
  const n = t.shape[0]!;
  const index = tf.tensor1d(
    Array.from({ length: n * times }, (_, k) => Math.floor(k / times)),
    'int32',
  );
  return tf.gather(t, index);
}

/** Tiles the whole batch `times` times: r0 r1 … r0 r1 … */
function tileRows(t: tf.Tensor, times: number): tf.Tensor {
  const n = t.shape[0]!;
  const index = tf.tensor1d(
    Array.from({ length: n * times }, (_, k) => k % n),
    'int32',
  );
  return tf.gather(t, index);
}

describe.each(cases)('$id critic', (c) => {
  it('returns S[i][j] = T(x_i, y_j): rows index x (checked against pairs on every pair)', async () => {
    const critic = c.make(1);
    const n = 4;
    const x = c.x(n, 2);
    const y = c.y(n, 3);
    await expectNoTensorLeak(() => {
      const scores = critic.scores(x, y);
      expect(scores.shape).toEqual([n, n]);
      // pairs(x_i, y_j) over all (i, j) in row-major order: x repeated, y tiled.
      const reference = tf.tidy(() => critic.pairs(repeatRows(x, n), tileRows(y, n)));
      expectAllClose(scores, reference.dataSync(), { atol: 1e-5, rtol: 1e-4 });
      // The diagonal holds the joint pairs.
      const diagonal = critic.pairs(x, y);
      expect(diagonal.shape).toEqual([n]);
      const s = scores.arraySync() as number[][];
      expectAllClose(
        diagonal,
        s.map((row, i) => row[i]!),
        { atol: 1e-5, rtol: 1e-4 },
      );
      // Not symmetric by accident: swapping the roles of the batches changes the matrix.
      tf.dispose([scores, reference, diagonal]);
    });
    tf.dispose([x, y]);
    critic.dispose();
  });

  it('gives the same weights and scores for the same seed, others for another seed', () => {
    const a = c.make(11);
    const b = c.make(11);
    const other = c.make(12);
    const x = c.x(3, 4);
    const y = c.y(3, 5);
    expect([...a.weights.keys()]).toEqual([...b.weights.keys()]);
    for (const [name, variable] of a.weights) {
      expectAllClose(variable, b.weights.get(name)!.dataSync(), { atol: 0, rtol: 0 });
    }
    const [sa, sb, so] = [a, b, other].map((critic) => critic.scores(x, y));
    expectAllClose(sa!, sb!.dataSync(), { atol: 0, rtol: 0 });
    expect(Array.from(so!.dataSync())).not.toEqual(Array.from(sa!.dataSync()));
    tf.dispose([sa!, sb!, so!, x, y]);
    for (const critic of [a, b, other]) critic.dispose();
  });

  it('lets the gradient of a loss on the scores reach every trainable variable', () => {
    const critic = c.make(21);
    if (critic.id === 'resnet18') critic.setTraining(true);
    const x = c.x(4, 6);
    const y = c.y(4, 7);
    const weights = tf.randomNormal([4, 4], 0, 1, 'float32', 8);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const loss = tf.sum(tf.mul(critic.scores(x, y), weights)) as tf.Scalar;
      return c.extraLoss ? tf.add(loss, c.extraLoss(critic, x, y)) : loss;
    }, [...critic.trainableVariables]);
    expect(Object.keys(grads).sort()).toEqual(critic.trainableVariables.map((v) => v.name).sort());
    for (const variable of critic.trainableVariables) {
      const grad = grads[variable.name]!;
      expect(grad.shape).toEqual(variable.shape);
      const values = grad.dataSync();
      expect(values.every(Number.isFinite), `${variable.name} finite`).toBe(true);
      expect(
        values.some((v) => v !== 0),
        `gradient of ${variable.name} is zero`,
      ).toBe(true);
    }
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, weights]);
    critic.dispose();
  });

  it('rejects inputs of the wrong rank, mismatched n and the wrong feature size', () => {
    const critic = c.make(1);
    const x = c.x(4, 1);
    const y = c.y(4, 2);
    const y3 = c.y(3, 2);
    const wrong = c.wrongY(4);
    const flat = tf.zeros([4, 2, 2, 2, 2]);
    expectNoTensorLeakOf(() => {
      expect(() => critic.scores(x, wrong)).toThrow(c.wrongYMessage);
      expect(() => critic.scores(x, wrong)).toThrow(ShapeMismatchError);
      expect(() => critic.pairs(x, y3)).toThrow(/y must have as many rows as x \(4\)/);
      expect(() => critic.scores(flat, y)).toThrow(ShapeMismatchError);
      expect(() => critic.scores(flat, y)).toThrow("argument 'x' has shape [4, 2, 2, 2, 2]");
      return [] as tf.Tensor[];
    });
    tf.dispose([x, y, y3, wrong, flat]);
    critic.dispose();
  });

  it('frees its variables on dispose and then refuses to score', () => {
    const before = tf.memory().numTensors;
    const critic = c.make(2);
    expect(tf.memory().numTensors - before).toBe(critic.weights.size);
    expect(critic.weights.size).toBe(
      critic.trainableVariables.length + critic.nonTrainableVariables.length,
    );
    critic.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const x = c.x(2, 1);
    const y = c.y(2, 2);
    expect(() => critic.scores(x, y)).toThrow(`${c.id}.scores: the critic was disposed`);
    expect(() => critic.scores(x, y)).toThrow(InvalidStateError);
    tf.dispose([x, y]);
  });

  it("refuses a disposed critic's own methods too (joint.shiftedPairs, separable.embedX)", () => {
    const joint = jointCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [3], seed: 1 });
    const separable = separableCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [3], seed: 1 });
    joint.dispose();
    separable.dispose();
    const x = tf.zeros([3, 2]);
    expect(() => joint.shiftedPairs(x, x)).toThrow('joint.shiftedPairs: the critic was disposed');
    expect(() => joint.sampledScores(x, x)).toThrow(InvalidStateError);
    expect(() => separable.embedX(x)).toThrow('separable.embedX: the critic was disposed');
    x.dispose();
  });
});
