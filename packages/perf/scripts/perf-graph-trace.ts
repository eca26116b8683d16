// Captures the TensorFlow ops that one eager training step executes on tfjs-node (every op goes
// through the binding's executeOp; JavaScript values through createTensor) and replays them as
// one graph: the step's forward and backward as traced, the variables as resource variables of
// the session, Adam appended as ResourceApplyAdam per variable. Written as a SavedModel with
// tfjs-node's protobuf classes and run through its SavedModel binding beside the eager step from
// the same weights and batches: the losses must agree, then both are timed. A measurement of
// what capturing training steps as graphs would give, for any critic; not a library code path.
// Not part of the package.
//   TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 \
//     node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-graph-trace.ts joint
// (any `bench:perf` case that trains with createTrainStep: joint, separable, cnn, cnn-n64, resnet18).
import { initBackend } from '@mi/core';
import { createCriticRegistry } from '@mi/critics';
import * as tf from '@tensorflow/tfjs-core';
import { type PerfCriticId, perfCase } from '../src/perf-cases';
import {
  type Attr,
  DT_FLOAT,
  eagerTraining,
  GraphBuilder,
  type GraphVariable,
  graphTraining,
  openSession,
  timeRounds,
} from './graph-session';

const criticId = process.argv[3] ?? 'separable';
const steps = Number(process.env['STEPS'] ?? 100);
const adam = { learningRate: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

await initBackend('tensorflow', { log: false });
interface TensorMeta {
  readonly id: number;
  readonly shape: number[];
  readonly dtype: number;
}
interface NativeAttr {
  readonly name: string;
  readonly type: number;
  readonly value: unknown;
}
interface Binding {
  executeOp(name: string, attrs: NativeAttr[], inputs: number[], outputs: number): TensorMeta[];
  createTensor(shape: number[], dtype: number, values: ArrayLike<number>): number;
  tensorDataSync(id: number): ArrayLike<number>;
  readonly [key: string]: unknown;
}
const backend = tf.backend() as unknown as {
  binding: Binding;
  tensorMap: { get(dataId: object): { id: number; dtype: number; shape: number[] } };
};
const realBinding = backend.binding;
const A = {
  STRING: realBinding['TF_ATTR_STRING'] as number,
  INT: realBinding['TF_ATTR_INT'] as number,
  FLOAT: realBinding['TF_ATTR_FLOAT'] as number,
  BOOL: realBinding['TF_ATTR_BOOL'] as number,
  TYPE: realBinding['TF_ATTR_TYPE'] as number,
  SHAPE: realBinding['TF_ATTR_SHAPE'] as number,
};

// --- the step ----------------------------------------------------------------------------------
// The benchmark's case: its critic (seeded weights) and its batches.
const setup = perfCase(criticId as PerfCriticId);
if (setup.step !== 'train-step') throw new Error(`${criticId}: not a createTrainStep case`);
const n = setup.n;
const critic = setup.createCritic(1, createCriticRegistry());
const eager = eagerTraining(critic, adam);
const batch = (step: number) => setup.sample(1000, step);
const variables = critic.trainableVariables as tf.Variable[];
const idOf = (t: tf.Tensor) => {
  // Uploads a value still held in JavaScript, so that it has a TensorFlow handle.
  (backend as unknown as { getInputTensorIds(ts: tf.Tensor[]): number[] }).getInputTensorIds([t]);
  return backend.tensorMap.get(t.dataId).id;
};

// --- trace one evaluation (forward, bound, backward) -----------------------------------------
interface OpRecord {
  readonly op: string;
  readonly attrs: NativeAttr[];
  readonly inputs: number[];
  readonly outputs: TensorMeta[];
}
const ops: OpRecord[] = [];
const uploads = new Map<number, { shape: number[]; dtype: number; values: ArrayLike<number> }>();
const traced = batch(0);
eager.run(traced); // one eager step first: every lazy constant exists
// The binding is a frozen native object: a proxy over an empty target forwards to it.
const target = realBinding;
backend.binding = new Proxy({} as Binding, {
  get(_, property) {
    const value = Reflect.get(target, property);
    if (property === 'executeOp') {
      return (op: string, attrs: NativeAttr[], inputs: number[], count: number) => {
        const outputs = target.executeOp(op, attrs, inputs, count);
        ops.push({ op, attrs, inputs: [...inputs], outputs });
        return outputs;
      };
    }
    if (property === 'createTensor') {
      return (shape: number[], dtype: number, values: ArrayLike<number>) => {
        const id = target.createTensor(shape, dtype, values);
        uploads.set(id, { shape: [...shape], dtype, values: Array.from(values) });
        return id;
      };
    }
    return typeof value === 'function' ? value.bind(target) : value;
  },
}) as Binding;
const xId = idOf(traced.x);
const yId = idOf(traced.y);
const variableIds = new Map(variables.map((v, k) => [idOf(v), k]));
const evaluation = eager.trainStep.evaluate(eager.state, traced, eager.context);
backend.binding = realBinding;
const lossId = idOf(evaluation.loss);
const gradientIds = variables.map((v) => idOf(evaluation.gradients[v.name] as tf.Tensor));
eager.trainStep.discard(evaluation);

// --- graph -------------------------------------------------------------------------------------
const graph = new GraphBuilder();
/** A binding attribute as a GraphDef one. */
function attrOf(a: NativeAttr): Attr {
  if (a.type === A.SHAPE) return { shape: a.value as number[] };
  if (a.type === A.TYPE) return { type: a.value as number };
  if (a.type === A.BOOL) return { b: a.value as boolean };
  if (a.type === A.STRING) return { s: a.value as string };
  if (a.type === A.INT) return { i: a.value as number | number[] };
  return { f: a.value as number | number[] };
}
graph.placeholder('x', traced.x.shape);
graph.placeholder('y', traced.y.shape);
const graphVariables: GraphVariable[] = variables.map((v, k) => graph.variable(`w${k}`, v.shape));
const produced = new Map<number, string>([
  [xId, 'x'],
  [yId, 'y'],
]);
for (const [id, k] of variableIds) produced.set(id, (graphVariables[k] as GraphVariable).read);
const knownTensors = () => [
  ...(
    backend.tensorMap as unknown as Map<object, { id: number; dtype: number; shape: number[] }>
  ).values(),
];
let constants = 0;
const source = (id: number): string => {
  const known = produced.get(id);
  if (known !== undefined) return known;
  // A tensor made before the trace or uploaded during it: its value now, as a constant.
  const upload = uploads.get(id);
  const meta =
    upload ??
    (() => {
      const info = knownTensors().find((i) => i.id === id);
      if (info === undefined) throw new Error(`tensor ${id} has no known origin`);
      return { shape: info.shape, dtype: info.dtype, values: realBinding.tensorDataSync(id) };
    })();
  const name = graph.constant(`const${constants++}`, meta.dtype, meta.shape, meta.values);
  produced.set(id, name);
  return name;
};
if (process.env['DUMP']) {
  for (const [k, r] of ops.entries()) {
    console.log(k, r.op, r.attrs.map((a) => a.name).join(','), r.inputs.join(','));
  }
}
// Eager ops infer their type attributes from the inputs; a GraphDef must state them. Which input
// each type attribute follows, for the ops whose kernels leave them out (T: the first input).
const typeSources: Record<string, Record<string, number | 'last'>> = {
  ExpandDims: { T: 0, Tdim: 1 },
  Reshape: { T: 0, Tshape: 1 },
  Transpose: { T: 0, Tperm: 1 },
  Tile: { T: 0, Tmultiples: 1 },
  Pad: { T: 0, Tpaddings: 1 },
  Slice: { T: 0, Index: 1 },
  StridedSlice: { T: 0, Index: 1 },
  ConcatV2: { T: 0, Tidx: 'last' },
  Fill: { T: 1, index_type: 0 },
  Select: { T: 1 },
  SelectV2: { T: 1 },
  GatherV2: { Tparams: 0, Tindices: 1, Taxis: 2 },
  Cast: { SrcT: 0 },
  ...Object.fromEntries(
    ['Sum', 'Mean', 'Max', 'Min', 'Prod', 'Any', 'All', 'ArgMax', 'ArgMin'].map((op) => [
      op,
      { T: 0, Tidx: 1 },
    ]),
  ),
};
const dtypes = new Map<number, number>([
  [xId, DT_FLOAT],
  [yId, DT_FLOAT],
]);
const dtypeOf = (id: number) =>
  dtypes.get(id) ??
  uploads.get(id)?.dtype ??
  knownTensors().find((i) => i.id === id)?.dtype ??
  DT_FLOAT;
for (const [k, record] of ops.entries()) {
  const attrs: Record<string, Attr> = Object.fromEntries(
    record.attrs.map((a) => [a.name, attrOf(a)]),
  );
  for (const [name, from] of Object.entries(typeSources[record.op] ?? { T: 0 })) {
    const input = from === 'last' ? record.inputs.length - 1 : from;
    if (attrs[name] === undefined && record.inputs[input] !== undefined) {
      attrs[name] = { type: dtypeOf(record.inputs[input] as number) };
    }
  }
  if (record.op === 'ConcatV2' && attrs['N'] === undefined) {
    attrs['N'] = { i: record.inputs.length - 1 };
  }
  for (const out of record.outputs) dtypes.set(out.id, out.dtype);
  graph.node(`op${k}`, record.op, record.inputs.map(source), attrs);
  for (const [j, out] of record.outputs.entries()) {
    produced.set(out.id, j === 0 ? `op${k}` : `op${k}:${j}`);
  }
}
graph.adam(graphVariables, gradientIds.map(source), adam, 'loss', source(lossId));
graph.initialiser(graphVariables);
const session = openSession(graph);
console.log(
  `${criticId}, n = ${n}: traced ${ops.length} TensorFlow ops (${uploads.size} uploads, ${constants} constants); graph of ${graph.size} nodes`,
);

// --- compare and time --------------------------------------------------------------------------
session
  .run(
    variables.map((v, k) => [`w${k}_init`, v] as const),
    'init_done',
  )
  .dispose();
// The eager optimiser starts over too: fresh moments from the same weights.
const graphStep = graphTraining(session, adam);
const eagerStep = eagerTraining(critic, adam).run;
let worst = 0;
const lines: string[] = [];
for (let step = 1; step <= 10; step++) {
  const b = batch(step);
  const g = graphStep(b);
  const e = eagerStep(b);
  worst = Math.max(worst, Math.abs(g - e));
  if (step === 1 || step === 10)
    lines.push(`step ${step}: graph ${g.toFixed(6)} eager ${e.toFixed(6)}`);
  tf.dispose([b.x, b.y]);
}
console.log(`  ${lines.join('; ')}; largest difference over 10 steps ${worst.toExponential(2)}`);
const batches = Array.from({ length: 8 }, (_, k) => batch(200 + k));
const graphMs = timeRounds(batches, steps, graphStep).median;
const eagerMs = timeRounds(batches, steps, eagerStep).median;
console.log(
  `  ms/step (median of 5 rounds, ${steps} steps): graph ${graphMs.toFixed(3)}, eager ${eagerMs.toFixed(3)} (${(eagerMs / graphMs).toFixed(2)}x); TF_NUM_INTRAOP_THREADS=${process.env['TF_NUM_INTRAOP_THREADS'] ?? '(default)'}`,
);
tf.dispose(batches.flatMap((b) => [b.x, b.y]));
