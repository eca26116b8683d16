import { setDenseKernels } from '@mi/core';
import { cnnCritic, jointCritic, type NeuralCritic, separableCritic } from '@mi/critics';
import { expectAllClose, expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, it } from 'vitest';

// The dense layers of the critics run through @mi/core's dense kernels (one kernel per layer,
// a registered gradient); `setDenseKernels('stock')` puts back tf.fused.matMul and tfjs autodiff.
// Both must give the same scores and the same gradients of every weight, to 1e-5, on the backend
// this project runs (cpu, wasm, tensorflow).
afterEach(() => {
  setDenseKernels('fused');
});

interface Case {
  readonly name: string;
  readonly create: () => NeuralCritic;
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly n: number;
}

const cases: readonly Case[] = [
  {
    name: 'separable (20 → 32 → 32 → 8)',
    create: () =>
      separableCritic({
        xFeatures: 20,
        yFeatures: 20,
        hiddenUnits: [32, 32],
        embeddingSize: 8,
        seed: 7,
      }),
    x: [20],
    y: [20],
    n: 12,
  },
  {
    name: 'separable, elu, cosine, temperature 0.5',
    create: () =>
      separableCritic({
        xFeatures: 5,
        yFeatures: 3,
        hiddenUnits: [16],
        embeddingSize: 4,
        activation: 'elu',
        cosine: true,
        temperature: 0.5,
        seed: 8,
      }),
    x: [5],
    y: [3],
    n: 9,
  },
  {
    name: 'joint (10 + 10 → 32 → 32 → 1, split first layer)',
    create: () => jointCritic({ xFeatures: 10, yFeatures: 10, hiddenUnits: [32, 32], seed: 9 }),
    x: [10],
    y: [10],
    n: 12,
  },
  {
    name: 'cnn (8 × 8, k5 s2 p2, dense 16)',
    create: () =>
      cnnCritic({
        height: 8,
        width: 8,
        xChannels: 1,
        yChannels: 1,
        filters: [4, 6],
        denseUnits: [16],
        seed: 10,
      }),
    x: [8, 8, 1],
    y: [8, 8, 1],
    n: 5,
  },
];

function scoresAndGradients(critic: NeuralCritic, x: tf.Tensor, y: tf.Tensor): number[][] {
  return tf.tidy(() => {
    const scores = critic.scores(x, y);
    // A loss that weighs every score differently, so that each gets its own gradient.
    const weights = tf.randomNormal(scores.shape, 0, 1, 'float32', 99);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(critic.scores(x, y), weights)) as tf.Scalar,
      critic.trainableVariables as tf.Variable[],
    );
    return [
      Array.from(scores.dataSync()),
      ...critic.trainableVariables.map((v) => Array.from(grads[v.name]!.dataSync())),
    ];
  });
}

describe('critics through the fused dense kernels', () => {
  it.each(cases)('$name: scores and weight gradients equal the stock path to 1e-5', async (c) => {
    const critic = c.create();
    const x = tf.randomNormal([c.n, ...c.x], 0, 1, 'float32', 1);
    const y = tf.randomNormal([c.n, ...c.y], 0, 1, 'float32', 2);
    setDenseKernels('stock');
    const stock = scoresAndGradients(critic, x, y);
    setDenseKernels('fused');
    const fused = await expectNoTensorLeak(() => scoresAndGradients(critic, x, y));
    stock.forEach((values, k) => {
      const scale = Math.max(1, ...values.map(Math.abs));
      expectAllClose(fused[k]!, values, { atol: 1e-5 * scale, rtol: 1e-5 });
    });
    tf.dispose([x, y]);
    critic.dispose();
  });
});
