// The micro-benchmarks behind PERFORMANCE.md's "what would reach the targets": each times a kernel
// the perf benchmark's profile shows to be slow against a replacement built from other TF.js ops,
// and checks that both give the same result. Not part of the package; run from the repository root:
//
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-micro-benchmarks.ts wasm
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-micro-benchmarks.ts tensorflow
import { initBackend, registerWasmTrainingKernels, restoreStockKernels } from '@mi/core';
import { separableCritic } from '@mi/critics';
import type { BackendName } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

const backend = (process.argv[3] ?? 'wasm') as BackendName;
process.env['TF_NUM_INTRAOP_THREADS'] ??= '1';
process.env['TF_NUM_INTEROP_THREADS'] ??= '-1'; // as initBackend: sessions run in the calling thread
process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
await initBackend(backend, { log: false });
// Time the stock kernels; each comparison installs @mi/core's replacement where it needs it.
restoreStockKernels();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Median wall time of `f` (its output read back), after one untimed call. */
async function time(label: string, repetitions: number, f: () => tf.Tensor): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= repetitions; i++) {
    const start = performance.now();
    const out = f();
    await out.data();
    if (i > 0) times.push(performance.now() - start);
    out.dispose();
  }
  console.log(`${backend} ${label}: ${median(times).toFixed(2)} ms`);
  return median(times);
}

async function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.max(tf.abs(tf.sub(a, b)));
  const value = (await d.data())[0]!;
  d.dispose();
  return value;
}

// 1. Row sums of a 4096 × 256 gradient (bias gradients of the joint critic's n² rows).
{
  const dy = tf.randomNormal([4096, 256]);
  const ones = tf.ones([1, 4096]);
  const w = tf.randomNormal([256, 256]);
  await time('sum(dy, 0), dy 4096×256', 10, () => tf.sum(dy, 0));
  await time('matMul(ones[1,4096], dy)', 10, () => tf.matMul(ones, dy));
  await time('matMul(dy, w), 4096×256×256', 10, () => tf.matMul(dy, w));
  await time('matMul(dy, w, false, true)', 10, () => tf.matMul(dy, w, false, true));
  await time('matMul(dy, dy, true, false)', 10, () => tf.matMul(dy, dy, true, false));
  await time('transpose(dy)', 10, () => tf.transpose(dy));
  const x = tf.randomNormal([4096, 256]);
  await time('ReLU gradient mul(dy, step(x))', 10, () => tf.tidy(() => tf.mul(dy, tf.step(x))));
  await time('ReLU gradient mul(dy, cast(greater(x, 0)))', 10, () =>
    tf.tidy(() => tf.mul(dy, tf.cast(tf.greater(x, 0), 'float32'))),
  );
  tf.dispose([dy, ones, w, x]);
}

// 2. The input gradient of the CNN critic's second convolution (stride 2, k5, 'valid' on the
//    padded 18 × 18 map) by four stride-1 convolutions: output phase (ry, rx) of dx only sees the
//    taps k ≡ r (mod 2), so it is a full correlation of dy with that sub-filter, flipped and with
//    in/out channels swapped; the phases are interleaved back with stack + reshape.
{
  const n = Number(process.env['MI_PAIRS'] ?? 256);
  const dy = tf.randomNormal([n, 7, 7, 128]) as tf.Tensor4D;
  const filter = tf.randomNormal([5, 5, 64, 128]) as tf.Tensor4D;
  const x = tf.randomNormal([n, 18, 18, 64]) as tf.Tensor4D;
  const transposed = () => tf.conv2dTranspose(dy, filter, [n, 18, 18, 64], 2, 'valid');
  // Stock kernel against @mi/core's conv2DBackpropInputPolyphase, as initBackend installs it.
  const native = () => {
    restoreStockKernels();
    return transposed();
  };
  const polyphase = () => {
    if (backend === 'wasm') registerWasmTrainingKernels();
    return transposed();
  };
  const a = native();
  const b = polyphase();
  console.log(
    `${backend} polyphase vs native Conv2DBackpropInput: max |diff| ${await maxAbsDifference(a, b)}`,
  );
  tf.dispose([a, b]);
  await time(`Conv2DBackpropInput ${n}×7×7×128 → ${n}×18×18×64`, 2, native);
  await time('the same as 4 stride-1 conv2d (polyphase)', 2, polyphase);
  await time('forward conv2d of that layer', 2, () => tf.conv2d(x, filter, 2, 'valid'));
  tf.dispose([dy, filter, x]);
}

