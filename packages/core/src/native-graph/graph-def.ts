import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@mi/spec';

/**
 * tfjs-node's generated protobuf classes for the SavedModel format: the schema its own loader
 * reads, at its version. Undefined when neither tfjs-node build is installed.
 */
// biome-ignore lint/suspicious/noExplicitAny: generated google-protobuf classes, untyped.
type ProtoClasses = any;

let protoClasses: ProtoClasses | null | undefined;

/** The classes of the installed tfjs-node (CPU or GPU build), loaded once; undefined without one. */
export function graphProtoClasses(): ProtoClasses | undefined {
  if (protoClasses === undefined) {
    protoClasses = null;
    const require = createRequire(import.meta.url);
    for (const packageName of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
      try {
        protoClasses = require(`${packageName}/dist/proto/api_pb.js`);
        break;
      } catch {
        // Not installed: try the other build.
      }
    }
  }
  return protoClasses ?? undefined;
}

/** An attribute of a node: a type (or list), bool, string, shape, int or float (or a list). */
export type GraphAttr =
  | { readonly type: number | readonly number[] }
  | { readonly b: boolean }
  | { readonly s: string }
  | { readonly shape: readonly number[] }
  | { readonly i: number | readonly number[] }
  | { readonly f: number | readonly number[] };

/** TensorFlow's dtype enum values this module writes constants of. */
export const TF_DTYPE = { float32: 1, int32: 3, bool: 10 } as const;

function shapeProto(pb: ProtoClasses, shape: readonly number[]) {
  const proto = new pb.TensorShape();
  for (const size of shape) {
    const dim = new pb.TensorShape.Dim();
    dim.setSize(size);
    proto.addDim(dim);
  }
  return proto;
}

function attrProto(pb: ProtoClasses, attr: GraphAttr) {
  const value = new pb.AttrValue();
  if ('type' in attr) {
    if (typeof attr.type === 'number') value.setType(attr.type);
    else {
      const list = new pb.AttrValue.ListValue();
      list.setTypeList([...attr.type]);
      value.setList(list);
    }
  } else if ('b' in attr) value.setB(attr.b);
  else if ('s' in attr) value.setS(new TextEncoder().encode(attr.s));
  else if ('shape' in attr) value.setShape(shapeProto(pb, attr.shape));
  else {
    const numbers = 'i' in attr ? attr.i : attr.f;
    if (typeof numbers === 'number') {
      if ('i' in attr) value.setI(numbers);
      else value.setF(numbers);
    } else {
      const list = new pb.AttrValue.ListValue();
      if ('i' in attr) list.setIList([...numbers]);
      else list.setFList([...numbers]);
      value.setList(list);
    }
  }
  return value;
}

/** The bytes of a constant's values in TensorFlow's layout for `dtype` (one of {@link TF_DTYPE}). */
function constantBytes(dtype: number, values: ArrayLike<number>): Uint8Array {
  switch (dtype) {
    case TF_DTYPE.float32:
      return new Uint8Array(Float32Array.from(values).buffer);
    case TF_DTYPE.int32:
      return new Uint8Array(Int32Array.from(values).buffer);
    case TF_DTYPE.bool:
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
    default:
      throw new InvalidArgumentError({
        functionName: 'GraphDefBuilder.constant',
        parameter: 'dtype',
        value: dtype,
        expected: 'TensorFlow float32 (1), int32 (3) or bool (10)',
      });
  }
}

/**
 * A TensorFlow GraphDef built node by node and written as a SavedModel (tag `serve`, no
 * variables): the one format tfjs-node's binding can load as a session.
 */
export class GraphDefBuilder {
  private readonly nodes: unknown[] = [];
  private readonly names = new Set<string>();
  private readonly placeholders = new Map<string, { dtype: number; shape: readonly number[] }>();
  private readonly defaults = new Map<string, { dtype: number; shape: readonly number[] }>();

  constructor(private readonly pb: ProtoClasses) {}

