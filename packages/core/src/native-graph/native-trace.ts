import * as tf from '@tensorflow/tfjs-core';
import { type NativeBackend, nativeBackend } from '../kernels/native-backend';

/** An attribute as tfjs-node's binding takes it for an eager op. */
export interface NativeAttr {
  readonly name: string;
  readonly type: number;
  readonly value: unknown;
}

/** A tensor of the binding: its handle id, shape and TensorFlow dtype (enum). */
export interface NativeTensorMeta {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: number;
}

/** One TensorFlow op the traced function executed. */
export interface TracedOp {
  readonly op: string;
  readonly attrs: readonly NativeAttr[];
  readonly inputs: readonly number[];
  readonly outputs: readonly NativeTensorMeta[];
}

/** A value the traced function used without computing it: an upload or an older tensor. */
export interface TracedConstant extends NativeTensorMeta {
  readonly values: ArrayLike<number>;
}

/**
 * The TensorFlow ops one call of a function executed on tfjs-node, and where each of their
 * operands came from: an input of the call, a TF.js variable (by name), an earlier op of the
 * call, or a constant (a value uploaded during the call or a tensor made before it). `refusal`
 * says why the call cannot be replayed as a graph (it read a value back, changed a variable or
 * called the binding in a way a graph cannot repeat), or is undefined.
 */
export interface NativeTrace {
  readonly inputs: readonly NativeTensorMeta[];
  readonly ops: readonly TracedOp[];
  readonly constants: ReadonlyMap<number, TracedConstant>;
  /** Handle ids of the TF.js variables the ops read, with the variables' names. */
  readonly variables: ReadonlyMap<
    number,
    { readonly name: string; readonly meta: NativeTensorMeta }
  >;
  readonly outputs: readonly number[];
  readonly refusal: string | undefined;
}

/** The binding's calls a trace records or lets through. */
interface Binding {
  executeOp(
    name: string,
    attrs: NativeAttr[],
    inputs: number[],
    outputs: number,
  ): NativeTensorMeta[];
  createTensor(shape: number[], dtype: number, values: ArrayLike<number>): number;
  tensorDataSync(id: number): ArrayLike<number>;
  readonly [key: string]: unknown;
}

/** The parts of tfjs-node's backend a trace reaches into (besides {@link NativeBackend}). */
interface TraceableBackend extends NativeBackend {
  binding: NativeBackend['binding'];
  getInputTensorIds(tensors: readonly tf.TensorInfo[]): number[];
  getDTypeInteger(dtype: tf.DataType): number;
}

/** Binding calls that a replayed graph does not need to repeat. */
const TRANSPARENT_CALLS = new Set(['executeOp', 'createTensor', 'deleteTensor', 'tensorDataSync']);

/** tfjs-node's backend when it is the active one and can be traced; otherwise undefined. */
export function traceableBackend(): TraceableBackend | undefined {
  const backend = nativeBackend(tf.backend()) as TraceableBackend | undefined;
  return backend !== undefined &&
    typeof backend.getInputTensorIds === 'function' &&
    typeof backend.getDTypeInteger === 'function'
    ? backend
    : undefined;
}

/** The handle id of each tensor (uploading values still held in JavaScript), with its meta. */
export function nativeMeta(
  backend: TraceableBackend,
  tensors: readonly tf.Tensor[],
): NativeTensorMeta[] {
  const ids = backend.getInputTensorIds(tensors);
  return tensors.map((t, k) => ({
    id: ids[k] as number,
    shape: [...t.shape],
    dtype: backend.getDTypeInteger(t.dtype),
  }));
}

/**
 * Runs `fn` eagerly on tfjs-node and records the TensorFlow ops it executes (every op goes
 * through the binding's `executeOp`, every JavaScript value through `createTensor`). `inputs`
 * are the tensors whose values change from call to call (a graph's placeholders); `fn` returns
 * the tensors a graph should give back. Returns `fn`'s outputs and the trace, or no trace where
 * the backend is not tfjs-node. The binding is restored whatever `fn` does.
 *
 * What a trace cannot see, and a caller must rule out (the training step compares two traces
 * and checks the graph against the eager step for this): a tensor made before the call and read
 * by it becomes a constant of the graph, so a value that changes between calls without being an
 * input is replayed as it was; and a tensor that shares a variable's TensorFlow handle (a clone
 * of it on tfjs-node) reads as that variable, fed with its current value.
 */
