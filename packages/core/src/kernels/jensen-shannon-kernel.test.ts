import { jensenShannonObjective, logMeanExpOffDiagonal, setBoundKernels } from '@mi/core';
import { InvalidArgumentError } from '@mi/spec';
import {
  expectAllClose,
  expectGradientMatchesFiniteDifferences,
  expectNoTensorLeak,
} from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';

// jensenShannonObjective as one kernel with a written gradient ('fused', the default on cpu, wasm
// and tensorflow) against its composition of TF.js ops ('stock'), and logMeanExpOffDiagonal's
// clip inside its kernel against tf.clipByValue before it, on whichever backend this project
// runs. The float64 references of JS and SMILE are checked in @mi/bounds
// (jensen-shannon-kernel.test.ts).
afterEach(() => {
  setBoundKernels('fused');
});

const fusedBackend = () => ['cpu', 'wasm', 'tensorflow'].includes(tf.getBackend());

/** The value and the gradient of −1.7·f (an upstream other than 1), as plain numbers. */
function valueAndGradient(f: (s: tf.Tensor2D) => tf.Scalar, scores: tf.Tensor2D): number[][] {
  return tf.tidy(() => {
    const gradient = tf.grad((s) => tf.mul(f(s as tf.Tensor2D), -1.7) as tf.Scalar)(scores);
    return [f(scores), gradient].map((t) => Array.from(t.dataSync()));
  });
}

function fusedAgainstStock(f: (s: tf.Tensor2D) => tf.Scalar, scores: tf.Tensor2D) {
  setBoundKernels('stock');
  const stock = valueAndGradient(f, scores);
  setBoundKernels('fused');
  const fused = valueAndGradient(f, scores);
  return { fused, stock };
}

/** Equal where finite (to `atol` times the largest entry), NaN where the composition is NaN. */
function expectSame(fused: number[][], stock: number[][], atol = 2e-6): void {
  stock.forEach((values, k) => {
    const largest = Math.max(1, ...values.filter(Number.isFinite).map(Math.abs));
    values.forEach((v, i) => {
      const f = fused[k]?.[i] as number;
      if (Number.isNaN(v)) expect(f, `output ${k}, entry ${i}`).toBeNaN();
      else if (!Number.isFinite(v)) expect(f, `output ${k}, entry ${i}`).toBe(v);
      else expect(Math.abs(f - v), `output ${k}, entry ${i}`).toBeLessThanOrEqual(atol * largest);
    });
  });
}

const objective = (s: tf.Tensor) => jensenShannonObjective(s as tf.Tensor2D);

