import { concatFlat, splitAdd } from '@mi/core';
import { ShapeMismatchError } from '@mi/spec';
import { expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// concatFlat and splitAdd (one kernel each on cpu, wasm and tensorflow) against the TF.js ops
// they replace in the flat Adam, bit for bit, on whichever backend this project runs.

const shapes = [[3, 4], [4], [], [2, 1, 3], [5]];
const tensorsOf = (seed: number) =>
  shapes.map((shape, k) => tf.randomNormal(shape, 0, 1, 'float32', seed + k));

describe('concatFlat and splitAdd', () => {
  it('concatFlat equals reshape + concat, entry for entry, in one kernel', async () => {
    const tensors = tensorsOf(1);
    await expectNoTensorLeak(async () => {
      const flat = concatFlat(tensors);
      const stock = tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(t, [-1]))));
      expect(flat.shape).toEqual([12 + 4 + 1 + 6 + 5]);
      expect(Array.from(flat.dataSync())).toEqual(Array.from(stock.dataSync()));
      tf.dispose([flat, stock]);
      const profile = await tf.profile(() => concatFlat(tensors).dispose());
      if (['cpu', 'wasm', 'tensorflow'].includes(tf.getBackend())) {
        expect(profile.kernels.map((k) => k.name)).toEqual(['MiConcatFlat']);
      }
    });
    tf.dispose(tensors);
  });

  it('splitAdd equals split + reshape + add, bit for bit, in one kernel', async () => {
    const addends = tensorsOf(10);
    const flat = tf.randomNormal([28], 0, 1e-3, 'float32', 20) as tf.Tensor1D;
    await expectNoTensorLeak(async () => {
      const sums = splitAdd(flat, addends);
      const pieces = tf.split(
        flat,
        addends.map((a) => a.size),
      );
      addends.forEach((addend, k) => {
        const stock = tf.tidy(() =>
          tf.add(tf.reshape(pieces[k] as tf.Tensor, addend.shape), addend),
        );
        expect(sums[k]!.shape).toEqual(addend.shape);
        expect(Array.from(sums[k]!.dataSync())).toEqual(Array.from(stock.dataSync()));
        stock.dispose();
      });
      tf.dispose([...sums, ...pieces]);
      const profile = await tf.profile(() => tf.dispose(splitAdd(flat, addends)));
      if (['cpu', 'wasm', 'tensorflow'].includes(tf.getBackend())) {
        expect(profile.kernels.map((k) => k.name)).toEqual(['MiSplitAdd']);
      }
    });
    tf.dispose([flat, ...addends]);
  });

  it('handles one tensor, and rejects a flat vector of the wrong length', () => {
    const [matrix] = tensorsOf(30) as [tf.Tensor];
    tf.tidy(() => {
      expect(Array.from(concatFlat([matrix]).dataSync())).toEqual(Array.from(matrix.dataSync()));
      const [sum] = splitAdd(tf.zeros([12]) as tf.Tensor1D, [matrix]);
      expect(Array.from(sum!.dataSync())).toEqual(Array.from(matrix.dataSync()));
      expect(() => splitAdd(tf.zeros([11]) as tf.Tensor1D, [matrix])).toThrow(ShapeMismatchError);
    });
    matrix.dispose();
  });
});