  /** Adds a node; returns its name. Inputs: `name`, `name:k` (output k) or `^name` (control). */
  node(
    name: string,
    op: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, GraphAttr>> = {},
  ): string {
    this.claim(name);
    const def = new this.pb.NodeDef();
    def.setName(name);
    def.setOp(op);
    for (const input of inputs) def.addInput(input);
    for (const [key, attr] of Object.entries(attrs)) {
      def.getAttrMap().set(key, attrProto(this.pb, attr));
    }
    this.nodes.push(def);
    return name;
  }

  /** A `Const` node holding `values` (row-major) of `shape`. */
  constant(
    name: string,
    dtype: number,
    shape: readonly number[],
    values: ArrayLike<number>,
  ): string {
    const tensor = new this.pb.Tensor();
    tensor.setDtype(dtype);
    tensor.setTensorShape(shapeProto(this.pb, shape));
    tensor.setTensorContent(constantBytes(dtype, values));
    const value = new this.pb.AttrValue();
    value.setTensor(tensor);
    this.claim(name);
    const def = new this.pb.NodeDef();
    def.setName(name);
    def.setOp('Const');
    def.getAttrMap().set('dtype', attrProto(this.pb, { type: dtype }));
    def.getAttrMap().set('value', value);
    this.nodes.push(def);
    return name;
  }

  placeholder(name: string, dtype: number, shape: readonly number[]): string {
    this.node(name, 'Placeholder', [], { dtype: { type: dtype }, shape: { shape } });
    this.placeholders.set(name, { dtype, shape: [...shape] });
    return name;
  }

  /** The dtype and shape of placeholder `name`, or undefined when there is none of that name. */
  placeholderOf(
    name: string,
  ): { readonly dtype: number; readonly shape: readonly number[] } | undefined {
    return this.placeholders.get(name) ?? this.defaults.get(name);
  }

  /**
   * A `PlaceholderWithDefault`: `input`'s value unless fed. Fed like a placeholder (its dtype
   * and shape are checked the same way).
   */
  placeholderWithDefault(
    name: string,
    input: string,
    dtype: number,
    shape: readonly number[],
  ): string {
    this.node(name, 'PlaceholderWithDefault', [input], {
      dtype: { type: dtype },
      shape: { shape },
    });
    this.defaults.set(name, { dtype, shape: [...shape] });
    return name;
  }

  /** Whether the graph has a node of that name. */
  has(name: string): boolean {
    return this.names.has(name);
  }

  private claim(name: string): void {
    if (this.names.has(name)) {
      throw new InvalidArgumentError({
        functionName: 'GraphDefBuilder.node',
        parameter: 'name',
        value: name,
        expected: 'a name no other node of the graph has',
      });
    }
    this.names.add(name);
  }

  get size(): number {
    return this.nodes.length;
  }

  /**
   * Writes the graph as a SavedModel into a new temporary folder and hands its path to `use`
   * (which loads it); the folder is removed afterwards, whatever `use` does.
   */
  withSavedModel<T>(use: (directory: string) => T): T {
    const graph = new this.pb.GraphDef();
    graph.setNodeList(this.nodes);
    const versions = new this.pb.VersionDef();
    // A producer version of TensorFlow 2.x's GraphDef format (any recent one reads the same).
    versions.setProducer(1645);
    graph.setVersions(versions);
    const metaGraph = new this.pb.MetaGraphDef();
    const info = new this.pb.MetaGraphDef.MetaInfoDef();
    info.addTags('serve');
    metaGraph.setMetaInfoDef(info);
    metaGraph.setGraphDef(graph);
    const savedModel = new this.pb.SavedModel();
    savedModel.setSavedModelSchemaVersion(1);
    savedModel.addMetaGraphs(metaGraph);
    const directory = mkdtempSync(join(tmpdir(), 'mi-graph-'));
    try {
      writeFileSync(join(directory, 'saved_model.pb'), savedModel.serializeBinary());
      return use(directory);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }
}
