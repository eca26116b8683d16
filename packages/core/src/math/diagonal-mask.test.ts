import { diagonal, diagonalMask, maskDiagonal } from '@mi/core';
import { expectAllClose, expectNoTensorLeakSync } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

describe('diagonal masks', () => {
  it('builds a boolean identity pattern', () => {
    expectNoTensorLeakSync(() => {
      const mask = diagonalMask(3);
      expect(mask.dtype).toBe('bool');
      expect(Array.from(mask.dataSync())).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      mask.dispose();
    });
  });

  it('replaces the diagonal by -Infinity or a given fill, leaving the rest', () => {
    expectNoTensorLeakSync(() => {
      const s = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      const masked = maskDiagonal(s);
      const zeroed = maskDiagonal(s, 0);
      expect(Array.from(masked.dataSync())).toEqual([-Infinity, 2, 3, -Infinity]);
      expect(Array.from(zeroed.dataSync())).toEqual([0, 2, 3, 0]);
      expect(Array.from(s.dataSync())).toEqual([1, 2, 3, 4]);
      tf.dispose([s, masked, zeroed]);
    });
  });

  it('extracts the diagonal even when off-diagonal entries are infinite', () => {
    tf.tidy(() => {
      const s = tf.tensor2d([
        [1, Number.POSITIVE_INFINITY],
        [Number.NEGATIVE_INFINITY, 4],
      ]);
      expectAllClose(diagonal(s), [1, 4]);
    });
  });
});
