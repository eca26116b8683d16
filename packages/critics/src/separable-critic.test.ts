import { bilinearCritic, separableCritic } from '@mi/critics';
import { expectAllClose } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const xs = [
  [1, 2],
  [0, -1],
  [3, 0.5],
];
const ys = [
  [2, 0, 1],
  [-1, 1, 0],
  [0.5, 0.5, 2],
];
const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k]!, 0);

describe('separableCritic', () => {
  it('computes S[i][j] = g(x_i)·h(y_j)/τ for linear embeddings set by hand, cosine too', () => {
    for (const cosine of [false, true]) {
      const critic = separableCritic({
        xFeatures: 2,
        yFeatures: 3,
        hiddenUnits: [],
        embeddingSize: 2,
        temperature: 0.5,
        cosine,
        seed: 1,
      });
      const w = critic.weights;
      // g(x) = (x₀, x₀ + x₁), h(y) = (y₀ − y₂, y₁)
      w.get('g/dense0/kernel')!.assign(
        tf.tensor2d([
          [1, 1],
          [0, 1],
        ]),
      );
      w.get('g/dense0/bias')!.assign(tf.zeros([2]));
      w.get('h/dense0/kernel')!.assign(
        tf.tensor2d([
          [1, 0],
          [0, 1],
          [-1, 0],
        ]),
      );
      w.get('h/dense0/bias')!.assign(tf.zeros([2]));
      const g = (x: number[]) => [x[0]!, x[0]! + x[1]!];
      const h = (y: number[]) => [y[0]! - y[2]!, y[1]!];
      const unit = (v: number[]) => (cosine ? v.map((e) => e / Math.hypot(...v)) : v);
      const scores = critic.scores(tf.tensor2d(xs), tf.tensor2d(ys));
      expectAllClose(
        scores,
        xs.flatMap((x) => ys.map((y) => dot(unit(g(x)), unit(h(y))) / 0.5)),
      );
      tf.dispose(scores);
      critic.dispose();
    }
  });

  it('rejects a non-positive temperature and a non-boolean cosine', () => {
    expect(() => separableCritic({ xFeatures: 1, yFeatures: 1, temperature: 0 })).toThrow(
      "separableCritic: invalid option 'temperature': expected a number > 0, received 0",
    );
    expect(() => separableCritic({ xFeatures: 1, yFeatures: 1, cosine: 'yes' as never })).toThrow(
      'separableCritic: invalid option \'cosine\': expected true or false, received "yes"',
    );
  });
});

describe('bilinearCritic', () => {
  it('computes S[i][j] = x_iᵀ W y_j for W set by hand', () => {
    const critic = bilinearCritic({ xFeatures: 2, yFeatures: 3, seed: 1 });
    const w = [
      [1, 0, -2],
      [0.5, 1, 0],
    ];
    critic.weights.get('bilinear/kernel')!.assign(tf.tensor2d(w));
    const xw = (x: number[]) => [0, 1, 2].map((j) => x[0]! * w[0]![j]! + x[1]! * w[1]![j]!);
    const scores = critic.scores(tf.tensor2d(xs), tf.tensor2d(ys));
    expectAllClose(
      scores,
      xs.flatMap((x) => ys.map((y) => dot(xw(x), y))),
    );
    tf.dispose(scores);
    expect(critic.trainableVariables).toHaveLength(1);
    critic.dispose();
  });
});
