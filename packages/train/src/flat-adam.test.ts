import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { FlatAdamOptimizer } from './flat-adam';

/** A quadratic loss over three variables of different shapes. */
function problem(seed: number) {
  const a = tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', seed));
  const b = tf.variable(tf.randomNormal([4], 0, 1, 'float32', seed + 1));
  const c = tf.variable(tf.scalar(0.5));
  const loss = () =>
    tf.add(
      tf.sum(tf.square(tf.sub(a, 1))),
      tf.add(tf.sum(tf.mul(b, b)), tf.mul(c, c)),
    ) as tf.Scalar;
  return { variables: [a, b, c], loss };
}

/**
 * Two "large" variables (40 and 30 entries: above `largeVariableSize: 24`, positions 0 and 2 in
 * the gradients' order) between three small ones.
 */
function mixed(seed: number) {
  const shapes = [[8, 5], [3, 4], [30], [4], []];
  const variables = shapes.map((shape, k) =>
    tf.variable(tf.randomNormal(shape, 0, 1, 'float32', seed + k)),
  );
  const loss = () =>
    tf.addN(variables.map((v, k) => tf.sum(tf.square(tf.sub(v, k / 3))))) as tf.Scalar;
  return { variables, loss };
}

const LARGE = { largeVariableSize: 24 } as const;
type Problem = ReturnType<typeof mixed>;

/** `steps` steps of `optimizer`; `drop(step)` names variables whose gradient is left out. */
function run(
  p: Problem,
  optimizer: tf.Optimizer,
  steps: number,
  drop: (step: number) => readonly tf.Variable[] = () => [],
): void {
  for (let step = 0; step < steps; step++) {
    const { value, grads } = tf.variableGrads(p.loss, p.variables);
    const dropped = new Set(drop(step).map((v) => v.name));
    // (Not `instanceof`: tf.Optimizer answers it for any optimiser.)
    if (optimizer.getClassName() === FlatAdamOptimizer.className) {
      const kept = Object.entries(grads).filter(([name]) => !dropped.has(name));
      optimizer.applyGradients(kept.map(([name, tensor]) => ({ name, tensor })));
    } else {
      // tf.train.adam keeps its slots by position in the map: a missing gradient is a null entry.
      const entries = Object.entries(grads).map(([name, g]) => [
        name,
        dropped.has(name) ? null : g,
      ]);
      optimizer.applyGradients(Object.fromEntries(entries) as tf.NamedTensorMap);
    }
    tf.dispose([value, ...Object.values(grads)]);
  }
}

const values = (p: Problem) => p.variables.map((v) => Array.from(v.dataSync()));

/**
 * On cpu and wasm the optimiser runs tf.train.adam's float32 operations in its order: the same
 * weights bit for bit. On tensorflow TensorFlow's ResourceApplyAdam runs the same update in
 * another order of roundings (bias corrections folded into the step size): equal to float32
 * rounding, accumulated over the steps (~1e-6 here).
 */
const bitForBit = tf.getBackend() !== 'tensorflow';

function expectSameWeights(actual: number[][], expected: number[][]): void {
  if (bitForBit) {
    expect(actual).toEqual(expected);
    return;
  }
  expect(actual.map((row) => row.length)).toEqual(expected.map((row) => row.length));
  actual.forEach((row, k) => {
    row.forEach((x, i) => {
      expect(Math.abs(x - (expected[k]?.[i] as number))).toBeLessThan(1e-5);
    });
  });
}

/** A copy of the optimiser's weights (getWeights's own `iter` scalar freed). */
async function snapshot(optimizer: tf.Optimizer) {
  const weights = await optimizer.getWeights();
  const copy = weights.map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
  tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  return copy;
}

