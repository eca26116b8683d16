// Interleaved A/B of whole wasm training steps: tfjs-backend-wasm's own Transpose (`before`)
// against @mi/core's tiled SIMD transpose on the heap (`after`, transposeOnHeap, as initBackend
// installs it). Everything else is the same. Rounds alternate the order (ABBA…, ./ab-rounds.ts).
// Not part of the package; run from the repository root:
//
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-transpose-ab.ts joint,separable,cnn 6
import { initBackend, registerWasmTrainingKernels, restoreStockKernels } from '@mi/core';
import type { PerfCriticId } from '@mi/perf';
import { compareSteps } from './ab-rounds';

const critics = (process.argv[3] ?? 'joint,separable,cnn').split(',') as PerfCriticId[];
const rounds = Number(process.argv[4] ?? 6);
await initBackend('wasm', { log: false });

await compareSteps({
  backend: 'wasm',
  critics,
  rounds,
  use: (variant) => {
    if (variant === 'before') restoreStockKernels(['Transpose']);
    else registerWasmTrainingKernels();
  },
  steps: (heavy) =>
    heavy ? { warmupSteps: 1, timedSteps: 3 } : { warmupSteps: 30, timedSteps: 100 },
});
