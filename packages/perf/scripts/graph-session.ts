// A TensorFlow graph built node by node, saved as a SavedModel with tfjs-node's own protobuf
// classes and run through its SavedModel binding (one Session::Run per call): what the
// perf-graph-*.ts measurements share. Not part of the package.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBoundRegistry } from '@mi/bounds';
import { createRandom } from '@mi/core';
import type { BoundInputContext, Critic } from '@mi/spec';
import { createTrainStep } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);
// tfjs-node's generated classes for the SavedModel format (what its loader reads).
// biome-ignore lint/suspicious/noExplicitAny: generated google-protobuf classes, untyped.
const pb: any = require('@tensorflow/tfjs-node/dist/proto/api_pb.js');

export const DT_FLOAT: number = pb.DataType.DT_FLOAT;
export const DT_INT32: number = pb.DataType.DT_INT32;

/** An attribute value: a type, bool, string, shape, int or float (or a list of ints/floats). */
export type Attr =
  | { readonly type: number }
  | { readonly b: boolean }
  | { readonly s: string }
  | { readonly shape: readonly number[] }
  | { readonly i: number | readonly number[] }
  | { readonly f: number | readonly number[] };

/** Adam's hyperparameters. */
export interface AdamHyperparameters {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** A variable of the graph (see `GraphBuilder.variable`). */
export interface GraphVariable {
  readonly name: string;
  readonly shape: readonly number[];
  /** The node reading its value. */
  readonly read: string;
}

const size = (shape: readonly number[]) => shape.reduce((product, d) => product * d, 1);

/**
 * The placeholders of `GraphBuilder.adam` for step t (from 1): β powers as float32 products, as
 * TF.js's Adam keeps them, and ε̂ = ε·√(1 − β₂ᵗ), which turns TensorFlow's update into
 * Kingma & Ba's Algorithm 1. New tensors, owned by the caller.
 */
export function adamFeeds(hyper: AdamHyperparameters, t: number): [string, tf.Tensor][] {
  let power1 = 1;
  let power2 = 1;
  for (let k = 0; k < t; k++) {
    power1 = Math.fround(power1 * Math.fround(hyper.beta1));
    power2 = Math.fround(power2 * Math.fround(hyper.beta2));
  }
  return [
    ['beta1_power', tf.scalar(power1)],
    ['beta2_power', tf.scalar(power2)],
    ['epsilon_hat', tf.scalar(hyper.epsilon * Math.sqrt(1 - power2))],
  ];
}

function shapeProto(shape: readonly number[]) {
  const s = new pb.TensorShape();
  for (const size of shape) {
    const dim = new pb.TensorShape.Dim();
    dim.setSize(size);
    s.addDim(dim);
  }
  return s;
}

function attrProto(a: Attr) {
  const v = new pb.AttrValue();
  if ('type' in a) v.setType(a.type);
  else if ('b' in a) v.setB(a.b);
  else if ('s' in a) v.setS(new TextEncoder().encode(a.s));
  else if ('shape' in a) v.setShape(shapeProto(a.shape));
  else {
    const value = 'i' in a ? a.i : a.f;
    if (typeof value === 'number') {
      if ('i' in a) v.setI(value);
      else v.setF(value);
    } else {
      const list = new pb.AttrValue.ListValue();
      if ('i' in a) list.setIList([...value]);
      else list.setFList([...value]);
      v.setList(list);
    }
  }
  return v;
}

/** The nodes of a GraphDef; each method adds one and returns its name. */
export class GraphBuilder {
  private readonly nodes: unknown[] = [];

  node(name: string, op: string, inputs: readonly string[], attrs: Record<string, Attr> = {}) {
    const def = new pb.NodeDef();
    def.setName(name);
    def.setOp(op);
    for (const input of inputs) def.addInput(input);
    for (const [key, a] of Object.entries(attrs)) def.getAttrMap().set(key, attrProto(a));
    this.nodes.push(def);
    return name;
  }

