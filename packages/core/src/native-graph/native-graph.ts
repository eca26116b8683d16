import { InvalidArgumentError, InvalidStateError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { type GraphAttr, GraphDefBuilder, graphProtoClasses, TF_DTYPE } from './graph-def';
import {
  type NativeAttr,
  type NativeTensorMeta,
  type NativeTrace,
  traceableBackend,
} from './native-trace';
import { type OperandSource, type TraceSignature, traceSignature } from './trace-signature';

/**
 * Eager ops infer their type attributes from their operands; a GraphDef must state them. For the
 * ops whose tfjs-node kernels leave some out: the operand each follows ('last': the last one).
 * Any other op's missing `T` follows its first operand.
 */
const TYPE_SOURCES: Readonly<Record<string, Readonly<Record<string, number | 'last'>>>> = {
  ExpandDims: { T: 0, Tdim: 1 },
  Reshape: { T: 0, Tshape: 1 },
  Transpose: { T: 0, Tperm: 1 },
  Tile: { T: 0, Tmultiples: 1 },
  Pad: { T: 0, Tpaddings: 1 },
  PadV2: { T: 0, Tpaddings: 1 },
  MirrorPad: { T: 0, Tpaddings: 1 },
  Slice: { T: 0, Index: 1 },
  StridedSlice: { T: 0, Index: 1 },
  ConcatV2: { T: 0, Tidx: 'last' },
  Fill: { T: 1, index_type: 0 },
  BroadcastTo: { T: 0, Tidx: 1 },
  Select: { T: 1 },
  SelectV2: { T: 1 },
  GatherV2: { Tparams: 0, Tindices: 1, Taxis: 2 },
  GatherNd: { Tparams: 0, Tindices: 1 },
  ScatterNd: { T: 1, Tindices: 0 },
  UnsortedSegmentSum: { T: 0, Tindices: 1, Tnumsegments: 2 },
  OneHot: { T: 2, TI: 0 },
  Range: { Tidx: 0 },
  SplitV: { T: 0, Tlen: 1 },
  Split: { T: 1 },
  ReverseV2: { T: 0, Tidx: 1 },
  Cumsum: { T: 0, Tidx: 1 },
  Cast: { SrcT: 0 },
  ...Object.fromEntries(
    ['Sum', 'Mean', 'Max', 'Min', 'Prod', 'Any', 'All', 'ArgMax', 'ArgMin'].map((op) => [
      op,
      { T: 0, Tidx: 1 },
    ]),
  ),
};

/** Ops without a type attribute (the `T` default would be an unknown attribute to TensorFlow). */
const UNTYPED_OPS: ReadonlySet<string> = new Set(['LogicalNot', 'LogicalAnd', 'LogicalOr', 'NoOp']);

/** Ops whose `N` counts their operands (ConcatV2's last operand is the axis). */
const COUNTED_OPERANDS: Readonly<Record<string, number>> = { ConcatV2: 1, Pack: 0, AddN: 0 };

/**
 * A function that tfjs-node ran eagerly, replayed as one TensorFlow graph in a session of its own:
 * one `Session::Run` per call instead of one binding call per op, with TensorFlow's graph
 * optimisations. Made by {@link compileNativeGraph} from a {@link NativeTrace}. Each TF.js
 * variable the traced ops read is a placeholder whose default is a resource variable of the
 * session: `run` feeds the variables' current values (assignments between runs are seen);
 * `runNodes` reads the session's copies, which `loadVariables` writes and an extension's ops may
 * update in place (an optimiser's step).
 */
export interface NativeGraph {
  /** Nodes of the graph (placeholders, constants, ops, outputs). */
  readonly nodeCount: number;
  /** The traced ops it replays. */
  readonly opCount: number;
  /** The traced call's outputs. */
  readonly outputCount: number;
  /** The TF.js variables the traced ops read (fed by `run`, held by the session for `runNodes`). */
  readonly variableNames: readonly string[];
  /**
   * Runs the graph on `inputs` (shaped and typed as the traced call's) with the variables' values
   * now, and returns the outputs at the positions `fetch` lists, as new tensors the caller owns.
   */
  run(inputs: readonly tf.Tensor[], fetch: readonly number[]): tf.Tensor[];
  /**
   * Runs the graph with the session's copies of the variables, feeding placeholders by name
   * (`inputNode(k)`, an extension's) and fetching nodes by name (`outputNode(k)`, an extension's;
   * `name:k` for output k of a node). New tensors the caller owns.
   */
  runNodes(feeds: readonly (readonly [string, tf.Tensor])[], fetch: readonly string[]): tf.Tensor[];
  /** Writes the variables' current values into the session's copies. */
  loadVariables(): void;
  /** The placeholder of the traced call's input `k`. */
  inputNode(k: number): string;
  /** The node of the traced call's output `k`. */
  outputNode(k: number): string;
  /** Frees the session. */
  dispose(): void;
}

/** Nodes of a compiled trace that a {@link GraphExtension} can build on. */
export interface TraceNodes {
  /** The node giving a TF.js variable's value, by the variable's name (undefined: not read). */
  variable(name: string): string | undefined;
  /** The session's resource variable holding that variable's value for `runNodes`. */
  variableResource(name: string): string | undefined;
  /** The node of the traced call's output `k`. */
  output(k: number): string;
  /** A prefix unique to this graph, for the shared names of the extension's resources. */
  readonly scope: string;
}

/**
 * Nodes appended to a compiled trace, such as an optimiser's update of the variables from the
 * traced gradients; `NativeGraph.runNodes` feeds and fetches them by name.
 */
export type GraphExtension = (builder: GraphDefBuilder, nodes: TraceNodes) => void;

/** The part of tfjs-node's backend that loads and runs SavedModels. */
interface SessionBackend {
  loadSavedModelMetaGraph(path: string, tags: string): number;
  deleteSavedModel(id: number): void;
  runSavedModel(
    id: number,
    inputs: tf.Tensor[],
    infos: { name: string; tfDtype: string }[],
    outputs: string[],
  ): tf.Tensor[];
}

/** Graphs compiled in this process: their resources' shared names start with `g<count>_`. */
let compiledGraphs = 0;

const DTYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'DT_FLOAT',
  3: 'DT_INT32',
  10: 'DT_BOOL',
};

