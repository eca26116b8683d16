import { nwj, tuba } from '@mi/bounds';
import { createRandom } from '@mi/core';
import { bilinearCritic } from '@mi/critics';
import type { Batch, BoundInputContext } from '@mi/spec';
import { expectNoTensorLeak } from '@mi/test-utils';
import { createTrainStep } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const context = (requires: BoundInputContext['requires'] = []): BoundInputContext => ({
  requires,
  random: createRandom(3),
  dataBounds: () => {
    throw new Error('not used by these critics');
  },
});

function batch(): Batch {
  return {
    x: tf.tensor2d([
      [0.5, -1],
      [1, 0.25],
      [-0.5, 0.75],
    ]),
    y: tf.tensor2d([
      [0.3, -0.8],
      [1.2, 0.1],
      [-0.4, 0.9],
    ]),
  };
}

/** The NWJ loss of the bilinear critic S = x W yᵀ, in float64, from the formula. */
function nwjLoss(W: number[][], x: number[][], y: number[][]): number {
  const n = x.length;
  const s = (i: number, j: number) =>
    [0, 1].reduce(
      (acc, a) => acc + [0, 1].reduce((b, c) => b + x[i]![a]! * W[a]![c]! * y[j]![c]!, 0),
      0,
    );
  let joint = 0;
  let partition = 0;
  for (let i = 0; i < n; i++) {
    joint += s(i, i) / n;
    for (let j = 0; j < n; j++) if (i !== j) partition += Math.exp(s(i, j) - 1) / (n * (n - 1));
  }
  return -(joint - partition);
}

describe('createTrainStep', () => {
  it('evaluates the loss and its gradient without updating, then SGD moves every weight by −lr · gradient', async () => {
    const critic = bilinearCritic({ xFeatures: 2, yFeatures: 2, seed: 4 });
    const [variable] = critic.trainableVariables;
    const W = (variable!.arraySync() as number[][]).map((row) => [...row]);
    const { x, y } = batch();
    const xs = x.arraySync() as number[][];
    const ys = y.arraySync() as number[][];
    await expectNoTensorLeak(async () => {
      const step = createTrainStep({
        critic,
        bound: nwj(),
        optimizer: { kind: 'sgd', learningRate: 0.1 },
      });
      const state = {};
      const evaluation = step.evaluate(state, { x, y }, context());
      // The loss is NWJ's, and nothing moved yet.
      expect(evaluation.loss.dataSync()[0]).toBeCloseTo(nwjLoss(W, xs, ys), 5);
      expect(evaluation.estimate.dataSync()[0]).toBeCloseTo(-nwjLoss(W, xs, ys), 5);
      expect(variable!.arraySync()).toEqual(W);
      // Gradient against central differences of the float64 loss.
      const gradient = evaluation.gradients[variable!.name]!.arraySync() as number[][];
      const h = 1e-6;
      for (let a = 0; a < 2; a++) {
        for (let c = 0; c < 2; c++) {
          const plus = W.map((row) => [...row]);
          const minus = W.map((row) => [...row]);
          plus[a]![c]! += h;
          minus[a]![c]! -= h;
          const numeric = (nwjLoss(plus, xs, ys) - nwjLoss(minus, xs, ys)) / (2 * h);
          expect(gradient[a]![c]).toBeCloseTo(numeric, 4);
        }
      }
      step.update(evaluation);
      const moved = variable!.arraySync() as number[][];
      for (let a = 0; a < 2; a++) {
        for (let c = 0; c < 2; c++) {
          expect(moved[a]![c]).toBeCloseTo(W[a]![c]! - 0.1 * gradient[a]![c]!, 6);
        }
      }
      tf.dispose([evaluation.loss, evaluation.estimate, evaluation.joint, evaluation.logPartition]);
      step.dispose();
    });
    tf.dispose([x, y]);
    critic.dispose();
  });

  it('discard frees an evaluation and leaves the weights alone; run is evaluate then update', async () => {
    const a = bilinearCritic({ xFeatures: 2, yFeatures: 2, seed: 5 });
    const b = bilinearCritic({ xFeatures: 2, yFeatures: 2, seed: 5 });
    const { x, y } = batch();
    await expectNoTensorLeak(async () => {
      const stepA = createTrainStep({ critic: a, bound: tuba() });
      const stepB = createTrainStep({ critic: b, bound: tuba() });
      const before = a.trainableVariables[0]!.arraySync();
      stepA.discard(stepA.evaluate({}, { x, y }, context()));
      expect(a.trainableVariables[0]!.arraySync()).toEqual(before);
      for (let k = 0; k < 3; k++) {
        const out = stepA.run({}, { x, y }, context());
        const evaluation = stepB.evaluate({}, { x, y }, context());
        stepB.update(evaluation);
        expect(out.estimate.dataSync()[0]).toBe(evaluation.estimate.dataSync()[0]);
        tf.dispose([out.loss, out.estimate, out.joint, out.logPartition]);
        tf.dispose([
          evaluation.loss,
          evaluation.estimate,
          evaluation.joint,
          evaluation.logPartition,
        ]);
      }
      // Adam, same seed, same batches: the same weights bit for bit.
      expect(a.trainableVariables[0]!.arraySync()).toEqual(b.trainableVariables[0]!.arraySync());
      stepA.dispose();
      stepB.dispose();
    });
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it('keeps the score matrix only when asked, and clips the gradient to a global norm', async () => {
    const critic = bilinearCritic({ xFeatures: 2, yFeatures: 2, seed: 6 });
    const { x, y } = batch();
    await expectNoTensorLeak(async () => {
      const step = createTrainStep({
        critic,
        bound: nwj(),
        optimizer: { kind: 'sgd', learningRate: 1, clipGradientNorm: 1e-3 },
      });
      const plain = step.evaluate({}, { x, y }, context());
      expect(plain.scores).toBeUndefined();
      step.discard(plain);
      const kept = step.evaluate({}, { x, y }, context(), { keepScores: true });
      expect(kept.scores?.shape).toEqual([3, 3]);
      const before = critic.trainableVariables[0]!.arraySync() as number[][];
      step.update(kept);
      const after = critic.trainableVariables[0]!.arraySync() as number[][];
      const moved = Math.hypot(...before.flatMap((row, i) => row.map((v, j) => v - after[i]![j]!)));
      expect(moved).toBeCloseTo(1e-3, 6);
      tf.dispose([kept.loss, kept.estimate, kept.joint, kept.logPartition, kept.scores!]);
      step.dispose();
    });
    tf.dispose([x, y]);
    critic.dispose();
  });
});