  constant(name: string, dtype: number, shape: readonly number[], values: ArrayLike<number>) {
    const t = new pb.Tensor();
    t.setDtype(dtype);
    t.setTensorShape(shapeProto(shape));
    const typed = dtype === DT_INT32 ? Int32Array.from(values) : Float32Array.from(values);
    t.setTensorContent(new Uint8Array(typed.buffer));
    const value = new pb.AttrValue();
    value.setTensor(t);
    const def = new pb.NodeDef();
    def.setName(name);
    def.setOp('Const');
    def.getAttrMap().set('dtype', attrProto({ type: dtype }));
    def.getAttrMap().set('value', value);
    this.nodes.push(def);
    return name;
  }

  placeholder(name: string, shape: readonly number[], dtype = DT_FLOAT) {
    return this.node(name, 'Placeholder', [], { dtype: { type: dtype }, shape: { shape } });
  }

  /** A float32 resource variable of the session, named after itself. */
  resource(name: string, shape: readonly number[]) {
    return this.node(name, 'VarHandleOp', [], {
      dtype: { type: DT_FLOAT },
      shape: { shape },
      shared_name: { s: name },
      container: { s: '' },
    });
  }

  /** A trained float32 variable: its resource, Adam's m and v beside it, and a read of it. */
  variable(name: string, shape: readonly number[]): GraphVariable {
    this.resource(name, shape);
    this.resource(`${name}_m`, shape);
    this.resource(`${name}_v`, shape);
    const read = this.node(`${name}_read`, 'ReadVariableOp', [name], { dtype: { type: DT_FLOAT } });
    return { name, shape, read };
  }

  /**
   * `init_done`: every variable from its placeholder `<name>_init`, its moments from zeros (one
   * run of it starts training).
   */
  initialiser(variables: readonly GraphVariable[]): string {
    const dtype = { dtype: { type: DT_FLOAT } };
    const assigns = variables.flatMap(({ name, shape }) => {
      this.placeholder(`${name}_init`, shape);
      const zeros = this.constant(`${name}_zeros`, DT_FLOAT, shape, new Float32Array(size(shape)));
      return [
        this.node(`${name}_assign`, 'AssignVariableOp', [name, `${name}_init`], dtype),
        this.node(`${name}_m_assign`, 'AssignVariableOp', [`${name}_m`, zeros], dtype),
        this.node(`${name}_v_assign`, 'AssignVariableOp', [`${name}_v`, zeros], dtype),
      ];
    });
    const zero = this.constant('init_value', DT_FLOAT, [], [0]);
    return this.node('init_done', 'Identity', [zero, ...assigns.map((a) => `^${a}`)], {
      T: { type: DT_FLOAT },
    });
  }

  /**
   * One `ResourceApplyAdam` per variable with its gradient, fed β₁ᵗ, β₂ᵗ and ε̂ = ε·√(1 − β₂ᵗ)
   * through the placeholders `beta1_power`, `beta2_power`, `epsilon_hat` (see `adamFeeds`); then
   * `output` as an Identity of `value` that runs after every update.
   */
  adam(
    variables: readonly GraphVariable[],
    gradients: readonly string[],
    hyper: AdamHyperparameters,
    output: string,
    value: string,
  ): string {
    const inputs = [
      this.placeholder('beta1_power', []),
      this.placeholder('beta2_power', []),
      this.constant('lr', DT_FLOAT, [], [hyper.learningRate]),
      this.constant('beta1', DT_FLOAT, [], [hyper.beta1]),
      this.constant('beta2', DT_FLOAT, [], [hyper.beta2]),
      this.placeholder('epsilon_hat', []),
    ];
    const applies = variables.map(({ name }, k) =>
      this.node(
        `${name}_apply`,
        'ResourceApplyAdam',
        [name, `${name}_m`, `${name}_v`, ...inputs, gradients[k] as string],
        { T: { type: DT_FLOAT }, use_locking: { b: false }, use_nesterov: { b: false } },
      ),
    );
    return this.node(output, 'Identity', [value, ...applies.map((a) => `^${a}`)], {
      T: { type: DT_FLOAT },
    });
  }

  get size(): number {
    return this.nodes.length;
  }

