import { createRandom } from '@mi/core';
import { cnnCritic, type NeuralCritic, resnet18Critic } from '@mi/critics';
import { expectAllClose, expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// The image critics the benchmarks train (self-consistency: cnn, both heads; SLB/CLB: resnet18's
// slb and clb heads), scored and differentiated on wasm and on the pure-JS cpu backend from the
// same seeded weights and inputs: every kernel they need (convolutions and their two gradients,
// batch norm, pooling, matMul) must exist on wasm and agree with cpu.
const onWasm = (process.env['MI_BACKEND'] || 'cpu') === 'wasm';

interface Case {
  readonly name: string;
  readonly create: () => NeuralCritic;
  readonly x: readonly number[];
  /** Image shape of y, or the number of classes for one-hot label rows. */
  readonly y: readonly number[] | { readonly classes: number };
}

const cases: readonly Case[] = [
  {
    name: 'cnn pair head (k5 s2 p2, 8 × 8)',
    create: () =>
      cnnCritic({
        height: 8,
        width: 8,
        xChannels: 2,
        yChannels: 1,
        filters: [3, 4],
        denseUnits: [5],
        seed: 3,
      }),
    x: [8, 8, 2],
    y: [8, 8, 1],
  },
  {
    name: 'cnn separable head (8 × 8)',
    create: () =>
      cnnCritic({
        head: 'separable',
        height: 8,
        width: 8,
        xChannels: 1,
        yChannels: 2,
        filters: [3, 4],
        denseUnits: [5],
        embeddingSize: 3,
        seed: 4,
      }),
    x: [8, 8, 1],
    y: [8, 8, 2],
  },
  {
    name: 'resnet18 slb head (4 × 4, one-hot labels)',
    create: () =>
      resnet18Critic({
        head: 'slb',
        height: 4,
        width: 4,
        xChannels: 1,
        classes: 3,
        widths: [2, 2, 3, 3],
        seed: 5,
      }),
    x: [4, 4, 1],
    y: { classes: 3 },
  },
  {
    name: 'resnet18 clb head (4 × 4)',
    create: () =>
      resnet18Critic({
        head: 'clb',
        height: 4,
        width: 4,
        xChannels: 3,
        embeddingSize: 3,
        widths: [2, 2, 3, 3],
        seed: 6,
      }),
    x: [4, 4, 3],
    y: [4, 4, 3],
  },
];

/** Scores and the gradient of a DV-like scalar of them for every trainable variable. */
function scoresAndGradients(critic: NeuralCritic, x: tf.Tensor, y: tf.Tensor) {
  const scores = critic.scores(x, y);
  const values = Array.from(scores.dataSync());
  scores.dispose();
  const n = x.shape[0] as number;
  const { value, grads } = tf.variableGrads(() => {
    const s = critic.scores(x, y);
    const joint = tf.div(tf.sum(tf.mul(s, tf.eye(n))), n);
    return tf.sub(joint, tf.logSumExp(s)) as tf.Scalar;
  }, critic.trainableVariables as tf.Variable[]);
  const gradients = critic.trainableVariables.map((v) => Array.from(grads[v.name]!.dataSync()));
  tf.dispose([value, ...Object.values(grads)]);
  return { values, gradients };
}

function inputs(testCase: Case, n: number) {
  const random = createRandom(17);
  const draw = (shape: readonly number[]) =>
    tf.tensor(random.fillNormal(new Float32Array(n * tf.util.sizeFromShape([...shape]))), [
      n,
      ...shape,
    ]);
  const x = draw(testCase.x);
  let y: tf.Tensor;
  if ('classes' in testCase.y) {
    const { classes } = testCase.y;
    const rows = new Float32Array(n * classes);
    for (let i = 0; i < n; i++) rows[i * classes + (i % classes)] = 1;
    y = tf.tensor2d(rows, [n, classes]);
  } else {
    y = draw(testCase.y);
  }
  return { x, y };
}

describe.runIf(onWasm)('image critics on wasm against the cpu backend', () => {
  it.each(cases)('scores and gradients agree to 1e-4 (relative): $name', async (testCase) => {
    const n = 3;
    const { x, y } = inputs(testCase, n);
    const critic = testCase.create();
    const onWasmBackend = await expectNoTensorLeak(() => scoresAndGradients(critic, x, y));
    critic.dispose();
    const xValues = Array.from(x.dataSync());
    const yValues = Array.from(y.dataSync());
    const [xShape, yShape] = [x.shape, y.shape];
    tf.dispose([x, y]);
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    try {
      const cpuCritic = testCase.create();
      const xc = tf.tensor(xValues, xShape);
      const yc = tf.tensor(yValues, yShape);
      const onCpu = scoresAndGradients(cpuCritic, xc, yc);
      tf.dispose([xc, yc]);
      cpuCritic.dispose();
      const scale = (values: readonly number[]) => Math.max(1e-6, ...values.map(Math.abs));
      expectAllClose(onWasmBackend.values, onCpu.values, {
        atol: 1e-4 * scale(onCpu.values),
        rtol: 1e-4,
      });
      expect(onWasmBackend.gradients.length).toBe(onCpu.gradients.length);
      // Against the largest gradient entry of the whole network: a near-zero entry (a bias whose
      // gradient cancels) differs between summation orders by float32 rounding of the others.
      const gradientScale = scale(onCpu.gradients.flat());
      onCpu.gradients.forEach((expected, k) => {
        expectAllClose(onWasmBackend.gradients[k]!, expected, {
          atol: 1e-4 * gradientScale,
          rtol: 1e-4,
        });
      });
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
