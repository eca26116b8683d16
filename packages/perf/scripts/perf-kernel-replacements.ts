// Measures what @mi/core's kernel replacements do to whole training steps (PERFORMANCE.md): critics
// are timed with the stock kernels (put back with restoreStockKernels), then with the replacements
// that initBackend installs (see packages/core/src/kernels).
//   wasm:       Sum over one contiguous block of axes as a product with a ones vector, and
//               Conv2DBackpropInput of stride-2 'valid' convolutions as four stride-1 conv2d
//               (polyphase decomposition; other cases fall back to the stock kernel);
//   tensorflow: Step (the ReLU gradient's mask, alpha 0) as cast(greater(x, 0)) instead of
//               tfjs-node's isNaN/greater/ones/fill/where/Select.
// Not part of the package; run from the repository root:
//
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-kernel-replacements.ts wasm joint,cnn
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-kernel-replacements.ts tensorflow joint,separable

import {
  initBackend,
  registerTensorflowTrainingKernels,
  registerWasmTrainingKernels,
  restoreStockKernels,
} from '@mi/core';
import { measureTrainingStep, type PerfCriticId } from '@mi/perf';
import * as tf from '@tensorflow/tfjs-core';

const backend = (process.argv[3] ?? 'wasm') as 'wasm' | 'tensorflow';
process.env['TF_NUM_INTRAOP_THREADS'] ??= '1';
process.env['TF_NUM_INTEROP_THREADS'] ??= '-1'; // as initBackend: sessions run in the calling thread
process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
await initBackend(backend, { log: false });
restoreStockKernels();
const critics = (process.argv[4] ?? 'joint,cnn').split(',') as PerfCriticId[];

async function timeCritics(label: string): Promise<void> {
  for (const critic of critics) {
    const result = await measureTrainingStep({
      critic,
      backend,
      bound: 'infonce',
      warmupSteps: critic === 'cnn' ? 1 : 3,
      timedSteps: critic === 'cnn' ? 4 : 15,
      seed: 1,
    });
    const top = result
      .profile!.topKernels.slice(0, 4)
      .map((k) => `${k.name} ${k.count}× ${k.milliseconds.toFixed(0)} ms`)
      .join(', ');
    console.log(
      `${label} ${critic}/${backend}: ${result.medianMs!.toFixed(1)} ms/step (p10 ${result.p10Ms!.toFixed(1)}, p90 ${result.p90Ms!.toFixed(1)}); ${top}`,
    );
  }
}

await timeCritics('stock');

// The same computations with the stock kernels and with the replacements must agree.
const check =
  backend === 'wasm'
    ? () => {
        const x = tf.randomNormal([64, 64, 256], 0, 1, 'float32', 1);
        const dy = tf.randomNormal([4, 7, 7, 16], 0, 1, 'float32', 2) as tf.Tensor4D;
        const filter = tf.randomNormal([5, 5, 8, 16], 0, 1, 'float32', 3) as tf.Tensor4D;
        return [tf.sum(x, 1), tf.conv2dTranspose(dy, filter, [4, 18, 18, 8], 2, 'valid')];
      }
    : () => [tf.step(tf.randomNormal([4096, 256], 0, 1, 'float32', 1))];
const before = check();
const installed =
  backend === 'wasm' ? registerWasmTrainingKernels() : registerTensorflowTrainingKernels();
const after = check();
for (let k = 0; k < before.length; k++) {
  const diff = (await tf.max(tf.abs(tf.sub(before[k]!, after[k]!))).data())[0];
  console.log(`replacement ${installed[k] ?? k} vs stock: max |diff| ${diff}`);
}
tf.dispose([...before, ...after]);

await timeCritics('replaced');
