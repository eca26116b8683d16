// Lists the kernels of one training step (createTrainStep, InfoNCE, Adam) of a critic at the
// benchmark's size, in order and counted: where a step's kernel dispatches come from. On
// tensorflow it also counts the TensorFlow ops the step executes (a kernel of @mi/core can run
// several without a TF.js dispatch between them, and some TF.js kernels run none).
// With TIMES=1 it also times the step and each kernel (tf.profile's kernel times, summed by kernel
// and input shapes over PROFILE_STEPS steps, default 10; the eager step, since a compiled graph
// has no TF.js kernels to time): where a step's milliseconds go, beside PyTorch's own
// per-op profile (`torch-timing.py <case> --profile`). Kernels that call others (wasm's
// polyphase Conv2DBackpropInput runs four Conv2D) count their inner kernels twice in the total.
// Not part of the package.
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-kernel-trace.ts wasm separable
//   TIMES=1 node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-kernel-trace.ts tensorflow cnn
import { createBoundRegistry } from '@mi/bounds';
import { createRandom, initBackend } from '@mi/core';
import { createCriticRegistry } from '@mi/critics';
import type { BackendPreference, BoundInputContext } from '@mi/spec';
import { createTrainStep } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';

const backend = (process.argv[3] ?? 'cpu') as BackendPreference;
const criticId = process.argv[4] ?? 'separable';
const timing = process.env['TIMES'] === '1';
process.env['TF_NUM_INTRAOP_THREADS'] ??= '1';
process.env['TF_NUM_INTEROP_THREADS'] ??= '-1';
await initBackend(backend, { log: false });
// Every TensorFlow op goes through the binding's executeOp (a frozen native object: wrap it).
const nativeOps: string[] = [];
const native = tf.backend() as unknown as { binding?: Record<string | symbol, unknown> };
if (native.binding !== undefined) {
  const binding = native.binding;
  native.binding = new Proxy(
    {},
    {
      get(_, property) {
        const value = binding[property];
        if (typeof value !== 'function') return value;
        if (property !== 'executeOp') return value.bind(binding);
        return (...args: unknown[]) => {
          nativeOps.push(String(args[0]));
          return value.apply(binding, args);
        };
      },
    },
  );
}
// The benchmark's sizes: dense critics on n = 64 pairs of 20-d vectors; the self-consistency
// CNN on n = 16 pairs of 28 × 28 images.
const image = criticId === 'cnn';
const critic = createCriticRegistry().resolve({
  id: criticId,
  options: image
    ? { height: 28, width: 28, xChannels: 1, yChannels: 1, seed: 1 }
    : { xFeatures: 20, yFeatures: 20, hiddenUnits: [256, 256], seed: 1 },
  label: criticId,
});
const n = image ? 16 : 64;
const sample = () =>
  image ? tf.randomUniform([n, 28, 28, 1]) : (tf.randomNormal([n, 20]) as tf.Tensor);
const bound = createBoundRegistry().resolve(process.env['BOUND'] ?? 'infonce');
const step = createTrainStep({
  critic,
  bound,
  optimizer: { kind: 'adam', learningRate: 5e-4 },
  // A compiled graph has no TF.js kernels to time; the trace shows whichever step runs.
  ...(timing ? { graph: false } : {}),
});
const context = {
  requires: bound.requires,
  random: createRandom(0),
} as unknown as BoundInputContext;
let state = bound.initialState();
const once = () => {
  const x = sample();
  const y = sample();
  const out = step.run(state, { x, y }, context);
  out.loss.dataSync();
  tf.dispose([x, y, out.loss, out.estimate, out.joint, out.logPartition, ...Object.values(state)]);
  state = out.state;
};
once();
nativeOps.length = 0;
const info = await tf.profile(() => once());
const names = info.kernels.map((k) => k.name);
const countsOf = (list: readonly string[]) => {
  const byName = new Map<string, number>();
  for (const n of list) byName.set(n, (byName.get(n) ?? 0) + 1);
  return [...byName.entries()].sort((a, b) => b[1] - a[1]);
};
console.log(`${backend} ${criticId}: ${names.length} kernels`);
console.log(
  countsOf(names)
    .map(([n, c]) => `${n} ${c}`)
    .join(', '),
);
if (process.env['TRACE']) console.log(names.join(' '));
if (native.binding !== undefined) {
  console.log(`${nativeOps.length} TensorFlow ops`);
  console.log(
    countsOf(nativeOps)
      .map(([n, c]) => `${n} ${c}`)
      .join(', '),
  );
  if (process.env['TRACE']) console.log(nativeOps.join(' '));
}

if (timing) {
  const profiled = Number(process.env['PROFILE_STEPS'] ?? 10);
  const warmup = image ? 3 : 100;
  for (let i = 0; i < warmup; i++) once();
  const timed = image ? 10 : 300;
  const start = performance.now();
  for (let i = 0; i < timed; i++) once();
  console.log(
    `eager step: ${((performance.now() - start) / timed).toFixed(3)} ms (${timed} steps)`,
  );
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  for (let r = 0; r < profiled; r++) {
    const profile = await tf.profile(() => once());
    for (const kernel of profile.kernels) {
      const key = `${kernel.name} ${kernel.inputShapes.map((s) => JSON.stringify(s)).join(' × ')}`;
      const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
      const ms = kernel.kernelTimeMs as number;
      byKernel.set(key, { ms: entry.ms + ms, calls: entry.calls + 1 });
      total += ms;
    }
  }
  console.log(`kernel time per step: ${(total / profiled).toFixed(3)} ms; the largest:`);
  for (const [key, { ms, calls }] of [...byKernel.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 25)) {
    const perStep = (ms / profiled).toFixed(3).padStart(9);
    console.log(`${perStep} ms  ${String(calls / profiled).padStart(3)}×  ${key.slice(0, 140)}`);
  }
}
