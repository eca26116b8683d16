// Lists the kernels of one training step (createTrainStep, InfoNCE, Adam) of a dense critic at
// the benchmark's size, in order and counted: where a step's kernel dispatches come from. On
// tensorflow it also counts the TensorFlow ops the step executes (a kernel of @mi/core can run
// several without a TF.js dispatch between them, and some TF.js kernels run none).
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
const critic = createCriticRegistry().resolve({
  id: criticId,
  options: { xFeatures: 20, yFeatures: 20, hiddenUnits: [256, 256], seed: 1 },
  label: criticId,
});
const bound = createBoundRegistry().resolve(process.env['BOUND'] ?? 'infonce');
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
