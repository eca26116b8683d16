// Measures what one compiled TensorFlow graph per training step would give on tfjs-node: the
// separable critic's step (n = 64, d = 20, 256-256 → 32, InfoNCE, Adam) written as a TensorFlow
// GraphDef (forward, hand-written backward, ResourceApplyAdam on resource variables), saved as a
// SavedModel, loaded through tfjs-node's SavedModel binding and run with one Session::Run per
// step, beside the same step in TF.js eager mode (createTrainStep) from the same weights and
// batches: the losses must agree, then both are timed. A measurement, not a code path of the
// library. Not part of the package.
//   TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=-1 \
//     node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-graph-step.ts
import { initBackend } from '@mi/core';
import { createCriticRegistry } from '@mi/critics';
import * as tf from '@tensorflow/tfjs-core';
import {
  DT_FLOAT,
  DT_INT32,
  eagerTraining,
  GraphBuilder,
  type GraphVariable,
  graphTraining,
  openSession,
  timeRounds,
} from './graph-session';

const n = 64;
const features = 20;
const widths = [features, 256, 256, 32];
const adam = { learningRate: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
const steps = Number(process.env['STEPS'] ?? 400);

await initBackend('tensorflow', { log: false });
const graph = new GraphBuilder();
const T = { T: { type: DT_FLOAT } };
const nhwc = { data_format: { s: 'NHWC' } };
const matMul = (name: string, a: string, b: string, ta = false, tb = false) =>
  graph.node(name, 'MatMul', [a, b], { ...T, transpose_a: { b: ta }, transpose_b: { b: tb } });

// Per encoder and layer a kernel and a bias, in the critic's order (g's layers, then h's).
const variables: GraphVariable[] = [];
for (const encoder of ['g', 'h']) {
  for (let layer = 0; layer + 1 < widths.length; layer++) {
    const [inputs, outputs] = [widths[layer] as number, widths[layer + 1] as number];
    variables.push(graph.variable(`${encoder}${layer}_kernel`, [inputs, outputs]));
    variables.push(graph.variable(`${encoder}${layer}_bias`, [outputs]));
  }
}
const read = (encoder: string, layer: number, part: string) =>
  (variables.find((v) => v.name === `${encoder}${layer}_${part}`) as GraphVariable).read;
graph.initialiser(variables);

// The step: forward, InfoNCE as a softmax cross-entropy over each row, backward, Adam.
const x = graph.input('x', [n, features]);
const y = graph.input('y', [n, features]);
function encode(encoder: string, input: string) {
  const activations = [input];
  let h = input;
  for (let layer = 0; layer + 1 < widths.length; layer++) {
    const z = matMul(`${encoder}${layer}_mm`, h, read(encoder, layer, 'kernel'));
    h = graph.node(`${encoder}${layer}_z`, 'BiasAdd', [z, read(encoder, layer, 'bias')], {
      ...T,
      ...nhwc,
    });
    if (layer + 2 < widths.length) h = graph.node(`${encoder}${layer}_relu`, 'Relu', [h], T);
    activations.push(h);
  }
  return activations;
}
const gActs = encode('g', x);
const hActs = encode('h', y);
const gOut = gActs[gActs.length - 1] as string;
const hOut = hActs[hActs.length - 1] as string;
const scores = matMul('scores', gOut, hOut, false, true);
const labels = graph.constant(
  'labels',
  DT_INT32,
  [n],
  Array.from({ length: n }, (_, i) => i),
);
const xent = graph.node('xent', 'SparseSoftmaxCrossEntropyWithLogits', [scores, labels], {
  ...T,
  Tlabels: { type: DT_INT32 },
});
const meanCE = graph.node(
  'mean_ce',
  'Mean',
  [`${xent}:0`, graph.constant('axis0', DT_INT32, [1], [0])],
  {
    ...T,
    Tidx: { type: DT_INT32 },
    keep_dims: { b: false },
  },
);
const dScores = graph.node(
  'd_scores',
  'Mul',
  [`${xent}:1`, graph.constant('inv_n', DT_FLOAT, [], [1 / n])],
  T,
);
const gradients = new Map<string, string>();
function backward(encoder: string, activations: readonly string[], dOut: string) {
  let d = dOut;
  for (let layer = widths.length - 2; layer >= 0; layer--) {
    if (layer + 2 < widths.length) {
      d = graph.node(
        `${encoder}${layer}_drelu`,
        'ReluGrad',
        [d, activations[layer + 1] as string],
        T,
      );
    }
    gradients.set(
      `${encoder}${layer}_kernel`,
      matMul(`${encoder}${layer}_dkernel`, activations[layer] as string, d, true, false),
    );
    gradients.set(
      `${encoder}${layer}_bias`,
      graph.node(`${encoder}${layer}_dbias`, 'BiasAddGrad', [d], { ...T, ...nhwc }),
    );
    // The data batch needs no gradient.
    if (layer > 0) {
      d = matMul(`${encoder}${layer}_dinput`, d, read(encoder, layer, 'kernel'), false, true);
    }
  }
}
backward('g', gActs, matMul('d_g_out', dScores, hOut));
backward('h', hActs, matMul('d_h_out', dScores, gOut, true, false));
graph.adam(
  variables,
  variables.map((v) => gradients.get(v.name) as string),
  adam,
  'loss',
  meanCE,
);
const session = openSession(graph);

// The TF.js critic with the same architecture gives the initial weights and the eager step.
const critic = createCriticRegistry().resolve({
  id: 'separable',
  options: { xFeatures: features, yFeatures: features, hiddenUnits: [256, 256], seed: 1 },
  label: 'separable',
});
const initial = critic.trainableVariables.map((v) => v.clone());
if (
  initial.length !== variables.length ||
  initial.some((v, k) => !tf.util.arraysEqual(v.shape, [...(variables[k] as GraphVariable).shape]))
) {
  throw new Error(
    `unexpected critic variables: ${initial.map((v) => JSON.stringify(v.shape)).join(' ')}`,
  );
}
session
  .run(
    variables.map((v, k) => [`${v.name}_init`, initial[k] as tf.Tensor] as const),
    'init_done',
  )
  .dispose();

const batch = (step: number) =>
  tf.tidy(() => {
    const xs = tf.randomNormal([n, features], 0, 1, 'float32', 1000 + 2 * step);
    const noise = tf.randomNormal([n, features], 0, 1, 'float32', 1001 + 2 * step);
    return { x: xs, y: tf.add(tf.mul(xs, 0.9), tf.mul(noise, Math.sqrt(1 - 0.81))) };
  });
const graphStep = graphTraining(session, adam);
const eagerStep = eagerTraining(critic, adam).run;

// Same weights, same batches: the losses must agree (eager's loss is mean CE − log n).
const compared: string[] = [];
let worst = 0;
for (let step = 0; step < 20; step++) {
  const b = batch(step);
  const g = graphStep(b) - Math.log(n);
  const e = eagerStep(b);
  worst = Math.max(worst, Math.abs(g - e));
  if (step % 5 === 0 || step === 19)
    compared.push(`${step}: graph ${g.toFixed(6)} eager ${e.toFixed(6)}`);
  tf.dispose([b.x, b.y]);
}
console.log(
  `losses, same weights and batches (graph | eager):\n  ${compared.join('\n  ')}\n  largest difference over 20 steps: ${worst.toExponential(2)}`,
);

const batches = Array.from({ length: 16 }, (_, k) => batch(100 + k));
const graphTimes = timeRounds(batches, steps, graphStep);
const eagerTimes = timeRounds(batches, steps, eagerStep);
const rounds = (r: number[]) => r.map((v) => v.toFixed(2)).join(' ');
console.log(
  `separable step, n = ${n}, ${steps} steps in 5 rounds (ms/step, median of rounds): graph ${graphTimes.median.toFixed(3)} [${rounds(graphTimes.rounds)}], eager ${eagerTimes.median.toFixed(3)} [${rounds(eagerTimes.rounds)}]; TF_NUM_INTRAOP_THREADS=${process.env['TF_NUM_INTRAOP_THREADS'] ?? '(default)'}`,
);
tf.dispose([...initial, ...batches.flatMap((b) => [b.x, b.y])]);
