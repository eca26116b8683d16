import { infoNCE } from '@mi/bounds';
import { setBoundKernels } from '@mi/core';
import { expectNoTensorLeakSync, seededScores } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type InfoNCEReferenceDirection,
  infoNCELogPartition,
  infoNCEValue,
  type Matrix,
  numericGradient,
} from './reference';

// The InfoNCE bound runs as one kernel with a written gradient (`@mi/core`'s infoNCEParts) on
// cpu, wasm and tensorflow. Here every output it reports (estimate, loss, and the terms joint
// and logPartition) and the gradient of each, against the float64 references of ./reference and
// their float64 finite differences, at the benchmark's batch size and at extreme scores; and
// against the composition of TF.js ops it replaced (`setBoundKernels('stock')`).

afterEach(() => {
  setBoundKernels('fused');
});

const matrices: Record<string, Matrix> = {
  // Scores of a few nats, the diagonal a little higher.
  'moderate, n = 12': seededScores(12, 3, -2, 2, 1),
  // Scores up to ±30.
  'wide ±30, n = 16': seededScores(16, 5, -30, 30),
  // The diagonal 20 nats above the rest: a confident critic, softmax ≈ I.
  'separated by 20 nats, n = 20': seededScores(20, 7, -0.5, 0.5, 20),
};

// The benchmark's batch size (float64 finite differences of all 4096 entries would be slow).
const benchmarkSize = seededScores(64, 11, -2, 2, 1);

const jointOf = (S: Matrix): number =>
  S.reduce((sum, row, i) => sum + (row[i] as number), 0) / S.length;

type Output = 'estimate' | 'loss' | 'joint' | 'logPartition';
const outputs: readonly Output[] = ['estimate', 'loss', 'joint', 'logPartition'];

/** Each output's float64 reference as a function of S. */
function referenceOf(output: Output, direction: InfoNCEReferenceDirection): (S: Matrix) => number {
  switch (output) {
    case 'estimate':
      return (S) => infoNCEValue(S, direction);
    case 'loss':
      return (S) => -infoNCEValue(S, direction);
    case 'joint':
      return jointOf;
    case 'logPartition':
      return (S) => infoNCELogPartition(S, direction);
  }
}

/** The bound's value of `output` on S and its gradient ∂output/∂S; frees what it makes. */
function measure(direction: InfoNCEReferenceDirection, output: Output, S: Matrix) {
  const bound = infoNCE({ direction });
  const pick = (s: tf.Tensor2D): tf.Scalar => {
    const result = bound.compute({ scores: s }, {});
    const kept = output === 'estimate' || output === 'loss' ? result[output] : result.terms[output];
    tf.dispose(
      [result.loss, result.estimate, ...Object.values(result.terms)].filter((t) => t !== kept),
    );
    return kept as tf.Scalar;
  };
  const scores = tf.tensor2d(S as number[][]);
  const valueTensor = pick(scores);
  const value = valueTensor.dataSync()[0] as number;
  const gradientTensor = tf.grad((s) => pick(s as tf.Tensor2D))(scores);
  const gradient = gradientTensor.arraySync() as number[][];
  tf.dispose([scores, valueTensor, gradientTensor]);
  return { value, gradient };
}

describe('infonce (one fused kernel) against its float64 reference', () => {
  for (const direction of ['rows', 'columns', 'symmetric'] as const) {
    for (const [name, S] of Object.entries(matrices)) {
      it.each(outputs)(`${direction}, ${name}: %s and its gradient`, (output) => {
        const { value, gradient } = expectNoTensorLeakSync(() => measure(direction, output, S));
        const f = referenceOf(output, direction);
        const expected = f(S);
        expect(
          Math.abs(value - expected),
          `${output}: received ${value}, reference ${expected}`,
        ).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(expected)));
        // ∂/∂S from float64 central differences of the reference: entries of order 1/n, or as
        // small as e^−20/n when the diagonal is 20 nats above the rest (float32 softmax rounds
        // 1 − p there: an absolute 1e-8 on top).
        const numeric = numericGradient(f, S);
        const scale = Math.max(...numeric.flat().map(Math.abs));
        numeric.forEach((row, i) => {
          row.forEach((e, j) => {
            const r = gradient[i]?.[j] ?? Number.NaN;
            expect(
              Math.abs(r - e),
              `∂${output}/∂S[${i}][${j}]: received ${r}, finite differences ${e}`,
            ).toBeLessThanOrEqual(1e-5 * scale + 1e-8);
          });
        });
      });
    }
  }
});

describe('infonce: the fused kernel against the composition it replaced', () => {
  it.each([
    'rows',
    'columns',
    'symmetric',
  ] as const)('%s: the same outputs and gradients to float32 round-off', (direction) => {
    for (const S of [...Object.values(matrices), benchmarkSize]) {
      for (const output of outputs) {
        setBoundKernels('stock');
        const stock = measure(direction, output, S);
        setBoundKernels('fused');
        const fused = measure(direction, output, S);
        expect(Math.abs(fused.value - stock.value)).toBeLessThanOrEqual(
          4e-6 * Math.max(1, Math.abs(stock.value)),
        );
        const scale = Math.max(1e-3, ...stock.gradient.flat().map(Math.abs));
        stock.gradient.forEach((row, i) => {
          row.forEach((e, j) => {
            expect(Math.abs((fused.gradient[i]?.[j] ?? Number.NaN) - e)).toBeLessThanOrEqual(
              1e-5 * scale,
            );
          });
        });
      }
    }
  });

  it('dispatches three kernels for a value and its gradient, where the composition took dozens', async () => {
    const scores = tf.tensor2d(benchmarkSize as number[][]);
    const bound = infoNCE();
    const count = async () =>
      (
        await tf.profile(() => {
          const gradient = tf.grad((s) => bound.compute({ scores: s as tf.Tensor2D }, {}).loss)(
            scores,
          );
          gradient.dispose();
        })
      ).kernels.map((k) => k.name);
    const fused = await count();
    setBoundKernels('stock');
    const stock = await count();
    // The bound, the tape's save of its residual, the gradient.
    expect([...fused].sort()).toEqual(['Identity', 'MiInfoNCE', 'MiInfoNCEGrad']);
    expect(stock.length).toBeGreaterThan(40);
    scores.dispose();
  });
});
