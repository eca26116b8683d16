// Measures what one compiled TensorFlow graph per training step would give on tfjs-node: the
// separable critic's step (n = 64, d = 20, 256-256 → 32, InfoNCE, Adam) written as a TensorFlow
// GraphDef (forward, hand-written backward, ResourceApplyAdam on resource variables), saved as a
// SavedModel, loaded through tfjs-node's SavedModel binding and run with one Session::Run per
// step, beside the same step in TF.js eager mode (createTrainStep) from the same weights and
// batches: the losses must agree, then both are timed. A measurement, not a code path of the
// library. Not part of the package.
//   TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 \
//     node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-graph-step.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBoundRegistry } from '@mi/bounds';
import { createRandom, initBackend } from '@mi/core';
import { createCriticRegistry } from '@mi/critics';
import type { BoundInputContext } from '@mi/spec';
import { createTrainStep } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';

const n = 64;
const features = 20;
const widths = [features, 256, 256, 32];
const adam = { learningRate: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
const steps = Number(process.env['STEPS'] ?? 400);

await initBackend('tensorflow', { log: false });
const require = createRequire(import.meta.url);
// tfjs-node's generated protobuf classes for the SavedModel format (read by its loader).
const pb = require('@tensorflow/tfjs-node/dist/proto/api_pb.js');
const DT_FLOAT = pb.DataType.DT_FLOAT;
const DT_INT32 = pb.DataType.DT_INT32;

// --- GraphDef construction -------------------------------------------------------------------
const nodes: unknown[] = [];
type Attr = { type?: number; b?: boolean; s?: string; shape?: readonly number[]; tensor?: unknown };
function attrValue(a: Attr) {
  const v = new pb.AttrValue();
  if (a.type !== undefined) v.setType(a.type);
  if (a.b !== undefined) v.setB(a.b);
  if (a.s !== undefined) v.setS(new TextEncoder().encode(a.s));
  if (a.shape !== undefined) v.setShape(tensorShape(a.shape));
  if (a.tensor !== undefined) v.setTensor(a.tensor);
  return v;
}
function tensorShape(shape: readonly number[]) {
  const s = new pb.TensorShape();
  for (const size of shape) {
    const dim = new pb.TensorShape.Dim();
    dim.setSize(size);
    s.addDim(dim);
  }
  return s;
}
function node(
  name: string,
  op: string,
  inputs: readonly string[],
  attrs: Record<string, Attr> = {},
) {
  const def = new pb.NodeDef();
  def.setName(name);
  def.setOp(op);
  for (const input of inputs) def.addInput(input);
  for (const [key, a] of Object.entries(attrs)) def.getAttrMap().set(key, attrValue(a));
  nodes.push(def);
  return name;
}
const T = { T: { type: DT_FLOAT } };
function constant(name: string, values: Float32Array | Int32Array, shape: readonly number[]) {
  const t = new pb.Tensor();
  const int = values instanceof Int32Array;
  t.setDtype(int ? DT_INT32 : DT_FLOAT);
  t.setTensorShape(tensorShape(shape));
  t.setTensorContent(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return node(name, 'Const', [], {
    dtype: { type: int ? DT_INT32 : DT_FLOAT },
    value: { tensor: t },
  });
}
const placeholder = (name: string, shape: readonly number[], dtype = DT_FLOAT) =>
  node(name, 'Placeholder', [], { dtype: { type: dtype }, shape: { shape } });
const matMul = (name: string, a: string, b: string, ta = false, tb = false) =>
  node(name, 'MatMul', [a, b], { ...T, transpose_a: { b: ta }, transpose_b: { b: tb } });
const nhwc = { data_format: { s: 'NHWC' } };

// Variables: per encoder and layer a kernel and a bias, each with Adam's m and v.
interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly handle: string;
  readonly m: string;
  readonly v: string;
  read: string;
}
const params: Param[] = [];
function resource(name: string, shape: readonly number[]) {
  return node(name, 'VarHandleOp', [], {
    dtype: { type: DT_FLOAT },
    shape: { shape },
    shared_name: { s: name },
    container: { s: '' },
  });
}
for (const encoder of ['g', 'h']) {
  for (let layer = 0; layer + 1 < widths.length; layer++) {
    for (const [part, shape] of [
      ['kernel', [widths[layer] as number, widths[layer + 1] as number]],
      ['bias', [widths[layer + 1] as number]],
    ] as const) {
      const name = `${encoder}${layer}_${part}`;
      params.push({
        name,
        shape,
        handle: resource(name, shape),
        m: resource(`${name}_m`, shape),
        v: resource(`${name}_v`, shape),
        read: node(`${name}_read`, 'ReadVariableOp', [name], { dtype: { type: DT_FLOAT } }),
      });
    }
  }
}
const param = (encoder: string, layer: number, part: string) =>
  params.find((p) => p.name === `${encoder}${layer}_${part}`) as Param;

// Initialisation signature: every variable from a placeholder, moments from zeros.
const assigns: string[] = [];
for (const p of params) {
  const value = placeholder(`${p.name}_init`, p.shape);
  const zeros = constant(
    `${p.name}_zeros`,
    new Float32Array(p.shape.reduce((a, b) => a * b, 1)),
    p.shape,
  );
  assigns.push(
    node(`${p.name}_assign`, 'AssignVariableOp', [p.handle, value], { dtype: { type: DT_FLOAT } }),
  );
  assigns.push(
    node(`${p.name}_m_assign`, 'AssignVariableOp', [p.m, zeros], { dtype: { type: DT_FLOAT } }),
  );
  assigns.push(
    node(`${p.name}_v_assign`, 'AssignVariableOp', [p.v, zeros], { dtype: { type: DT_FLOAT } }),
  );
}
constant('init_value', new Float32Array([0]), []);
node('init_done', 'Identity', ['init_value', ...assigns.map((a) => `^${a}`)], T);

// Training step: forward, InfoNCE as softmax cross-entropy over each row, backward, Adam.
const x = placeholder('x', [n, features]);
const y = placeholder('y', [n, features]);
const power1 = placeholder('beta1_power', []);
const power2 = placeholder('beta2_power', []);
const epsilonHat = placeholder('epsilon_hat', []);
function encode(encoder: string, input: string) {
  const activations = [input];
  let h = input;
  for (let layer = 0; layer + 1 < widths.length; layer++) {
    const z = matMul(`${encoder}${layer}_mm`, h, param(encoder, layer, 'kernel').read);
    h = node(`${encoder}${layer}_z`, 'BiasAdd', [z, param(encoder, layer, 'bias').read], {
      ...T,
      ...nhwc,
    });
    if (layer + 2 < widths.length) h = node(`${encoder}${layer}_relu`, 'Relu', [h], T);
    activations.push(h);
  }
  return activations;
}
const gActs = encode('g', x);
const hActs = encode('h', y);
const gOut = gActs[gActs.length - 1] as string;
const hOut = hActs[hActs.length - 1] as string;
const scores = matMul('scores', gOut, hOut, false, true);
const labels = constant(
  'labels',
  Int32Array.from({ length: n }, (_, i) => i),
  [n],
);
const xent = node('xent', 'SparseSoftmaxCrossEntropyWithLogits', [scores, labels], {
  ...T,
  Tlabels: { type: DT_INT32 },
});
const axis = constant('axis0', new Int32Array([0]), [1]);
const meanCE = node('mean_ce', 'Mean', [`${xent}:0`, axis], {
  ...T,
  Tidx: { type: DT_INT32 },
  keep_dims: { b: false },
});
const dScores = node(
  'd_scores',
  'Mul',
  [`${xent}:1`, constant('inv_n', new Float32Array([1 / n]), [])],
  T,
);
const dG = matMul('d_g_out', dScores, hOut);
const dH = matMul('d_h_out', dScores, gOut, true, false);
const gradients = new Map<string, string>();
function backward(encoder: string, activations: readonly string[], dOut: string) {
  let d = dOut;
  for (let layer = widths.length - 2; layer >= 0; layer--) {
    if (layer + 2 < widths.length) {
      d = node(`${encoder}${layer}_drelu`, 'ReluGrad', [d, activations[layer + 1] as string], T);
    }
    gradients.set(
      `${encoder}${layer}_kernel`,
      matMul(`${encoder}${layer}_dkernel`, activations[layer] as string, d, true, false),
    );
    gradients.set(
      `${encoder}${layer}_bias`,
      node(`${encoder}${layer}_dbias`, 'BiasAddGrad', [d], { ...T, ...nhwc }),
    );
    // The data batch needs no gradient.
    if (layer > 0)
      d = matMul(`${encoder}${layer}_dinput`, d, param(encoder, layer, 'kernel').read, false, true);
  }
}
backward('g', gActs, dG);
backward('h', hActs, dH);
const lr = constant('lr', new Float32Array([adam.learningRate]), []);
const b1 = constant('beta1', new Float32Array([adam.beta1]), []);
const b2 = constant('beta2', new Float32Array([adam.beta2]), []);
const applies = params.map((p) =>
  node(
    `${p.name}_apply`,
    'ResourceApplyAdam',
    [p.handle, p.m, p.v, power1, power2, lr, b1, b2, epsilonHat, gradients.get(p.name) as string],
    { ...T, use_locking: { b: false }, use_nesterov: { b: false } },
  ),
);
node('loss', 'Identity', [meanCE, ...applies.map((a) => `^${a}`)], T);

// --- SavedModel ------------------------------------------------------------------------------
function tensorInfo(name: string, dtype: number, shape: readonly number[]) {
  const info = new pb.TensorInfo();
  info.setName(name);
  info.setDtype(dtype);
  info.setTensorShape(tensorShape(shape));
  return info;
}
function signature(inputs: [string, readonly number[]][], outputs: [string, readonly number[]][]) {
  const sig = new pb.SignatureDef();
  for (const [name, shape] of inputs)
    sig.getInputsMap().set(name, tensorInfo(`${name}:0`, DT_FLOAT, shape));
  for (const [name, shape] of outputs)
    sig.getOutputsMap().set(name, tensorInfo(`${name}:0`, DT_FLOAT, shape));
  sig.setMethodName('tensorflow/serving/predict');
  return sig;
}
const graph = new pb.GraphDef();
graph.setNodeList(nodes);
const versions = new pb.VersionDef();
versions.setProducer(1645);
graph.setVersions(versions);
const metaGraph = new pb.MetaGraphDef();
const info = new pb.MetaGraphDef.MetaInfoDef();
info.addTags('serve');
metaGraph.setMetaInfoDef(info);
metaGraph.setGraphDef(graph);
metaGraph.getSignatureDefMap().set(
  'init',
  signature(
    params.map((p) => [`${p.name}_init`, p.shape]),
    [['init_done', []]],
  ),
);
metaGraph.getSignatureDefMap().set(
  'train',
  signature(
    [
      ['x', [n, features]],
      ['y', [n, features]],
      ['beta1_power', []],
      ['beta2_power', []],
      ['epsilon_hat', []],
    ],
    [['loss', []]],
  ),
);
const savedModel = new pb.SavedModel();
savedModel.setSavedModelSchemaVersion(1);
savedModel.addMetaGraphs(metaGraph);
const directory = mkdtempSync(join(tmpdir(), 'mi-graph-step-'));
writeFileSync(join(directory, 'saved_model.pb'), savedModel.serializeBinary());

// --- Run ---------------------------------------------------------------------------------------
const backend = tf.backend() as unknown as {
  loadSavedModelMetaGraph(path: string, tags: string): number;
  runSavedModel(
    id: number,
    inputs: tf.Tensor[],
    infos: { name: string; tfDtype: string }[],
    outputs: string[],
  ): tf.Tensor[];
};
const session = backend.loadSavedModelMetaGraph(directory, 'serve');
const run = (inputs: [string, tf.Tensor][], output: string) =>
  backend.runSavedModel(
    session,
    inputs.map(([, t]) => t),
    inputs.map(([name]) => ({ name: `${name}:0`, tfDtype: 'DT_FLOAT' })),
    [`${output}:0`],
  )[0] as tf.Tensor;

const critic = createCriticRegistry().resolve({
  id: 'separable',
  options: { xFeatures: features, yFeatures: features, hiddenUnits: [256, 256], seed: 1 },
  label: 'separable',
});
// The critic's variables in creation order: g's three layers (kernel, bias), then h's.
const initial = critic.trainableVariables.map((v) => v.clone());
if (
  initial.length !== params.length ||
  initial.some((v, k) => !tf.util.arraysEqual(v.shape, [...(params[k] as Param).shape]))
) {
  throw new Error(
    `unexpected critic variables: ${initial.map((v) => JSON.stringify(v.shape)).join(' ')}`,
  );
}
run(
  params.map((p, k) => [`${p.name}_init`, initial[k] as tf.Tensor]),
  'init_done',
).dispose();

const batch = (step: number) =>
  tf.tidy(() => {
    const xs = tf.randomNormal([n, features], 0, 1, 'float32', 1000 + 2 * step);
    const noise = tf.randomNormal([n, features], 0, 1, 'float32', 1001 + 2 * step);
    return { x: xs, y: tf.add(tf.mul(xs, 0.9), tf.mul(noise, Math.sqrt(1 - 0.81))) };
  });
let p1 = Math.fround(1);
let p2 = Math.fround(1);
function graphStep(b: { x: tf.Tensor; y: tf.Tensor }): tf.Tensor {
  p1 = Math.fround(p1 * Math.fround(adam.beta1));
  p2 = Math.fround(p2 * Math.fround(adam.beta2));
  const scalars = [p1, p2, adam.epsilon * Math.sqrt(1 - p2)].map((s) => tf.scalar(s));
  const loss = run(
    [
      ['x', b.x],
      ['y', b.y],
      ['beta1_power', scalars[0] as tf.Tensor],
      ['beta2_power', scalars[1] as tf.Tensor],
      ['epsilon_hat', scalars[2] as tf.Tensor],
    ],
    'loss',
  );
  tf.dispose(scalars);
  return loss;
}

const bound = createBoundRegistry().resolve('infonce');
const eager = createTrainStep({ critic, bound, optimizer: { kind: 'adam', ...adam } });
const context = {
  requires: bound.requires,
  random: createRandom(0),
} as unknown as BoundInputContext;
let state = bound.initialState();
function eagerStep(b: { x: tf.Tensor; y: tf.Tensor }): number {
  const out = eager.run(state, b, context);
  const loss = out.loss.dataSync()[0] as number;
  tf.dispose([out.loss, out.estimate, out.joint, out.logPartition, ...Object.values(state)]);
  state = out.state;
  return loss;
}

// Same weights, same batches: the losses must agree (eager's loss is mean CE − log n).
const compared: string[] = [];
let worst = 0;
for (let step = 0; step < 20; step++) {
  const b = batch(step);
  const graphLoss = graphStep(b);
  const g = (graphLoss.dataSync()[0] as number) - Math.log(n);
  const e = eagerStep(b);
  worst = Math.max(worst, Math.abs(g - e));
  if (step % 5 === 0 || step === 19)
    compared.push(`${step}: graph ${g.toFixed(6)} eager ${e.toFixed(6)}`);
  tf.dispose([graphLoss, b.x, b.y]);
}
console.log(
  `losses, same weights and batches (graph | eager):\n  ${compared.join('\n  ')}\n  largest difference over 20 steps: ${worst.toExponential(2)}`,
);

const batches = Array.from({ length: 16 }, (_, k) => batch(100 + k));
function time(f: (b: { x: tf.Tensor; y: tf.Tensor }) => void): number[] {
  for (let i = 0; i < 50; i++) f(batches[i % 16] as { x: tf.Tensor; y: tf.Tensor });
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < steps / 5; i++) f(batches[i % 16] as { x: tf.Tensor; y: tf.Tensor });
    rounds.push((performance.now() - start) / (steps / 5));
  }
  return rounds;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const graphTimes = time((b) => graphStep(b).dataSync());
const eagerTimes = time((b) => eagerStep(b));
console.log(
  `separable step, n = ${n}, ${steps} steps in 5 rounds (ms/step, median of rounds): graph ${median(graphTimes).toFixed(3)} [${graphTimes.map((v) => v.toFixed(2)).join(' ')}], eager ${median(eagerTimes).toFixed(3)} [${eagerTimes.map((v) => v.toFixed(2)).join(' ')}]; TF_NUM_INTRAOP_THREADS=${process.env['TF_NUM_INTRAOP_THREADS'] ?? '(default)'}`,
);
tf.dispose([...initial, ...batches.flatMap((b) => [b.x, b.y])]);
rmSync(directory, { recursive: true, force: true });