/**
 * The graph of a trace whose `refusal` is undefined (see {@link traceNativeOps}), loaded into a
 * session of tfjs-node. Throws `InvalidStateError` off tfjs-node or without its protobuf classes;
 * `InvalidArgumentError` for a refused trace, constants of a dtype other than float32, int32 or
 * bool, or an extension that adds a node name twice; TensorFlow's own error when the graph does
 * not load (an op this module cannot state the attributes of).
 */
export function compileNativeGraph(trace: NativeTrace, extension?: GraphExtension): NativeGraph {
  const backend = traceableBackend();
  const pb = graphProtoClasses();
  if (backend === undefined || pb === undefined) {
    throw new InvalidStateError({
      functionName: 'compileNativeGraph',
      state: 'off tfjs-node',
      message: `compileNativeGraph: graphs run on tfjs-node only (the active backend is '${tf.getBackend()}'${pb === undefined ? ', and its protobuf classes are not installed' : ''})`,
    });
  }
  if (trace.refusal !== undefined) {
    throw new InvalidArgumentError({
      functionName: 'compileNativeGraph',
      parameter: 'trace',
      value: trace.refusal,
      expected: 'a trace that can be replayed as a graph',
    });
  }
  const signature = traceSignature(trace);
  const builder = new GraphDefBuilder(pb);
  const dtypeOfSource = sourceDtypes(trace, signature);
  trace.inputs.forEach((meta, k) => {
    builder.placeholder(`input${k}`, meta.dtype, meta.shape);
  });
  const variableMeta = new Map([...trace.variables.values()].map((v) => [v.name, v.meta]));
  const variableNames = [...new Set(signature.variables)];
  const scope = `g${++compiledGraphs}_`;
  const loads = variableNames.map((name, k) => {
    const { dtype, shape } = variableMeta.get(name) as NativeTensorMeta;
    const resource = builder.node(`variable${k}_resource`, 'VarHandleOp', [], {
      dtype: { type: dtype },
      shape: { shape },
      container: { s: '' },
      shared_name: { s: `${scope}variable${k}` },
    });
    const read = builder.node(`variable${k}_read`, 'ReadVariableOp', [resource], {
      dtype: { type: dtype },
    });
    builder.placeholderWithDefault(`variable${k}`, read, dtype, shape);
    const load = builder.placeholder(`variable${k}_load`, dtype, shape);
    return builder.node(`variable${k}_assign`, 'AssignVariableOp', [resource, load], {
      dtype: { type: dtype },
    });
  });
  builder.constant('variables_loaded_value', TF_DTYPE.float32, [], [0]);
  builder.node(
    'variables_loaded',
    'Identity',
    ['variables_loaded_value', ...loads.map((assign) => `^${assign}`)],
    { T: { type: TF_DTYPE.float32 } },
  );
  // Each constant behind a PlaceholderWithDefault: TensorFlow's graph optimiser does not fold or
  // push constants through arithmetic it cannot see as constant, rewrites that change roundings
  // (x − c computed before a sum, x / c as x · (1/c)) and so the step's bits.
  signature.constants.forEach((c, k) => {
    const value = builder.constant(`constant${k}_value`, c.dtype, c.shape, c.values);
    builder.placeholderWithDefault(`constant${k}`, value, c.dtype, c.shape);
  });
  const nodeOf = (source: OperandSource): string => {
    switch (source.kind) {
      case 'input':
        return `input${source.index}`;
      case 'variable':
        return `variable${variableNames.indexOf(source.name)}`;
      case 'constant':
        return `constant${source.index}`;
      default:
        return source.output === 0 ? `op${source.index}` : `op${source.index}:${source.output}`;
    }
  };
  signature.ops.forEach((record, k) => {
    const traced = trace.ops[k] as NativeTrace['ops'][number];
    const attrs = graphAttrs(traced.attrs, backend.binding);
    const sources = TYPE_SOURCES[record.op] ?? (UNTYPED_OPS.has(record.op) ? {} : { T: 0 });
    for (const [name, from] of Object.entries(sources)) {
      const operand = record.inputs[from === 'last' ? record.inputs.length - 1 : from];
      if (attrs[name] === undefined && operand !== undefined) {
        attrs[name] = { type: dtypeOfSource(operand) };
      }
    }
    const counted = COUNTED_OPERANDS[record.op];
    if (counted !== undefined && attrs['N'] === undefined) {
      attrs['N'] = { i: record.inputs.length - counted };
    }
    builder.node(`op${k}`, record.op, record.inputs.map(nodeOf), attrs);
  });
  signature.outputs.forEach((source, k) => {
    builder.node(`output${k}`, 'Identity', [nodeOf(source)], {
      T: { type: dtypeOfSource(source) },
    });
  });
  const variableIndex = (name: string) => {
    const k = variableNames.indexOf(name);
    return k < 0 ? undefined : k;
  };
  extension?.(builder, {
    variable: (name) => {
      const k = variableIndex(name);
      return k === undefined ? undefined : `variable${k}`;
    },
    variableResource: (name) => {
      const k = variableIndex(name);
      return k === undefined ? undefined : `variable${k}_resource`;
    },
    output: (k) => `output${k}`,
    scope,
  });
  const session = openGraphSession(builder);
  const runNamed = session.run;
  const functionName = 'NativeGraph.run';
  const currentVariables = () =>
    variableNames.map((name) => {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined || variable.isDisposed) {
        throw new InvalidStateError({
          functionName,
          state: 'variable disposed',
          message: `${functionName}: the variable '${name}' the graph reads was disposed`,
        });
      }
      return variable;
    });
  return {
    nodeCount: builder.size,
    opCount: signature.ops.length,
    outputCount: signature.outputs.length,
    variableNames,
    run(inputs, fetch) {
      if (inputs.length !== trace.inputs.length) {
        throw new InvalidArgumentError({
          functionName,
          parameter: 'inputs',
          value: inputs.length,
          expected: `${trace.inputs.length} tensors, as in the traced call`,
        });
      }
      for (const k of fetch) {
        if (!Number.isInteger(k) || k < 0 || k >= signature.outputs.length) {
          throw new InvalidArgumentError({
            functionName,
            parameter: 'fetch',
            value: k,
            expected: `output positions in [0, ${signature.outputs.length})`,
          });
        }
      }
      const variables = currentVariables();
      return runNamed(
        [
          ...inputs.map((t, k) => [`input${k}`, t] as const),
          ...variables.map((v, k) => [`variable${k}`, v as tf.Tensor] as const),
        ],
        fetch.map((k) => `output${k}`),
      );
    },
    runNodes: runNamed,
    loadVariables() {
      const variables = currentVariables();
      tf.dispose(
        runNamed(
          variables.map((v, k) => [`variable${k}_load`, v as tf.Tensor] as const),
          ['variables_loaded'],
        ),
      );
    },
    inputNode: (k) => `input${k}`,
    outputNode: (k) => `output${k}`,
    dispose: session.dispose,
  };
}