/** Saves the optimiser's weights as a checkpoint file and reads them back, as a resume does. */
async function throughCheckpoint(optimizer: tf.Optimizer) {
  const directory = await mkdtemp(join(tmpdir(), 'mi-flat-adam-'));
  try {
    const weights = await optimizer.getWeights();
    await writeCheckpoint(
      directory,
      { step: 1, optimizerScalars: {}, dataStream: {} as never, loop: {} },
      { critic: [], optimizer: weights, bound: [], best: [] },
    );
    tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
    const { manifest, values: read } = await readCheckpoint(directory);
    return manifest.tensors.map((entry) => ({
      name: entry.name,
      tensor: tf.tensor(read(entry), entry.shape),
    }));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

describe('FlatAdamOptimizer', () => {
  it('moves every weight as tf.train.adam does over 20 steps (bit for bit on cpu and wasm)', async () => {
    const flat = problem(1);
    const stock = problem(1);
    await expectNoTensorLeak(async () => {
      const ours = new FlatAdamOptimizer(0.01, 0.9, 0.999, 1e-8);
      const theirs = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
      for (let step = 0; step < 20; step++) {
        const g1 = tf.variableGrads(flat.loss, flat.variables);
        ours.applyGradients(g1.grads);
        tf.dispose([g1.value, ...Object.values(g1.grads)]);
        const g2 = tf.variableGrads(stock.loss, stock.variables);
        theirs.applyGradients(Object.entries(g2.grads).map(([name, tensor]) => ({ name, tensor })));
        tf.dispose([g2.value, ...Object.values(g2.grads)]);
      }
      expectSameWeights(
        flat.variables.map((v) => Array.from(v.dataSync())),
        stock.variables.map((v) => Array.from(v.dataSync())),
      );
      ours.dispose();
      theirs.dispose();
    });
    tf.dispose([...flat.variables, ...stock.variables]);
  });

  it('takes one hand-computed step: θ − lr · ĝ/(|ĝ| + ε) = θ − lr · sign(g) on the first step', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const optimizer = new FlatAdamOptimizer(0.1, 0.9, 0.999, 1e-8);
    // Loss Σ w²: g = 2w; m̂ = g, v̂ = g², so the step is 0.1·g/(|g| + 1e-8).
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(w)) as tf.Scalar, [w]);
    optimizer.applyGradients(grads);
    const moved = Array.from(w.dataSync());
    [1, -2, 3].forEach((start, k) => {
      const g = 2 * start;
      // float32: 1 − β₂ and the bias corrections round at ~1e-7 relative.
      expect(moved[k]).toBeCloseTo(start - (0.1 * g) / (Math.abs(g) + 1e-8), 5);
    });
    tf.dispose([value, ...Object.values(grads), w]);
    optimizer.dispose();
  });

  it('resumes from getWeights/setWeights bit for bit', async () => {
    const straight = problem(3);
    const resumed = problem(3);
    const run = (p: ReturnType<typeof problem>, o: tf.Optimizer, steps: number) => {
      for (let k = 0; k < steps; k++) {
        const { value, grads } = tf.variableGrads(p.loss, p.variables);
        o.applyGradients(grads);
        tf.dispose([value, ...Object.values(grads)]);
      }
    };
    const a = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8);
    run(straight, a, 10);
    const first = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8);
    run(resumed, first, 4);
    const saved = (await first.getWeights()).map((w) => ({
      name: w.name,
      tensor: w.tensor.clone(),
    }));
    first.dispose();
    const second = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8);
    await second.setWeights(saved);
    tf.dispose(saved.map((w) => w.tensor));
    run(resumed, second, 6);
    straight.variables.forEach((v, k) => {
      expect(Array.from(resumed.variables[k]!.dataSync())).toEqual(Array.from(v.dataSync()));
    });
    a.dispose();
    second.dispose();
    tf.dispose([...straight.variables, ...resumed.variables]);
  });

  it('updates in one kernel whatever the number of variables (no Reshape per variable)', async () => {
    const counts: number[] = [];
    for (const copies of [1, 4]) {
      const variables = Array.from({ length: copies }, (_, k) => problem(10 + k).variables).flat();
      const loss = () => tf.addN(variables.map((v) => tf.sum(tf.square(v)))) as tf.Scalar;
      const optimizer = new FlatAdamOptimizer(0.01, 0.9, 0.999, 1e-8);
      const run = () => {
        const { value, grads } = tf.variableGrads(loss, variables);
        optimizer.applyGradients(grads);
        tf.dispose([value, ...Object.values(grads)]);
      };
      run();
      const { value, grads } = tf.variableGrads(loss, variables);
      const profile = await tf.profile(() => optimizer.applyGradients(grads));
      tf.dispose([value, ...Object.values(grads)]);
      expect(profile.kernels.map((k) => k.name)).not.toContain('Reshape');
      counts.push(profile.kernels.length);
      optimizer.dispose();
      tf.dispose(variables);
    }
    if (['cpu', 'wasm', 'tensorflow'].includes(tf.getBackend())) expect(counts).toEqual([1, 1]);
  });

  it('keeps large variables apart (own moments) and small ones flat: still tf.train.adam, no tensor kept per step', async () => {
    const ours = mixed(20);
    const stock = mixed(20);
    await expectNoTensorLeak(async () => {
      const optimizer = new FlatAdamOptimizer(0.02, 0.9, 0.999, 1e-8, LARGE);
      const reference = tf.train.adam(0.02, 0.9, 0.999, 1e-8);
      run(ours, optimizer, 1);
      const held = tf.memory().numTensors;
      for (let step = 1; step < 12; step++) {
        run(ours, optimizer, 1);
        expect(tf.memory().numTensors).toBe(held);
      }
      run(stock, reference, 12);
      expectSameWeights(values(ours), values(stock));
      const weights = await optimizer.getWeights();
      expect(weights.map((w) => [w.name, w.tensor.shape])).toEqual([
        ['iter', []],
        ['accBeta1', []],
        ['accBeta2', []],
        ['flat/m', [17]],
        ['flat/v', [17]],
        ['own/0/m', [8, 5]],
        ['own/0/v', [8, 5]],
        ['own/2/m', [30]],
        ['own/2/v', [30]],
      ]);
      tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
      optimizer.dispose();
      reference.dispose();
    });
    tf.dispose([...ours.variables, ...stock.variables]);
  });

  it('leaves a large variable whose gradient is missing alone, weights and moments, as tf.train.adam does', async () => {
    // (A small variable with a missing gradient gets a zero one instead: its moments decay.)
    const ours = mixed(30);
    const stock = mixed(30);
    await expectNoTensorLeak(() => {
      const optimizer = new FlatAdamOptimizer(0.02, 0.9, 0.999, 1e-8, LARGE);
      const reference = tf.train.adam(0.02, 0.9, 0.999, 1e-8);
      const large = (p: Problem) => (step: number) =>
        step === 3 || step === 4 ? [p.variables[2]!] : [];
      run(ours, optimizer, 3, large(ours));
      const before = Array.from(ours.variables[2]!.dataSync());
      run(ours, optimizer, 2, (step) => large(ours)(step + 3));
      expect(Array.from(ours.variables[2]!.dataSync())).toEqual(before);
      run(ours, optimizer, 3, (step) => large(ours)(step + 5));
      run(stock, reference, 8, large(stock));
      expectSameWeights(values(ours), values(stock));
      optimizer.dispose();
      reference.dispose();
    });
    tf.dispose([...ours.variables, ...stock.variables]);
  });

  it('updates each large variable in a kernel of its own, beside that of the flat buffer', async () => {
    const counts: number[] = [];
    for (const largeVariableSize of [Number.POSITIVE_INFINITY, 24, 1]) {
      const p = mixed(40);
      const optimizer = new FlatAdamOptimizer(0.01, 0.9, 0.999, 1e-8, { largeVariableSize });
      run(p, optimizer, 1);
      const { value, grads } = tf.variableGrads(p.loss, p.variables);
      const profile = await tf.profile(() => optimizer.applyGradients(grads));
      tf.dispose([value, ...Object.values(grads)]);
      const names = profile.kernels.map((k) => k.name);
      expect(names).not.toContain('Reshape');
      if (largeVariableSize === 1) expect(names).not.toContain('MiConcatFlat');
      if (['cpu', 'wasm'].includes(tf.getBackend())) {
        expect(new Set(names)).toEqual(new Set(['MiAdamUpdate']));
      }
      if (tf.getBackend() === 'tensorflow') {
        expect(new Set(names)).toEqual(new Set(['MiResourceAdamUpdate']));
      }
      counts.push(profile.kernels.length);
      optimizer.dispose();
      tf.dispose(p.variables);
    }
    if (['cpu', 'wasm', 'tensorflow'].includes(tf.getBackend())) {
      expect(counts).toEqual([1, 1 + 2, 5]);
    }
  });

  it('resumes through a checkpoint file, from its own layout, another threshold or the all-flat layout', async () => {
    const straight = mixed(50);
    run(straight, tf.train.adam(0.05, 0.9, 0.999, 1e-8), 10);
    // `Infinity` writes what the all-flat optimiser wrote: only flat/m and flat/v, all variables.
    const layouts = [
      [LARGE, LARGE],
      [{ largeVariableSize: Number.POSITIVE_INFINITY }, LARGE],
      [LARGE, { largeVariableSize: Number.POSITIVE_INFINITY }],
      [{ largeVariableSize: 35 }, { largeVariableSize: 1 }],
    ] as const;
    for (const [written, read] of layouts) {
      const resumed = mixed(50);
      await expectNoTensorLeak(async () => {
        const first = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8, written);
        run(resumed, first, 4);
        const saved = await throughCheckpoint(first);
        first.dispose();
        const second = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8, read);
        await second.setWeights(saved);
        tf.dispose(saved.map((w) => w.tensor));
        run(resumed, second, 6);
        second.dispose();
      });
      expectSameWeights(values(resumed), values(straight));
      tf.dispose(resumed.variables);
    }
    tf.dispose(straight.variables);
  });

  it('setWeights on a running optimiser replaces its moments', async () => {
    const straight = mixed(60);
    const resumed = mixed(60);
    await expectNoTensorLeak(async () => {
      const a = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8, LARGE);
      run(straight, a, 3);
      const saved = await snapshot(a);
      const b = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8, { largeVariableSize: 35 });
      // b runs three steps of its own on other weights, then takes a's state and a's weights.
      run(resumed, b, 3);
      await b.setWeights(saved);
      resumed.variables.forEach((v, k) => {
        v.assign(straight.variables[k]!);
      });
      run(straight, a, 4);
      run(resumed, b, 4);
      tf.dispose(saved.map((w) => w.tensor));
      a.dispose();
      b.dispose();
    });
    expect(values(resumed)).toEqual(values(straight));
    tf.dispose([...straight.variables, ...resumed.variables]);
  });

  it('hands out restored moments as its own until the first step, and copies the caller frees after it', async () => {
    const p = mixed(80);
    await expectNoTensorLeak(async () => {
      const a = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8, LARGE);
      run(p, a, 2);
      const saved = await snapshot(a);
      a.dispose();
      const b = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8, LARGE);
      await b.setWeights(saved);
      tf.dispose(saved.map((w) => w.tensor));
      // A checkpoint before the first step: what is not a variable is the caller's to free.
      for (let k = 0; k < 2; k++) {
        const weights = await b.getWeights();
        tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
      }
      run(p, b, 1);
      for (let k = 0; k < 2; k++) {
        const weights = await b.getWeights();
        expect(weights.map((w) => w.name)).toContain('own/0/m');
        tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
      }
      run(p, b, 1);
      b.dispose();
    });
    for (const v of p.variables) expect(Array.from(v.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose(p.variables);
  });

  it('refuses restored moments that do not fit the variables, and frees restored moments never used', async () => {
    const p = mixed(70);
    const other = problem(70);
    await expectNoTensorLeak(async () => {
      const a = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8, LARGE);
      run(p, a, 1);
      const saved = await snapshot(a);
      a.dispose();
      const unused = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8, LARGE);
      await unused.setWeights(saved);
      unused.dispose();
      const wrong = new FlatAdamOptimizer(0.05, 0.9, 0.999, 1e-8, LARGE);
      await wrong.setWeights(saved);
      const { value, grads } = tf.variableGrads(other.loss, other.variables);
      expect(() => wrong.applyGradients(grads)).toThrow(/restored flat moments hold/);
      tf.dispose([value, ...Object.values(grads), ...saved.map((w) => w.tensor)]);
      wrong.dispose();
    });
    tf.dispose([...p.variables, ...other.variables]);
  });

  it('gives variables of 2¹⁹ entries and more their own moments by default', async () => {
    const variables = [2 ** 19 - 1, 2 ** 19].map((n) => tf.variable(tf.zeros([n])));
    await expectNoTensorLeak(async () => {
      const optimizer = new FlatAdamOptimizer(0.01, 0.9, 0.999, 1e-8);
      expect(optimizer.largeVariableSize).toBe(FlatAdamOptimizer.defaultLargeVariableSize);
      expect(optimizer.getConfig()).toMatchObject({ largeVariableSize: 2 ** 19 });
      const grads = variables.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }));
      optimizer.applyGradients(grads);
      const weights = await optimizer.getWeights();
      expect(weights.map((w) => [w.name, w.tensor.size])).toEqual([
        ['iter', 1],
        ['accBeta1', 1],
        ['accBeta2', 1],
        ['flat/m', 2 ** 19 - 1],
        ['flat/v', 2 ** 19 - 1],
        ['own/1/m', 2 ** 19],
        ['own/1/v', 2 ** 19],
      ]);
      tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
      tf.dispose(grads.map((g) => g.tensor));
      optimizer.dispose();
    });
    tf.dispose(variables);
    expect(() => new FlatAdamOptimizer(0.01, 0.9, 0.999, 1e-8, { largeVariableSize: 0 })).toThrow(
      /largeVariableSize/,
    );
  });
});
