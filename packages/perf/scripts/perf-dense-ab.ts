// Interleaved A/B of whole training steps: the dense layers as they were (`before`: tf.fused.matMul
// and tfjs autodiff, with the explicit transposes on wasm; wasm's copying Identity) against the
// dense kernels of @mi/core (`after`: one MiDense kernel per layer, a registered gradient that
// forms only the input gradients the engine needs, TensorFlow's 2-D ops on tfjs-node; wasm's
// Identity sharing data, Slice and SplitV reading the heap in place). Rounds alternate the order (ABBA…), so load that drifts during the run
// hits both variants alike; each round times a few steps per variant, and the table reports the
// median over rounds. Not part of the package; run from the repository root:
//
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-dense-ab.ts wasm separable,joint 6
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-dense-ab.ts tensorflow separable,joint,cnn 6

import {
  initBackend,
  registerWasmTrainingKernels,
  restoreStockKernels,
  setDenseKernels,
} from '@mi/core';
import { measureTrainingStep, type PerfCriticId } from '@mi/perf';

const backend = (process.argv[3] ?? 'wasm') as 'wasm' | 'tensorflow' | 'cpu';
const critics = (process.argv[4] ?? 'separable,joint').split(',') as PerfCriticId[];
const rounds = Number(process.argv[5] ?? 6);
process.env['TF_NUM_INTRAOP_THREADS'] ??= '1';
process.env['TF_NUM_INTEROP_THREADS'] ??= '1';
process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
await initBackend(backend, { log: false });

type Variant = 'before' | 'after';
function use(variant: Variant): void {
  setDenseKernels(variant === 'before' ? 'stock' : 'fused');
  if (backend === 'wasm') {
    if (variant === 'before') restoreStockKernels(['Identity', 'Slice', 'SplitV']);
    else registerWasmTrainingKernels();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

for (const critic of critics) {
  const heavy = critic === 'cnn' || critic.startsWith('cnn') || critic.startsWith('resnet');
  const times: Record<Variant, number[]> = { before: [], after: [] };
  const kernels: Record<Variant, number> = { before: 0, after: 0 };
  const phases: Record<Variant, string> = { before: '', after: '' };
  for (let round = 0; round < rounds; round++) {
    const order: Variant[] = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
    for (const variant of order) {
      use(variant);
      const result = await measureTrainingStep({
        critic,
        backend,
        bound: 'infonce',
        warmupSteps: heavy ? 1 : 3,
        timedSteps: heavy ? 2 : 10,
        seed: 1,
      });
      times[variant].push(result.medianMs!);
      kernels[variant] = result.profile!.kernels;
      const p = result.phases!;
      phases[variant] =
        `fwd ${p.forward.kernels} / bwd ${p.backward.kernels} / adam ${p.optimizer.kernels} kernels`;
    }
  }
  use('after');
  const before = median(times.before);
  const after = median(times.after);
  console.log(
    `${critic}/${backend}: before ${before.toFixed(2)} ms (${kernels.before} kernels: ${phases.before}) → after ${after.toFixed(2)} ms (${kernels.after} kernels: ${phases.after}); ×${(before / after).toFixed(2)} faster; rounds: before ${times.before.map((t) => t.toFixed(1)).join(' ')} | after ${times.after.map((t) => t.toFixed(1)).join(' ')}`,
  );
}
