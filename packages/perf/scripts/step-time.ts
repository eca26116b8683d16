// Median milliseconds per training step of each critic at the papers' sizes, per backend.
// Not a test: run it with `node packages/perf/scripts/run-ts.mjs packages/perf/scripts/step-time.ts`
// (optional arguments: backends, e.g. `wasm` or `cpu,wasm`; MI_BENCH_STEPS=10).
// On wasm it also measures dense critics with stock autodiff (setDenseKernels('stock') and
// setExplicitTransposes('never')).

import { initBackend, setDenseKernels, setExplicitTransposes } from '@mi/core';
import {
  bilinearCritic,
  cnnCritic,
  jointCritic,
  mineeCritic,
  type NeuralCritic,
  onehotCritic,
  resnet18Critic,
  separableCritic,
} from '@mi/critics';
import type { BackendPreference } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

interface Bench {
  readonly name: string;
  readonly make: () => NeuralCritic;
  readonly x: () => tf.Tensor;
  readonly y: () => tf.Tensor;
  readonly n: number;
  /** Skip on the cpu backend (too slow to be useful). */
  readonly heavy?: boolean;
  /** Uses no dense layer, so the explicit-transpose switch changes nothing worth timing. */
  readonly convOnly?: boolean;
}

const benches: Bench[] = [
  {
    name: 'joint n=64 d=20 256-256',
    make: () => jointCritic({ xFeatures: 20, yFeatures: 20, seed: 1 }),
    x: () => tf.randomNormal([64, 20]),
    y: () => tf.randomNormal([64, 20]),
    n: 64,
  },
  {
    name: 'separable n=64 d=20 256-256→32',
    make: () => separableCritic({ xFeatures: 20, yFeatures: 20, seed: 1 }),
    x: () => tf.randomNormal([64, 20]),
    y: () => tf.randomNormal([64, 20]),
    n: 64,
  },
  {
    name: 'bilinear n=64 d=20 (xᵀWy)',
    make: () => bilinearCritic({ xFeatures: 20, yFeatures: 20, seed: 1 }),
    x: () => tf.randomNormal([64, 20]),
    y: () => tf.randomNormal([64, 20]),
    n: 64,
  },
  {
    name: 'onehot n=64 N=16 32-256-1',
    make: () => onehotCritic({ seed: 1 }),
    x: () =>
      tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => i % 16),
        'int32',
      ),
    y: () =>
      tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => (i * 3) % 16),
        'int32',
      ),
    n: 64,
  },
  {
    name: 'minee n=64 d=20 3 heads 256-256',
    make: () => mineeCritic({ xFeatures: 20, yFeatures: 20, seed: 1 }),
    x: () => tf.randomNormal([64, 20]),
    y: () => tf.randomNormal([64, 20]),
    n: 64,
  },
  {
    name: 'cnn n=16 MNIST 28×28×(1+1)',
    heavy: true,
    make: () => cnnCritic({ seed: 1 }),
    x: () => tf.randomUniform([16, 28, 28, 1]),
    y: () => tf.randomUniform([16, 28, 28, 1]),
    n: 16,
  },
  {
    name: 'resnet18 slb n=16 CIFAR-10',
    make: () => resnet18Critic({ head: 'slb', seed: 1 }),
    x: () => tf.randomUniform([16, 32, 32, 3]),
    y: () =>
      tf.tensor1d(
        Array.from({ length: 16 }, (_, i) => i % 10),
        'int32',
      ),
    n: 16,
    heavy: true,
    convOnly: true,
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// One Adam step on the DV loss −(mean T(x_i, y_i) − log mean e^{S}).
async function stepTimes(bench: Bench, steps: number): Promise<number> {
  const critic = bench.make();
  const x = bench.x();
  const y = bench.y();
  const optimizer = tf.train.adam(5e-4);
  const eye = tf.eye(bench.n);
  const logCount = Math.log(bench.n * bench.n);
  const times: number[] = [];
  for (let step = 0; step < steps + 2; step++) {
    const start = performance.now();
    const loss = optimizer.minimize(
      () => {
        const s = critic.scores(x, y);
        const joint = tf.div(tf.sum(tf.mul(s, eye)), bench.n);
        return tf.neg(tf.sub(joint, tf.sub(tf.logSumExp(s), logCount))) as tf.Scalar;
      },
      true,
      [...critic.trainableVariables],
    );
    await loss!.data();
    loss!.dispose();
    if (step >= 2) times.push(performance.now() - start);
  }
  optimizer.dispose();
  tf.dispose([x, y, eye]);
  critic.dispose();
  return median(times);
}

const backends = (process.argv[3] ?? 'cpu,wasm').split(',') as BackendPreference[];
const steps = Number(process.env['MI_BENCH_STEPS'] ?? 5);
const rows: string[] = [
  '| critic | backend | ms/step | stock autodiff (ms/step) |',
  '|---|---|---|---|',
];
for (const backend of backends) {
  await initBackend(backend, { log: false });
  for (const bench of benches) {
    if (backend === 'cpu' && bench.heavy) continue;
    const cpuSteps = backend === 'cpu' ? Math.max(1, Math.ceil(steps / 3)) : steps;
    const heavySteps = bench.heavy ? Math.max(1, Math.ceil(steps / 3)) : cpuSteps;
    const fast = await stepTimes(bench, heavySteps);
    let stock = '';
    if (backend === 'wasm' && !bench.convOnly) {
      setDenseKernels('stock');
      setExplicitTransposes('never');
      stock = (await stepTimes(bench, heavySteps)).toFixed(1);
      setExplicitTransposes('auto');
      setDenseKernels('fused');
    }
    const row = `| ${bench.name} | ${backend} | ${fast.toFixed(1)} | ${stock} |`;
    rows.push(row);
    console.log(row);
  }
}
console.log(`\n${rows.join('\n')}`);