/** A TensorFlow session on a graph (see {@link openGraphSession}). */
export interface GraphSession {
  /**
   * One `Session::Run`: feeds placeholders by name (checked against the graph's placeholders,
   * shape and type), fetches nodes by name (`name:k` for output k). New tensors the caller owns.
   */
  run(feeds: readonly (readonly [string, tf.Tensor])[], fetch: readonly string[]): tf.Tensor[];
  /** Frees the session (idempotent); `run` then throws `InvalidStateError`. */
  dispose(): void;
}

/**
 * Loads the graph `builder` holds into a session of tfjs-node (written as a SavedModel to a
 * temporary folder, removed after loading). Throws `InvalidStateError` off tfjs-node, and
 * TensorFlow's own error when the graph does not load.
 */
export function openGraphSession(builder: GraphDefBuilder): GraphSession {
  const backend = traceableBackend();
  if (backend === undefined) {
    throw new InvalidStateError({
      functionName: 'openGraphSession',
      state: 'off tfjs-node',
      message: `openGraphSession: graphs run on tfjs-node only (the active backend is '${tf.getBackend()}')`,
    });
  }
  const sessions = backend as unknown as SessionBackend;
  const session = builder.withSavedModel((directory) =>
    sessions.loadSavedModelMetaGraph(directory, 'serve'),
  );
  const functionName = 'GraphSession.run';
  let disposed = false;
  return {
    run: (feeds: readonly (readonly [string, tf.Tensor])[], fetch: readonly string[]) => {
      if (disposed) throw new InvalidStateError({ functionName, state: 'disposed' });
      for (const [name, t] of feeds) {
        const placeholder = builder.placeholderOf(name);
        if (placeholder === undefined) {
          throw new InvalidArgumentError({
            functionName,
            parameter: 'feeds',
            value: name,
            expected: 'names of placeholders of the graph',
          });
        }
        if (
          !tf.util.arraysEqual(t.shape, [...placeholder.shape]) ||
          backend.getDTypeInteger(t.dtype) !== placeholder.dtype
        ) {
          throw new InvalidArgumentError({
            functionName,
            parameter: name,
            value: `${t.dtype} [${t.shape.join(', ')}]`,
            expected: `a tensor of shape [${placeholder.shape.join(', ')}] as placeholder ${name} takes`,
          });
        }
      }
      for (const name of fetch) {
        if (!builder.has(name.replace(/:\d+$/, ''))) {
          throw new InvalidArgumentError({
            functionName,
            parameter: 'fetch',
            value: name,
            expected: 'names of nodes of the graph',
          });
        }
      }
      return sessions.runSavedModel(
        session,
        feeds.map(([, t]) => t),
        feeds.map(([name, t]) => ({
          name: `${name}:0`,
          tfDtype: dtypeName(backend.getDTypeInteger(t.dtype)),
        })),
        fetch.map((name) => (name.includes(':') ? name : `${name}:0`)),
      );
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      sessions.deleteSavedModel(session);
    },
  };
}