describe('jensenShannonObjective: the fused kernel against the composition', () => {
  it.each([
    2, 30, 80,
  ])('the value and its gradient for scores of scale %d, n = 9, twice', async (scale) => {
    const scores = tf.mul(tf.randomNormal([9, 9], 0, 1, 'float32', 17), scale) as tf.Tensor2D;
    setBoundKernels('stock');
    const stock = valueAndGradient(objective, scores);
    setBoundKernels('fused');
    // Twice: an output the kernel forgets to write would show the previous call's values.
    for (let k = 0; k < 2; k++) {
      expectSame(await expectNoTensorLeak(() => valueAndGradient(objective, scores)), stock);
    }
    scores.dispose();
  });

  it('n = 2 (one off-diagonal entry per row) and n = 1 (no off-diagonal: NaN in both)', () => {
    const two = tf.tensor2d([
      [3, -80],
      [80, -30],
    ]);
    const { fused, stock } = fusedAgainstStock(objective, two);
    expectSame(fused, stock);
    // J = ½(−softplus(−3) − softplus(30)) − ½(softplus(−80) + softplus(80)), by hand.
    const sp = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    expect(fused[0]?.[0]).toBeCloseTo(0.5 * (-sp(-3) - sp(30)) - 0.5 * (sp(-80) + sp(80)), 4);
    two.dispose();
    const one = tf.tensor2d([[0.5]]);
    for (const mode of ['stock', 'fused'] as const) {
      setBoundKernels(mode);
      expect(tf.tidy(() => jensenShannonObjective(one).dataSync()[0])).toBeNaN();
    }
    one.dispose();
  });

  it('∂J/∂S = σ(−S_ii)/n on the diagonal, −σ(S_ij)/(n(n−1)) off it (finite differences)', () => {
    const scores = tf.randomNormal([5, 5], 0, 1.5, 'float32', 23);
    expectGradientMatchesFiniteDifferences((s) => jensenShannonObjective(s as tf.Tensor2D), scores);
    tf.tidy(() => {
      const S = scores.arraySync() as number[][];
      const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
      const expected = S.flatMap((row, i) =>
        row.map((v, j) => (i === j ? sigmoid(-v) / 5 : -sigmoid(v) / 20)),
      );
      expectAllClose(tf.grad(objective)(scores), expected, { atol: 1e-7 });
    });
    scores.dispose();
  });

  it('gives what the composition gives for NaN and infinite scores', () => {
    const cases = [
      // NaN off the diagonal; +∞ and −∞ off it; −∞ on the diagonal; +∞ on the diagonal.
      [
        [1, Number.NaN, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      [
        [1, Number.POSITIVE_INFINITY, 0],
        [0, 1, Number.NEGATIVE_INFINITY],
        [0, 0, 1],
      ],
      [
        [Number.NEGATIVE_INFINITY, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      [
        [Number.POSITIVE_INFINITY, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    ];
    for (const rows of cases) {
      const scores = tf.tensor2d(rows);
      const { fused, stock } = fusedAgainstStock(objective, scores);
      expectSame(fused, stock, 1e-6);
      scores.dispose();
    }
  });

  it('runs one kernel forward and one backward (plus the tape copy of S) on cpu, wasm and tensorflow', async () => {
    const scores = tf.randomNormal([6, 6], 0, 1, 'float32', 5) as tf.Tensor2D;
    const profile = await tf.profile(() => {
      tf.grad(objective)(scores).dispose();
    });
    if (fusedBackend()) {
      expect(profile.kernels.map((k) => k.name).sort()).toEqual([
        'Identity',
        'MiJensenShannon',
        'MiJensenShannonGrad',
      ]);
    }
    setBoundKernels('stock');
    const stock = await tf.profile(() => {
      tf.grad(objective)(scores).dispose();
    });
    expect(stock.kernels.length).toBeGreaterThan(20);
    scores.dispose();
  });

  it('composes, with the composition’s errors, for what the kernel does not take', () => {
    for (const mode of ['stock', 'fused'] as const) {
      setBoundKernels(mode);
      const rectangular = tf.zeros([2, 3]) as tf.Tensor2D;
      expect(() => jensenShannonObjective(rectangular)).toThrow();
      rectangular.dispose();
    }
    // int32 scores: whatever the composition does with them (a value or an error, by backend).
    const integers = tf.tensor2d(
      [
        [1, 0],
        [2, -1],
      ],
      undefined,
      'int32',
    );
    const outcome = (mode: 'fused' | 'stock') => {
      setBoundKernels(mode);
      try {
        return tf.tidy(() => jensenShannonObjective(integers).dataSync()[0] as number);
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(outcome('fused')).toEqual(outcome('stock'));
    integers.dispose();
  });
});

describe('logMeanExpOffDiagonal(scores, clip): the clip inside the kernel', () => {
  const clipped = (clip: number) => (s: tf.Tensor2D) => logMeanExpOffDiagonal(s, clip);

  it.each([
    1, 5, 10,
  ])('clip %d: value and gradient as tf.clipByValue then the kernel, scores to ±30', async (clip) => {
    for (const scale of [2, 30]) {
      const scores = tf.mul(tf.randomNormal([8, 8], 0, 1, 'float32', 31), scale) as tf.Tensor2D;
      const { fused, stock } = await expectNoTensorLeak(() =>
        fusedAgainstStock(clipped(clip), scores),
      );
      expectSame(fused, stock);
      scores.dispose();
    }
  });

  it('keeps the gradient of entries exactly at ±clip, drops it beyond, as tf.clipByValue', () => {
    const scores = tf.tensor2d([
      [0, 5, -5, 7],
      [-7, 9, 2, 5.5],
      [1, -4.5, 3, Number.POSITIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, 0.5, 4.999, 2],
    ]);
    const { fused, stock } = fusedAgainstStock(clipped(5), scores);
    expectSame(fused, stock);
    const gradient = fused[1] as number[];
    expect(gradient[1]).not.toBe(0); // 5
    expect(gradient[2]).not.toBe(0); // −5
    // 7, 5.5, +∞: no gradient.
    for (const k of [3, 7, 11]) expect(Math.abs(gradient[k] as number), `entry ${k}`).toBe(0);
    scores.dispose();
  });

  it('rejects a negative or NaN clip, and an infinite clip is no clip', () => {
    const scores = tf.randomNormal([4, 4], 0, 3, 'float32', 2) as tf.Tensor2D;
    expect(() => logMeanExpOffDiagonal(scores, -1)).toThrow(InvalidArgumentError);
    expect(() => logMeanExpOffDiagonal(scores, Number.NaN)).toThrow(InvalidArgumentError);
    tf.tidy(() => {
      expect(logMeanExpOffDiagonal(scores, Number.POSITIVE_INFINITY).dataSync()[0]).toBe(
        logMeanExpOffDiagonal(scores).dataSync()[0],
      );
    });
    scores.dispose();
  });
});
