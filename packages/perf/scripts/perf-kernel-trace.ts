// Lists the kernels of one training step (createTrainStep, InfoNCE, Adam) of a dense critic at
// the benchmark's size, in order and counted: where a step's kernel dispatches come from.
// Not part of the package.
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-kernel-trace.ts wasm separable
import { createBoundRegistry } from '@mi/bounds';
import { createRandom, initBackend } from '@mi/core';
import { createCriticRegistry } from '@mi/critics';
import type { BackendPreference, BoundInputContext } from '@mi/spec';
import { createTrainStep } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';

const backend = (process.argv[3] ?? 'cpu') as BackendPreference;
const criticId = process.argv[4] ?? 'separable';
await initBackend(backend, { log: false });
const critic = createCriticRegistry().resolve({
  id: criticId,
  options: { xFeatures: 20, yFeatures: 20, hiddenUnits: [256, 256], seed: 1 },
  label: criticId,
});
const bound = createBoundRegistry().resolve('infonce');
const step = createTrainStep({ critic, bound, optimizer: { kind: 'adam', learningRate: 5e-4 } });
const context = {
  requires: bound.requires,
  random: createRandom(0),
} as unknown as BoundInputContext;
let state = bound.initialState();
const once = () => {
  const x = tf.randomNormal([64, 20]);
  const y = tf.randomNormal([64, 20]);
  const out = step.run(state, { x, y }, context);
  tf.dispose([x, y, out.loss, out.estimate, out.joint, out.logPartition, ...Object.values(state)]);
  state = out.state;
};
once();
const info = await tf.profile(() => once());
const names = info.kernels.map((k) => k.name);
const counts = new Map<string, number>();
for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
console.log(`${backend} ${criticId}: ${names.length} kernels`);
console.log(
  [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([n, c]) => `${n} ${c}`)
    .join(', '),
);
if (process.env['TRACE']) console.log(names.join(' '));