export function traceNativeOps(
  inputs: readonly tf.Tensor[],
  fn: () => readonly tf.Tensor[],
): { readonly outputs: readonly tf.Tensor[]; readonly trace: NativeTrace | undefined } {
  const backend = traceableBackend();
  if (backend === undefined) return { outputs: fn(), trace: undefined };
  const inputMeta = nativeMeta(backend, inputs);
  const variableIds = new Map<number, { name: string; meta: NativeTensorMeta }>();
  const registered = Object.values(tf.engine().registeredVariables);
  const variableMeta = nativeMeta(backend, registered);
  registered.forEach((v, k) => {
    const meta = variableMeta[k] as NativeTensorMeta;
    variableIds.set(meta.id, { name: v.name, meta });
  });
  const dataIdsBefore = new Map(registered.map((v) => [v.name, v.dataId]));

  const real = backend.binding as unknown as Binding;
  const ops: TracedOp[] = [];
  const constants = new Map<number, TracedConstant>();
  const produced = new Set<number>(inputMeta.map((m) => m.id));
  for (const id of variableIds.keys()) produced.add(id);
  /** Shapes and dtypes of the tensors the kernels hand to the binding, by handle id. */
  const seen = new Map<number, NativeTensorMeta>();
  let refusal: string | undefined;
  const refuse = (reason: string) => {
    refusal ??= reason;
  };

  const proxy = new Proxy({} as Binding, {
    get(_, property) {
      const value = Reflect.get(real, property);
      if (property === 'executeOp') {
        return (op: string, attrs: NativeAttr[], ids: number[], count: number) => {
          for (const id of ids) {
            if (produced.has(id) || constants.has(id)) continue;
            // A tensor made before the call: its value now is a constant of the graph.
            const meta = seen.get(id);
            if (meta === undefined) refuse(`op ${op} read a tensor of unknown origin`);
            else constants.set(id, { ...meta, values: Array.from(real.tensorDataSync(id)) });
          }
          const outputs = real.executeOp(op, attrs, ids, count);
          ops.push({ op, attrs: [...attrs], inputs: [...ids], outputs });
          for (const out of outputs) produced.add(out.id);
          return outputs;
        };
      }
      if (property === 'createTensor') {
        return (shape: number[], dtype: number, values: ArrayLike<number>) => {
          const id = real.createTensor(shape, dtype, values);
          constants.set(id, { id, shape: [...shape], dtype, values: Array.from(values) });
          return id;
        };
      }
      if (property === 'tensorDataSync') {
        return (id: number) => {
          refuse('the step reads a tensor back to JavaScript (its ops depend on values)');
          return real.tensorDataSync(id);
        };
      }
      if (typeof value === 'function') {
        if (!TRANSPARENT_CALLS.has(String(property)))
          refuse(`the step calls binding.${String(property)}`);
        return value.bind(real);
      }
      return value;
    },
  });
  const ownGetIds = Object.hasOwn(backend, 'getInputTensorIds');
  const getIds = backend.getInputTensorIds;
  backend.getInputTensorIds = (tensors) => {
    const ids = getIds.call(backend, tensors);
    tensors.forEach((t, k) => {
      seen.set(ids[k] as number, {
        id: ids[k] as number,
        shape: [...t.shape],
        dtype: backend.getDTypeInteger(t.dtype),
      });
    });
    return ids;
  };
  backend.binding = proxy as unknown as NativeBackend['binding'];
  let outputs: readonly tf.Tensor[];
  try {
    outputs = fn();
  } finally {
    backend.binding = real as unknown as NativeBackend['binding'];
    if (ownGetIds) backend.getInputTensorIds = getIds;
    else delete (backend as Partial<TraceableBackend>).getInputTensorIds;
  }
  const variablesAfter = Object.values(tf.engine().registeredVariables);
  if (
    variablesAfter.length !== dataIdsBefore.size ||
    variablesAfter.some((v) => dataIdsBefore.get(v.name) !== v.dataId)
  ) {
    refuse('the step creates or assigns TF.js variables');
  }
  const outputIds = nativeMeta(backend, outputs).map((m) => m.id);
  for (const [k, id] of outputIds.entries()) {
    if (!produced.has(id) && !constants.has(id)) {
      // An output made before the call (a constant the step returns as it is).
      const t = outputs[k] as tf.Tensor;
      constants.set(id, {
        id,
        shape: [...t.shape],
        dtype: backend.getDTypeInteger(t.dtype),
        values: Array.from(real.tensorDataSync(id)),
      });
    }
  }
  const usedVariables = new Map(
    [...variableIds].filter(
      ([id]) => ops.some((o) => o.inputs.includes(id)) || outputIds.includes(id),
    ),
  );
  return {
    outputs,
    trace: {
      inputs: inputMeta,
      ops,
      constants,
      variables: usedVariables,
      outputs: outputIds,
      refusal,
    },
  };
}