  /** The graph as a SavedModel (tag `serve`, no variables file) in a new temporary folder. */
  save(): string {
    const graph = new pb.GraphDef();
    graph.setNodeList(this.nodes);
    const versions = new pb.VersionDef();
    versions.setProducer(1645);
    graph.setVersions(versions);
    const metaGraph = new pb.MetaGraphDef();
    const info = new pb.MetaGraphDef.MetaInfoDef();
    info.addTags('serve');
    metaGraph.setMetaInfoDef(info);
    metaGraph.setGraphDef(graph);
    const savedModel = new pb.SavedModel();
    savedModel.setSavedModelSchemaVersion(1);
    savedModel.addMetaGraphs(metaGraph);
    const directory = mkdtempSync(join(tmpdir(), 'mi-graph-'));
    writeFileSync(join(directory, 'saved_model.pb'), savedModel.serializeBinary());
    return directory;
  }
}

/** The part of tfjs-node's backend that loads and runs SavedModels. */
interface SavedModelBackend {
  loadSavedModelMetaGraph(path: string, tags: string): number;
  runSavedModel(
    id: number,
    inputs: tf.Tensor[],
    infos: { name: string; tfDtype: string }[],
    outputs: string[],
  ): tf.Tensor[];
}

/** A session on the graph `builder` holds: `run(feeds, output)` is one Session::Run. */
export function openSession(builder: GraphBuilder) {
  const directory = builder.save();
  const backend = tf.backend() as unknown as SavedModelBackend;
  const session = backend.loadSavedModelMetaGraph(directory, 'serve');
  rmSync(directory, { recursive: true, force: true });
  return {
    run(feeds: readonly (readonly [string, tf.Tensor])[], output: string): tf.Tensor {
      return backend.runSavedModel(
        session,
        feeds.map(([, t]) => t),
        feeds.map(([name]) => ({ name: `${name}:0`, tfDtype: 'DT_FLOAT' })),
        [`${output}:0`],
      )[0] as tf.Tensor;
    },
  };
}

/** A batch of the step. */
export interface Batch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

type Session = ReturnType<typeof openSession>;

/**
 * Training through a graph that `GraphBuilder.adam` finished with output `loss`: each call feeds
 * the batch as `x`, `y` and Adam's scalars of the next step, and returns the loss.
 */
export function graphTraining(session: Session, hyper: AdamHyperparameters) {
  let t = 0;
  return (batch: Batch): number => {
    const feeds = adamFeeds(hyper, ++t);
    const loss = session.run([['x', batch.x], ['y', batch.y], ...feeds], 'loss');
    const value = loss.dataSync()[0] as number;
    tf.dispose([loss, ...feeds.map(([, f]) => f)]);
    return value;
  };
}

/**
 * TF.js's own training of `critic` (`createTrainStep`, InfoNCE, Adam with fresh moments):
 * `run(batch)` trains one step and returns the loss; `trainStep`, `context` and `state` are there
 * to trace a step.
 */
export function eagerTraining(critic: Critic, hyper: AdamHyperparameters) {
  const bound = createBoundRegistry().resolve('infonce');
  const context = {
    requires: bound.requires,
    random: createRandom(0),
  } as unknown as BoundInputContext;
  const trainStep = createTrainStep({ critic, bound, optimizer: { kind: 'adam', ...hyper } });
  let state = bound.initialState();
  return {
    trainStep,
    context,
    get state() {
      return state;
    },
    run(batch: Batch): number {
      const out = trainStep.run(state, batch, context);
      const loss = out.loss.dataSync()[0] as number;
      tf.dispose([out.loss, out.estimate, out.joint, out.logPartition, ...Object.values(state)]);
      state = out.state;
      return loss;
    },
  };
}

/** Medians of 5 rounds of `steps` calls (after a warm-up), in ms per call. */
export function timeRounds<T>(inputs: readonly T[], steps: number, f: (input: T) => void) {
  for (let i = 0; i < Math.min(50, steps); i++) f(inputs[i % inputs.length] as T);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < steps / 5; i++) f(inputs[i % inputs.length] as T);
    rounds.push((performance.now() - start) / (steps / 5));
  }
  return { median: [...rounds].sort((a, b) => a - b)[2] as number, rounds };
}
