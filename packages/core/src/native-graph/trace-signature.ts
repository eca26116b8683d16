import { InvalidArgumentError } from '@mi/spec';
import type { NativeTrace, TracedConstant } from './native-trace';

/** Where an operand comes from, independent of handle ids. */
export type OperandSource =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'op'; readonly index: number; readonly output: number }
  | { readonly kind: 'constant'; readonly index: number };

/**
 * A trace without its handle ids: each operand as its source, constants numbered by first use.
 * Two calls that give equal signatures ran the same ops on the same constants, so one graph
 * replays both.
 */
export interface TraceSignature {
  readonly ops: readonly {
    readonly op: string;
    readonly attrs: string;
    readonly inputs: readonly OperandSource[];
  }[];
  readonly outputs: readonly OperandSource[];
  readonly constants: readonly TracedConstant[];
  /** The variables by order of first use. */
  readonly variables: readonly string[];
}

/** The signature of a trace (see {@link TraceSignature}). */
export function traceSignature(trace: NativeTrace): TraceSignature {
  const sources = new Map<number, OperandSource>();
  trace.inputs.forEach((meta, index) => {
    if (!sources.has(meta.id)) sources.set(meta.id, { kind: 'input', index });
  });
  const constants: TracedConstant[] = [];
  const variables: string[] = [];
  const sourceOf = (id: number): OperandSource => {
    const known = sources.get(id);
    if (known !== undefined) return known;
    const variable = trace.variables.get(id);
    let source: OperandSource;
    if (variable !== undefined) {
      variables.push(variable.name);
      source = { kind: 'variable', name: variable.name };
    } else {
      const constant = trace.constants.get(id);
      if (constant === undefined) {
        throw new InvalidArgumentError({
          functionName: 'traceSignature',
          parameter: 'trace',
          value: `operand ${id}`,
          expected:
            'a trace in which every operand is an input, a variable, an op output or a constant',
        });
      }
      constants.push(constant);
      source = { kind: 'constant', index: constants.length - 1 };
    }
    sources.set(id, source);
    return source;
  };
  const ops = trace.ops.map((record, index) => {
    const inputs = record.inputs.map(sourceOf);
    record.outputs.forEach((out, output) => {
      sources.set(out.id, { kind: 'op', index, output });
    });
    return { op: record.op, attrs: JSON.stringify(record.attrs), inputs };
  });
  return { ops, outputs: trace.outputs.map(sourceOf), constants, variables };
}

const sameSource = (a: OperandSource, b: OperandSource) => JSON.stringify(a) === JSON.stringify(b);

function sameConstant(a: TracedConstant, b: TracedConstant): boolean {
  if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return false;
  if (a.values.length !== b.values.length) return false;
  for (let k = 0; k < a.values.length; k++) {
    if (!Object.is(a.values[k], b.values[k])) return false;
  }
  return true;
}

/** Where two signatures first differ, in words; undefined when they are the same. */
export function signatureDifference(a: TraceSignature, b: TraceSignature): string | undefined {
  if (a.ops.length !== b.ops.length) {
    return `the two traced steps ran ${a.ops.length} and ${b.ops.length} TensorFlow ops`;
  }
  for (let k = 0; k < a.ops.length; k++) {
    const x = a.ops[k] as TraceSignature['ops'][number];
    const y = b.ops[k] as TraceSignature['ops'][number];
    if (
      x.op !== y.op ||
      x.attrs !== y.attrs ||
      x.inputs.length !== y.inputs.length ||
      x.inputs.some((s, j) => !sameSource(s, y.inputs[j] as OperandSource))
    ) {
      return `op ${k} differs between the two traced steps (${x.op} and ${y.op})`;
    }
  }
  if (a.outputs.some((s, k) => !sameSource(s, b.outputs[k] as OperandSource))) {
    return 'the outputs come from different ops in the two traced steps';
  }
  if (a.constants.length !== b.constants.length) {
    return 'the two traced steps used different numbers of constants';
  }
  const changed = a.constants.findIndex(
    (c, k) => !sameConstant(c, b.constants[k] as TracedConstant),
  );
  if (changed >= 0) {
    return `a value uploaded by the step changed between the two traced steps (constant ${changed}, shape [${a.constants[changed]?.shape.join(', ')}])`;
  }
  return undefined;
}
