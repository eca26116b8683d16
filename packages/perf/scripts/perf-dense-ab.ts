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
import type { PerfCriticId } from '@mi/perf';
import { compareSteps, type Variant } from './ab-rounds';

const backend = (process.argv[3] ?? 'wasm') as 'wasm' | 'tensorflow' | 'cpu';
const critics = (process.argv[4] ?? 'separable,joint').split(',') as PerfCriticId[];
const rounds = Number(process.argv[5] ?? 6);
process.env['TF_NUM_INTRAOP_THREADS'] ??= '1';
process.env['TF_NUM_INTEROP_THREADS'] ??= '-1'; // as initBackend: sessions run in the calling thread
process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
await initBackend(backend, { log: false });

function use(variant: Variant): void {
  setDenseKernels(variant === 'before' ? 'stock' : 'fused');
  if (backend === 'wasm') {
    if (variant === 'before') restoreStockKernels(['Identity', 'Slice', 'SplitV']);
    else registerWasmTrainingKernels();
  }
}

await compareSteps({
  backend,
  critics,
  rounds,
  use,
  steps: (heavy) =>
    heavy ? { warmupSteps: 1, timedSteps: 2 } : { warmupSteps: 3, timedSteps: 10 },
});