// 3. Adam on the separable critic's 12 variables: tf.train.adam (one update per variable) against a
//    flat update (concatenate, one Adam step, split back), and the cost of one kernel.
{
  const critic = separableCritic({ xFeatures: 20, yFeatures: 20, seed: 1 });
  const variables = critic.trainableVariables as tf.Variable[];
  const grads = Object.fromEntries(variables.map((v) => [v.name, tf.randomNormal(v.shape)]));
  const last = variables[variables.length - 1]!;
  const adam: tf.Optimizer = tf.train.adam(5e-4);
  const sizes = variables.map((v) => v.size);
  const m = tf.variable(tf.zeros([sizes.reduce((a, b) => a + b, 0)]));
  const v = tf.variable(tf.zeros([sizes.reduce((a, b) => a + b, 0)]));
  let t = 0;
  const flatAdam = () =>
    tf.tidy(() => {
      t += 1;
      const g = tf.concat(variables.map((x) => tf.reshape(grads[x.name]!, [-1])));
      const p = tf.concat(variables.map((x) => tf.reshape(x, [-1])));
      m.assign(tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1)));
      v.assign(tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 0.001)));
      const rate = (5e-4 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      const next = tf.sub(p, tf.mul(tf.div(m, tf.add(tf.sqrt(v), 1e-8)), rate));
      tf.split(next, sizes).forEach((part, i) => {
        variables[i]!.assign(tf.reshape(part, variables[i]!.shape));
      });
    });
  const measure = async (label: string, update: () => void) => {
    const times: number[] = [];
    for (let i = 0; i < 23; i++) {
      const start = performance.now();
      update();
      await last.data();
      if (i >= 3) times.push(performance.now() - start);
    }
    const kernels = (
      await tf.profile(async () => {
        update();
        await last.data();
        return [];
      })
    ).kernels.length;
    console.log(`${backend} ${label}: ${median(times).toFixed(2)} ms, ${kernels} kernels`);
  };
  await measure('tf.train.adam on 12 variables', () => adam.applyGradients(grads));
  await measure('flat Adam (concat → one update → split)', flatAdam);
  const one = tf.scalar(1);
  const chain = await time('300 chained scalar adds', 10, () =>
    tf.tidy(() => {
      let z: tf.Tensor = one;
      for (let i = 0; i < 300; i++) z = tf.add(z, 1);
      return z;
    }),
  );
  console.log(`${backend} ≈ ${((1000 * chain) / 300).toFixed(1)} µs per kernel`);
  critic.dispose();
  tf.dispose([m, v, one, ...Object.values(grads)]);
  adam.dispose();
}

// 4. The product's ceiling: a fused dense layer (product, bias, ReLU) at the shapes of the dense
//    critics' steps, in GFLOP/s, with the same right operand on every call and with a new one
//    each call, as training has (the weights change every step, and the backward products'
//    right operands are that step's gradients). wasm's XNNPACK packs each new right operand
//    before multiplying, so the difference is that packing. This rate bounds a step from below:
//    FLOPs ÷ the best rate here is what the step would take with nothing else in it.
{
  const shapes: readonly [number, number, number][] = [
    [64, 20, 256],
    [64, 256, 256],
    [64, 256, 32],
    [256, 64, 256],
    [4096, 256, 256],
  ];
  for (const [rows, inner, columns] of shapes) {
    const a = tf.randomNormal([rows, inner]);
    const w = tf.randomNormal([inner, columns]);
    const bias = tf.randomNormal([columns]);
    const repetitions = rows * inner * columns > 1e7 ? 20 : 400;
    const dense = (weights: tf.Tensor) =>
      tf.fused.matMul({ a, b: weights as tf.Tensor2D, bias, activation: 'relu' });
    const rate = (ms: number) => ((2 * rows * inner * columns) / ms / 1e6).toFixed(1);
    const shape = `${rows}×${inner} · ${inner}×${columns}`;
    // Both backends run these kernels synchronously: a loop of calls, no read-back between them.
    const loop = (label: string, f: () => tf.Tensor) => {
      for (let i = 0; i < 10; i++) f().dispose();
      const start = performance.now();
      for (let i = 0; i < repetitions; i++) f().dispose();
      const ms = (performance.now() - start) / repetitions;
      console.log(`${backend} ${label}: ${ms.toFixed(3)} ms`);
      return ms;
    };
    const same = loop(`dense ${shape}, the same weights`, () => dense(w));
    const fresh = loop(`dense ${shape}, new weights each call`, () =>
      tf.tidy(() => dense(tf.add(w, 0))),
    );
    const copy = loop('  (the new weights alone: add(w, 0))', () => tf.add(w, 0));
    console.log(
      `${backend}   ${rate(same)} GFLOP/s with the same weights, ${rate(fresh - copy)} with new ones`,
    );
    tf.dispose([a, w, bias]);
  }
}
