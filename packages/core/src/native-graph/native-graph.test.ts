import { compileNativeGraph, signatureDifference, traceNativeOps, traceSignature } from '@mi/core';
import { InvalidArgumentError, InvalidStateError } from '@mi/spec';
import { expectNoTensorLeakSync } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';

// Tracing eager tfjs-node ops and replaying them as one TensorFlow graph: the replay against the
// eager ops on new inputs (bit for bit), the variables as the session sees them, the refusals
// and every error path.

const onTensorflow = tf.getBackend() === 'tensorflow';

/** A small dense layer with a ReLU and a reduction: y = Σ relu(x·W + b)², with a scalar scale. */
function layer(x: tf.Tensor2D, w: tf.Variable, b: tf.Variable): tf.Tensor[] {
  const hidden = tf.relu(tf.add(tf.matMul(x, w), b));
  return [tf.sum(tf.square(hidden)), tf.mul(hidden, 0.5)];
}

const seeded = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

const toArrays = (ts: readonly tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

let owned: tf.Tensor[] = [];
afterEach(() => {
  tf.dispose(owned);
  owned = [];
});

/** A variable named uniquely for this test, from seeded values. */
function variable(shape: number[], seed: number): tf.Variable {
  const initial = seeded(shape, seed);
  const v = tf.variable(initial, true);
  initial.dispose();
  owned.push(v);
  return v;
}

function input(shape: number[], seed: number): tf.Tensor2D {
  const t = seeded(shape, seed) as tf.Tensor2D;
  owned.push(t);
  return t;
}

/** `layer` on new variables and an input of `rows` rows, traced and compiled (seeds from `seed`). */
function compiledLayer(seed: number, rows: number) {
  const w = variable([3, 4], seed);
  const b = variable([4], seed + 1);
  const x = input([rows, 3], seed + 2);
  const { outputs, trace } = traceNativeOps([x], () => layer(x, w, b));
  tf.dispose(outputs as tf.Tensor[]);
  return { w, b, x, trace, graph: compileNativeGraph(trace as NonNullable<typeof trace>) };
}

/** The values of `layer`'s outputs now, computed eagerly (nothing kept). */
const eagerLayer = (x: tf.Tensor2D, w: tf.Variable, b: tf.Variable) =>
  tf.tidy(() => toArrays(layer(x, w, b)));

describe('traceNativeOps off tfjs-node', () => {
  it.runIf(!onTensorflow)('runs the function and gives no trace', () => {
    const x = input([2, 3], 1);
    const { outputs, trace } = traceNativeOps([x], () => [tf.neg(x)]);
    expect(trace).toBeUndefined();
    expect(Array.from((outputs[0] as tf.Tensor).dataSync())).toEqual(
      Array.from(x.dataSync()).map((v) => -v),
    );
    tf.dispose(outputs as tf.Tensor[]);
  });

  it.runIf(!onTensorflow)('compileNativeGraph says it needs tfjs-node', () => {
    const trace = {
      inputs: [],
      ops: [],
      constants: new Map(),
      variables: new Map(),
      outputs: [],
      refusal: undefined,
    };
    expect(() => compileNativeGraph(trace)).toThrow(InvalidStateError);
    expect(() => compileNativeGraph(trace)).toThrow(/tfjs-node/);
  });
});

describe.runIf(onTensorflow)('a traced function replayed as a graph', () => {
  it('gives the eager outputs bit for bit on new inputs, with the variables as they are now', () => {
    const { w, b, trace, graph } = compiledLayer(2, 5);
    expect(trace?.refusal).toBeUndefined();
    expect(trace?.variables.size).toBe(2);
    try {
      expect(graph.opCount).toBe(trace?.ops.length);
      expect(graph.outputCount).toBe(2);
      expect([...graph.variableNames].sort()).toEqual([b.name, w.name].sort());
      // New input and new variable values: the graph must see both.
      const x2 = input([5, 3], 5);
      w.assign(seeded([3, 4], 6));
      const replayed = expectNoTensorLeakSync(() => {
        const out = graph.run([x2], [0, 1]);
        const values = toArrays(out);
        tf.dispose(out);
        return values;
      });
      expect(replayed).toEqual(eagerLayer(x2, w, b));
      // Fetch a subset, in any order.
      const [second] = graph.run([x2], [1]);
      expect((second as tf.Tensor).shape).toEqual([5, 4]);
      tf.dispose(second as tf.Tensor);
    } finally {
      graph.dispose();
    }
  });

  it('reads the session copies of the variables in runNodes, written by loadVariables', () => {
    const { w, b, x, graph } = compiledLayer(7, 2);
    try {
      // Before loadVariables the session has no copies.
      expect(() => graph.runNodes([[graph.inputNode(0), x]], [graph.outputNode(0)])).toThrow(
        /variable/i,
      );
      graph.loadVariables();
      const before = eagerLayer(x, w, b)[0];
      w.assign(tf.tidy(() => tf.zerosLike(w)));
      // The session still holds the loaded values; `run` feeds the new ones.
      const [resident] = graph.runNodes([[graph.inputNode(0), x]], [graph.outputNode(0)]);
      expect(toArrays([resident as tf.Tensor])[0]).toEqual(before);
      const [fed] = graph.run([x], [0]);
      expect(toArrays([fed as tf.Tensor])[0]).toEqual(eagerLayer(x, w, b)[0]);
      expect(toArrays([fed as tf.Tensor])[0]).not.toEqual(before);
      tf.dispose([resident as tf.Tensor, fed as tf.Tensor]);
    } finally {
      graph.dispose();
    }
  });

  it('names what is wrong with its arguments, and refuses to run once disposed', () => {
    const { x, graph } = compiledLayer(10, 2);
    const wrongShape = input([3, 3], 13);
    expect(() => graph.run([], [0])).toThrow(InvalidArgumentError);
    expect(() => graph.run([wrongShape], [0])).toThrow(/shape \[2, 3\]/);
    expect(() => graph.run([x], [2])).toThrow(/output positions in \[0, 2\)/);
    expect(() => graph.runNodes([['nothing', x]], [graph.outputNode(0)])).toThrow(/placeholders/);
    expect(() => graph.runNodes([[graph.inputNode(0), x]], ['nothing'])).toThrow(
      /nodes of the graph/,
    );
    graph.dispose();
    graph.dispose();
    expect(() => graph.run([x], [0])).toThrow(InvalidStateError);
  });

  it('refuses to run on a disposed variable, naming it', () => {
    const w = variable([3, 4], 14);
    const bInitial = seeded([4], 15);
    const b = tf.variable(bInitial, true);
    bInitial.dispose();
    const x = input([2, 3], 16);
    const { outputs, trace } = traceNativeOps([x], () => layer(x, w, b));
    tf.dispose(outputs as tf.Tensor[]);
    const graph = compileNativeGraph(trace as NonNullable<typeof trace>);
    b.dispose();
    try {
      expect(() => graph.run([x], [0])).toThrow(new RegExp(`'${b.name}'.*disposed`));
    } finally {
      graph.dispose();
    }
  });
});

describe.runIf(onTensorflow)('what a trace refuses, and how two traces compare', () => {
  it('refuses a function that reads a value back (its ops depend on data)', () => {
    const x = input([2, 3], 20);
    const { outputs, trace } = traceNativeOps([x], () => {
      const total = tf.sum(x);
      const positive = (total.dataSync()[0] as number) > 0;
      return [positive ? tf.neg(total) : total];
    });
    tf.dispose(outputs as tf.Tensor[]);
    expect(trace?.refusal).toMatch(/reads a tensor back/);
    expect(() => compileNativeGraph(trace as NonNullable<typeof trace>)).toThrow(
      InvalidArgumentError,
    );
  });

  it('refuses a function that assigns a variable', () => {
    const w = variable([2], 21);
    const { outputs, trace } = traceNativeOps([], () => {
      w.assign(tf.add(w, 1));
      return [tf.sum(w)];
    });
    tf.dispose(outputs as tf.Tensor[]);
    expect(trace?.refusal).toMatch(/assigns TF\.js variables/);
  });

  it('tells equal traces from ones with other ops or other uploaded values', () => {
    const x = input([2, 3], 22);
    const run = (scale: number, extra: boolean) => {
      const { outputs, trace } = traceNativeOps([x], () => {
        const scaled = tf.mul(x, tf.scalar(scale));
        return [extra ? tf.exp(scaled) : scaled];
      });
      tf.dispose(outputs as tf.Tensor[]);
      return traceSignature(trace as NonNullable<typeof trace>);
    };
    const base = run(2, false);
    expect(signatureDifference(base, run(2, false))).toBeUndefined();
    expect(signatureDifference(base, run(3, false))).toMatch(/value uploaded by the step changed/);
    expect(signatureDifference(base, run(2, true))).toMatch(/ran \d+ and \d+ TensorFlow ops/);
  });

  it('replays a function that returns an input and a value made before it as they are', () => {
    const x = input([2, 2], 23);
    const constant = input([3], 24);
    const { outputs, trace } = traceNativeOps([x], () => [x, constant, tf.neg(x)]);
    tf.dispose(outputs[2] as tf.Tensor);
    const graph = compileNativeGraph(trace as NonNullable<typeof trace>);
    try {
      const x2 = input([2, 2], 25);
      const out = graph.run([x2], [0, 1, 2]);
      expect(toArrays(out)).toEqual(toArrays([x2, constant, tf.neg(x2)]));
      tf.dispose(out);
    } finally {
      graph.dispose();
    }
  });
});
