import { onehotCritic } from '@mi/critics';
import { expectAllClose } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

describe('onehotCritic', () => {
  it('has the paper widths 32 − 256 − 1 with no output bias', () => {
    const critic = onehotCritic({ seed: 1 });
    expect([...critic.weights].map(([name, v]) => `${name} ${v.shape.join('×')}`)).toEqual([
      'dense0/x-kernel 16×256',
      'dense0/y-kernel 16×256',
      'dense0/bias 256',
      'dense1/kernel 256×1',
    ]);
    critic.dispose();
  });

  it('computes S[i][j] = f(x_i, y_j) for a lookup table built into the weights', () => {
    // One hidden unit per (a, b) pair fires only for that pair: relu(1·[x=a] + 1·[y=b] − 1).
    const xClasses = 3;
    const yClasses = 2;
    const f = (a: number, b: number) => 10 * a - b * b + 0.5;
    const critic = onehotCritic({ xClasses, yClasses, hiddenUnits: [6], seed: 1 });
    const wx = Array.from({ length: xClasses }, (_, a) =>
      Array.from({ length: 6 }, (_, u) => (Math.floor(u / yClasses) === a ? 1 : 0)),
    );
    const wy = Array.from({ length: yClasses }, (_, b) =>
      Array.from({ length: 6 }, (_, u) => (u % yClasses === b ? 1 : 0)),
    );
    const w = critic.weights;
    w.get('dense0/x-kernel')!.assign(tf.tensor2d(wx));
    w.get('dense0/y-kernel')!.assign(tf.tensor2d(wy));
    w.get('dense0/bias')!.assign(tf.fill([6], -1));
    w.get('dense1/kernel')!.assign(
      tf.tensor2d(Array.from({ length: 6 }, (_, u) => [f(Math.floor(u / yClasses), u % yClasses)])),
    );
    const xLabels = [2, 0, 1, 2];
    const yLabels = [1, 1, 0, 0];
    const scores = critic.scores(tf.tensor1d(xLabels, 'int32'), tf.tensor1d(yLabels, 'int32'));
    expectAllClose(
      scores,
      xLabels.flatMap((a) => yLabels.map((b) => f(a, b))),
    );
    // One-hot rows give the same scores as labels.
    const again = critic.scores(
      tf.oneHot(tf.tensor1d(xLabels, 'int32'), xClasses),
      tf.oneHot(tf.tensor1d(yLabels, 'int32'), yClasses),
    );
    expectAllClose(again, scores.dataSync());
    tf.dispose([scores, again]);
    critic.dispose();
  });

  it('rejects labels out of range and mismatched batches', () => {
    const critic = onehotCritic({ xClasses: 4, seed: 1 });
    expect(() => critic.scores(tf.tensor1d([0, 4], 'int32'), tf.tensor1d([0, 1], 'int32'))).toThrow(
      "onehot.scores: invalid option 'x[1]': expected an integer label in [0, 4), received 4",
    );
    expect(() => critic.pairs(tf.tensor1d([0, 1], 'int32'), tf.tensor1d([0], 'int32'))).toThrow(
      "onehot.pairs: argument 'y' has shape [1], expected [2] (y must have as many rows as x (2))",
    );
    critic.dispose();
  });
});
