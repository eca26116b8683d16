// Interleaved A/B of whole training steps: the InfoNCE bound and Adam as they were (`before`: the
// bound composed of TF.js ops and differentiated by tfjs, `setBoundKernels('stock')`; the flat
// Adam with a Reshape per variable around its Concat and SplitV and its β-powers as tensors) against
// `after`: the InfoNCE kernel with its written gradient and the flat Adam of concatFlat/splitAdd.
// The dense layers are the same in both. Rounds alternate the order (ABBA…, ./ab-rounds.ts). Not
// part of the package; run from the repository root:
//
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-step-ab.ts tensorflow separable,joint,cnn 6
//   node packages/perf/scripts/run-ts.mjs packages/perf/scripts/perf-step-ab.ts wasm separable,joint 6

import { initBackend, setBoundKernels } from '@mi/core';
import type { PerfCriticId } from '@mi/perf';
import { FlatAdamOptimizer } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import { compareSteps, type Variant } from './ab-rounds';

const backend = (process.argv[3] ?? 'wasm') as 'wasm' | 'tensorflow' | 'cpu';
const critics = (process.argv[4] ?? 'separable,joint').split(',') as PerfCriticId[];
const rounds = Number(process.argv[5] ?? 6);
process.env['TF_NUM_INTRAOP_THREADS'] ??= '1';
process.env['TF_NUM_INTEROP_THREADS'] ??= '-1'; // as initBackend: sessions run in the calling thread
process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
await initBackend(backend, { log: false });

/** What the previous applyGradients reads of the optimiser (its fields are private). */
interface FlatAdamFields {
  names: readonly string[];
  firstMoment: tf.Variable;
  secondMoment: tf.Variable;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  allocate(names: readonly string[]): void;
  incrementIterations(): void;
}

// FlatAdamOptimizer.applyGradients before this change (commit 59e7ad1), kernel for kernel.
function previousApplyGradients(this: FlatAdamFields, gradients: tf.NamedTensorMap): void {
  if (this.names.length === 0) this.allocate(Object.keys(gradients));
  const variables = this.names.map((name) => tf.engine().registeredVariables[name] as tf.Variable);
  tf.tidy(() => {
    const flat = tf.concat(
      variables.map((v, k) => tf.reshape(gradients[this.names[k]!] ?? tf.zerosLike(v), [-1])),
    );
    const m = this.firstMoment;
    const v = this.secondMoment;
    const newM = tf.add(tf.mul(m, this.beta1), tf.mul(flat, 1 - this.beta1));
    const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(flat), 1 - this.beta2));
    const mHat = tf.div(newM, tf.sub(1, this.accBeta1));
    const vHat = tf.div(newV, tf.sub(1, this.accBeta2));
    m.assign(newM);
    v.assign(newV);
    const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate);
    const pieces = tf.split(
      step,
      variables.map((w) => w.size),
    );
    variables.forEach((w, k) => {
      w.assign(tf.add(tf.reshape(pieces[k]!, w.shape), w));
    });
    this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
    this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
  });
  this.incrementIterations();
}

const currentApplyGradients = FlatAdamOptimizer.prototype.applyGradients;
function use(variant: Variant): void {
  setBoundKernels(variant === 'before' ? 'stock' : 'fused');
  FlatAdamOptimizer.prototype.applyGradients = (
    variant === 'before' ? previousApplyGradients : currentApplyGradients
  ) as typeof currentApplyGradients;
}

await compareSteps({
  backend,
  critics,
  rounds,
  use,
  steps: (heavy) =>
    heavy ? { warmupSteps: 1, timedSteps: 3 } : { warmupSteps: 5, timedSteps: 20 },
});