function dtypeName(dtype: number): string {
  const name = DTYPE_NAMES[dtype];
  if (name === undefined) {
    throw new InvalidArgumentError({
      functionName: 'GraphSession.run',
      parameter: 'feeds',
      value: `TensorFlow dtype ${dtype}`,
      expected: 'float32, int32 or bool tensors',
    });
  }
  return name;
}

/** The TensorFlow dtype of each operand source of a trace. */
function sourceDtypes(trace: NativeTrace, signature: TraceSignature) {
  const variableDtypes = new Map([...trace.variables.values()].map((v) => [v.name, v.meta.dtype]));
  return (source: OperandSource): number => {
    switch (source.kind) {
      case 'input':
        return (trace.inputs[source.index] as NativeTensorMeta).dtype;
      case 'variable':
        return variableDtypes.get(source.name) as number;
      case 'constant':
        return (signature.constants[source.index] as NativeTensorMeta).dtype;
      default:
        return (trace.ops[source.index]?.outputs[source.output] as NativeTensorMeta).dtype;
    }
  };
}

/** A binding attribute list as GraphDef attributes. */
function graphAttrs(
  attrs: readonly NativeAttr[],
  binding: {
    readonly TF_ATTR_SHAPE: number;
    readonly TF_ATTR_TYPE: number;
    readonly TF_ATTR_BOOL: number;
    readonly TF_ATTR_STRING: number;
    readonly TF_ATTR_INT: number;
  },
): Record<string, GraphAttr> {
  const out: Record<string, GraphAttr> = {};
  for (const { name, type, value } of attrs) {
    if (type === binding.TF_ATTR_SHAPE) out[name] = { shape: value as number[] };
    else if (type === binding.TF_ATTR_TYPE) out[name] = { type: value as number | number[] };
    else if (type === binding.TF_ATTR_BOOL) out[name] = { b: value as boolean };
    else if (type === binding.TF_ATTR_STRING) out[name] = { s: value as string };
    else if (type === binding.TF_ATTR_INT) out[name] = { i: value as number | number[] };
    else out[name] = { f: value as number | number[] };
  }
  return out;
}
