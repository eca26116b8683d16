import { logMeanExp, logMeanExpOffDiagonal, meanOffDiagonal } from '@mi/core';
import {
  expectAllClose,
  expectGradientMatchesFiniteDifferences,
  expectNoTensorLeakOf,
  scalarValue,
} from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// S = [[1, 2, 0], [0, 3, -1], [4, 1, 2]]: off-diagonal entries 2, 0, 0, -1, 4, 1.
const S = [
  [1, 2, 0],
  [0, 3, -1],
  [4, 1, 2],
];
const offDiagonal = [2, 0, 0, -1, 4, 1];
const handLogMeanExp = (values: number[]): number =>
  Math.log(values.reduce((sum, v) => sum + Math.exp(v), 0) / values.length);

describe('logMeanExp', () => {
  it('matches the hand-computed value over all entries and along an axis', () => {
    const x = tf.tensor2d(S);
    const [all, rows] = expectNoTensorLeakOf(() => [logMeanExp(x), logMeanExp(x, 1)]);
    expect(scalarValue(all)).toBeCloseTo(handLogMeanExp(S.flat()), 5);
    expectAllClose(rows, S.map(handLogMeanExp), { atol: 1e-5 });
    tf.dispose([x, all, rows]);
  });

  it('stays finite for scores of ±1e4', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1e4, 1e4 - 1, -1e4]);
      // log((e^1e4 + e^(1e4-1) + e^-1e4) / 3) = 1e4 + log(1 + e^-1) - log 3
      expect(scalarValue(logMeanExp(x))).toBeCloseTo(
        1e4 + Math.log(1 + Math.exp(-1)) - Math.log(3),
        1,
      );
      expect(scalarValue(logMeanExp(tf.tensor1d([-1e4, -1e4])))).toBeCloseTo(-1e4, 1);
    });
  });
});

describe('logMeanExpOffDiagonal', () => {
  it('averages the n(n-1) off-diagonal entries only', () => {
    const x = tf.tensor2d(S);
    const [logMean, mean] = expectNoTensorLeakOf(() => [
      logMeanExpOffDiagonal(x),
      meanOffDiagonal(x),
    ]);
    expect(scalarValue(logMean)).toBeCloseTo(handLogMeanExp(offDiagonal), 5);
    expect(scalarValue(mean)).toBeCloseTo(1, 6);
    tf.dispose([x, logMean, mean]);
  });

  it('ignores an infinite diagonal (no 0·∞ = NaN)', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([
        [Number.POSITIVE_INFINITY, 0],
        [Math.log(3), Number.POSITIVE_INFINITY],
      ]);
      expect(scalarValue(logMeanExpOffDiagonal(x))).toBeCloseTo(Math.log(2), 5);
    });
  });

  it('has the softmax gradient on the off-diagonal and zero on the diagonal', () => {
    tf.tidy(() => {
      const x = tf.tensor2d(S);
      const { analytic } = expectGradientMatchesFiniteDifferences(
        (s) => logMeanExpOffDiagonal(s as tf.Tensor2D),
        x,
      );
      const z = offDiagonal.reduce((sum, v) => sum + Math.exp(v), 0);
      expect(analytic[0]).toBe(0);
      expect(analytic[4]).toBe(0);
      expect(analytic[1]).toBeCloseTo(Math.exp(2) / z, 5);
    });
  });
});
