import { type BoundRegistry, createBoundRegistry } from '@mi/bounds';
import { createRandom } from '@mi/core';
import { type CriticRegistry, createCriticRegistry, type NeuralCritic } from '@mi/critics';
import {
  type Bound,
  type BoundInputContext,
  type BoundState,
  InvalidArgumentError,
  type PluginSpec,
  type PluginSpecValue,
} from '@mi/spec';
import { createTrainStep, readScalars } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import {
  CNN_BENCH_SHAPE,
  cnnCriticForwardFlops,
  gflopsPerSecond,
  JOINT_BENCH_SHAPE,
  jointCriticForwardFlops,
  SEPARABLE_BENCH_SHAPE,
  separableCriticForwardFlops,
  trainingStepFlops,
} from './flop-count';
import { startLoadProbe } from './other-load';
import type { PerfBackend, PerfCriticId } from './perf-options';
import type { KernelTime, PerfCaseResult, StepPhases, StepProfile } from './perf-report';
import { summarizeTimes } from './step-statistics';

/** MI of the Gaussian batches (nats): the middle of the staircase, as the PyTorch timing uses. */
const BATCH_MI = 6;

/** One timed case: a critic at the benchmark's size, named as a registry spec, and its batches. */
interface PerfCase {
  /** The critic's id and options; the seed is added per run. Resolved through the critic registry. */
  readonly critic: {
    readonly id: string;
    readonly options: Readonly<Record<string, PluginSpecValue>>;
  };
  /** A fresh batch for step `step` (seeded). */
  sample(seed: number, step: number): { x: tf.Tensor; y: tf.Tensor };
  readonly description: string;
}

/** FLOPs of one training step of a benchmark critic as TF.js runs it (split first layer). */
export function perfStepFlops(critic: PerfCriticId): number {
  switch (critic) {
    case 'joint':
      return trainingStepFlops(jointCriticForwardFlops(JOINT_BENCH_SHAPE, 'split'));
    case 'separable':
      return trainingStepFlops(separableCriticForwardFlops(SEPARABLE_BENCH_SHAPE));
    case 'cnn':
      return trainingStepFlops(cnnCriticForwardFlops(CNN_BENCH_SHAPE, 'split'));
  }
}

/** Correlated Gaussian batches of the dense critics, MI = {@link BATCH_MI} nats. */
function gaussianBatch(seed: number, step: number): { x: tf.Tensor; y: tf.Tensor } {
  const { n, xFeatures, yFeatures } = JOINT_BENCH_SHAPE;
  const rho = Math.sqrt(1 - Math.exp((-2 * BATCH_MI) / xFeatures));
  return tf.tidy(() => {
    const x = tf.randomNormal([n, xFeatures], 0, 1, 'float32', seed + 2 * step);
    const noise = tf.randomNormal([n, yFeatures], 0, 1, 'float32', seed + 2 * step + 1);
    const y = tf.add(tf.mul(x, rho), tf.mul(noise, Math.sqrt(1 - rho * rho)));
    return { x, y };
  });
}

/** The timed cases: the critics of the papers at the sizes of the performance targets. */
const PERF_CASES: Readonly<Record<PerfCriticId, PerfCase>> = {
  joint: {
    critic: {
      id: 'joint',
      options: {
        xFeatures: JOINT_BENCH_SHAPE.xFeatures,
        yFeatures: JOINT_BENCH_SHAPE.yFeatures,
        hiddenUnits: [256, 256],
      },
    },
    sample: gaussianBatch,
    description: 'joint n=64 d=20, 40 → 256 → 256 → 1 on all 4096 pairs',
  },
  separable: {
    critic: {
      id: 'separable',
      options: {
        xFeatures: SEPARABLE_BENCH_SHAPE.xFeatures,
        yFeatures: SEPARABLE_BENCH_SHAPE.yFeatures,
        hiddenUnits: [256, 256],
        embeddingSize: SEPARABLE_BENCH_SHAPE.embeddingSize,
      },
    },
    sample: gaussianBatch,
    description: 'separable n=64 d=20, g, h: 20 → 256 → 256 → 32, S = g·hᵀ',
  },
  cnn: {
    critic: {
      id: 'cnn',
      options: {
        height: CNN_BENCH_SHAPE.height,
        width: CNN_BENCH_SHAPE.width,
        xChannels: CNN_BENCH_SHAPE.xChannels,
        yChannels: CNN_BENCH_SHAPE.yChannels,
      },
    },
    sample: (seed, step) => {
      const { n, height, width, xChannels, yChannels } = CNN_BENCH_SHAPE;
      return {
        x: tf.randomUniform([n, height, width, xChannels], 0, 1, 'float32', seed + 2 * step),
        y: tf.randomUniform([n, height, width, yChannels], 0, 1, 'float32', seed + 2 * step + 1),
      };
    },
    description: 'cnn n=16 28×28×(1+1), conv64 k5s2 → conv128 k5s2 → 1024 → 1, all 256 pairs',
  },
};

/** Registries the timed critics and bounds are resolved through; default the built-ins. */
export interface PerfRegistries {
  readonly bounds?: BoundRegistry;
  readonly critics?: CriticRegistry;
}

/** What one step returns: the loss, read back as `train()` reads it. */
type TimedStep = () => Promise<number>;

/**
 * The step `train()` runs ({@link createTrainStep}), with the loop's one read of loss, estimate
 * and the two terms ({@link readScalars}) and its swap of the bound's state: what is timed is
 * exactly what training costs per step. Owns the bound's running state; `dispose` frees it.
 */
function createTimedStep(options: {
  readonly critic: NeuralCritic;
  readonly bound: Bound;
  readonly sample: () => { x: tf.Tensor; y: tf.Tensor };
}): { step: TimedStep; state(): BoundState; optimizer: tf.Optimizer; dispose(): void } {
  const { critic, bound, sample } = options;
  const trainStep = createTrainStep({
    critic,
    bound,
    optimizer: { kind: 'adam', learningRate: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  });
  const context: BoundInputContext = {
    requires: bound.requires,
    random: createRandom(0),
    dataBounds: () => {
      throw new InvalidArgumentError({
        functionName: 'bench:perf',
        parameter: 'bound',
        value: bound.id,
        expected: 'a bound that reads the score matrix only',
      });
    },
  };
  let state: BoundState = bound.initialState();
  const step = async (): Promise<number> => {
    const batch = sample();
    const evaluation = trainStep.evaluate(state, batch, context);
    const [loss] = await readScalars(evaluation);
    trainStep.update(evaluation);
    tf.dispose([evaluation.loss, evaluation.estimate, evaluation.joint, evaluation.logPartition]);
    tf.dispose([batch.x, batch.y, ...Object.values(state)]);
    state = evaluation.state;
    return loss;
  };
  return {
    step,
    state: () => state,
    optimizer: trainStep.optimizer,
    dispose: () => {
      tf.dispose(Object.values(state));
      trainStep.dispose();
    },
  };
}

/**
 * Times full training steps of one critic on the active backend: a fresh batch, the n × n
 * scores, the bound, `tf.variableGrads`, reading loss, estimate and the two terms back (as
 * `train()` does), and Adam (lr 5e-4) through `optimizer.applyGradients`. After the warm-up and
 * timed steps, one more step runs under `tf.profile` to count kernels and the peak tensor count
 * and bytes; it is not timed.
 */
export async function measureTrainingStep(options: {
  readonly critic: PerfCriticId;
  readonly backend: PerfBackend;
  /** The bound, as a spec the bound registry resolves (`infonce`, `nwj`, `smile:tau=5`). */
  readonly bound: string | PluginSpec;
  readonly warmupSteps: number;
  readonly timedSteps: number;
  readonly seed: number;
  readonly registries?: PerfRegistries;
}): Promise<PerfCaseResult> {
  const setup = PERF_CASES[options.critic];
  const bounds = options.registries?.bounds ?? createBoundRegistry();
  const critics = options.registries?.critics ?? createCriticRegistry();
  const bound = bounds.resolve(options.bound);
  const critic = critics.resolve({
    id: setup.critic.id,
    options: { ...setup.critic.options, seed: options.seed },
    label: setup.critic.id,
  });
  const flopsPerStep = perfStepFlops(options.critic);
  const variables = critic.trainableVariables as tf.Variable[];
  let stepIndex = 0;
  const sample = () => setup.sample(options.seed, stepIndex++);
  const timed = createTimedStep({ critic, bound, sample });
  const { step, optimizer } = timed;

  const load = startLoadProbe();
  try {
    for (let i = 0; i < options.warmupSteps; i++) await step();
    const tensorsBefore = tf.memory().numTensors;
    const times: number[] = [];
    let lastLoss = Number.NaN;
    for (let i = 0; i < options.timedSteps; i++) {
      const start = performance.now();
      lastLoss = await step();
      times.push(performance.now() - start);
    }
    const otherLoadCores = load.stop();
    const memory = tf.memory();
    const leaked = (memory.numTensors - tensorsBefore) / options.timedSteps;
    const profile = await profileStep(step);
    const phases = await measurePhases(
      {
        sample,
        loss: (x, y) => bound.compute({ scores: critic.scores(x, y) }, timed.state()).loss,
        optimizer,
        variables,
      },
      options.backend === 'cpu' || options.critic === 'cnn' ? 1 : Math.min(3, options.timedSteps),
    );
    const summary = summarizeTimes(times);
    const usage = process.memoryUsage();
    return {
      critic: options.critic,
      backend: options.backend,
      status: 'measured',
      warmupSteps: options.warmupSteps,
      timedSteps: options.timedSteps,
      ...summary,
      flopsPerStep,
      gflops: gflopsPerSecond(flopsPerStep, summary.medianMs),
      profile,
      phases,
      tensorsAfter: memory.numTensors,
      tensorBytesAfter: memory.numBytes,
      leakedTensorsPerStep: leaked,
      rssBytes: usage.rss,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      ...(otherLoadCores === undefined ? {} : { otherLoadCores }),
      loadAverage: load.loadAverage(),
      details: {
        network: setup.description,
        bound: typeof options.bound === 'string' ? options.bound : options.bound.label,
        lastLoss,
        variables: variables.length,
        parameters: variables.reduce((sum, v) => sum + v.size, 0),
      },
    };
  } finally {
    timed.dispose();
    critic.dispose();
  }
}

/** One step under `tf.profile`: kernel count, peak tensors and bytes, the slowest kernels. */
async function profileStep(step: () => Promise<number>): Promise<StepProfile> {
  const checking = tf.env().getBool('CHECK_COMPUTATION_FOR_ERRORS');
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  try {
    const info = await tf.profile(async () => {
      await step();
      return [];
    });
    const byName = new Map<string, { count: number; milliseconds: number }>();
    let peakTensors = 0;
    for (const kernel of info.kernels) {
      peakTensors = Math.max(peakTensors, kernel.totalTensorsSnapshot);
      // tf.customGrad ops (the wasm fast dense layers) run as 'unnamed scope'.
      const name = kernel.name === 'unnamed scope' ? 'customGrad op' : kernel.name;
      const entry = byName.get(name) ?? { count: 0, milliseconds: 0 };
      entry.count += 1;
      const ms = kernel.kernelTimeMs;
      entry.milliseconds += typeof ms === 'number' && Number.isFinite(ms) ? ms : 0;
      byName.set(name, entry);
    }
    const topKernels: KernelTime[] = [...byName.entries()]
      .map(([name, v]) => ({ name, count: v.count, milliseconds: v.milliseconds }))
      .sort((a, b) => b.milliseconds - a.milliseconds)
      .slice(0, 8);
    return {
      kernels: info.kernels.length,
      peakTensors,
      peakTensorBytes: info.peakBytes,
      topKernels,
    };
  } finally {
    tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', checking);
  }
}

/**
 * Times the phases of a step apart, `repetitions` times each (keeping the fastest): the forward
 * pass without a tape,
 * `tf.variableGrads` (forward + backward; the backward is the difference) and
 * `optimizer.applyGradients`; one more run of each under `tf.profile` counts its kernels. The
 * backends measured here run kernels synchronously, so wall time around each call is its cost.
 */
async function measurePhases(
  run: {
    readonly sample: () => { x: tf.Tensor; y: tf.Tensor };
    readonly loss: (x: tf.Tensor, y: tf.Tensor) => tf.Scalar;
    readonly optimizer: tf.Optimizer;
    readonly variables: tf.Variable[];
  },
  repetitions: number,
): Promise<StepPhases> {
  const last = run.variables[run.variables.length - 1]!;
  const once = async () => {
    const batch = run.sample();
    const t0 = performance.now();
    const loss = tf.tidy(() => run.loss(batch.x, batch.y));
    await loss.data();
    const t1 = performance.now();
    const { value, grads } = tf.variableGrads(() => run.loss(batch.x, batch.y), run.variables);
    await value.data();
    const t2 = performance.now();
    run.optimizer.applyGradients(grads);
    await last.data();
    const t3 = performance.now();
    tf.dispose([loss, value, batch.x, batch.y, ...Object.values(grads)]);
    return { forward: t1 - t0, gradients: t2 - t1, optimizer: t3 - t2 };
  };
  const forward: number[] = [];
  const gradients: number[] = [];
  const optimizer: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const t = await once();
    forward.push(t.forward);
    gradients.push(t.gradients);
    optimizer.push(t.optimizer);
  }
  // Kernel counts of each phase.
  const batch = run.sample();
  const countKernels = async (f: () => Promise<void>) => (await tf.profile(f)).kernels.length;
  const checking = tf.env().getBool('CHECK_COMPUTATION_FOR_ERRORS');
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  let grads: tf.NamedTensorMap = {};
  let forwardKernels = 0;
  let gradientKernels = 0;
  let optimizerKernels = 0;
  try {
    forwardKernels = await countKernels(async () => {
      const loss = tf.tidy(() => run.loss(batch.x, batch.y));
      await loss.data();
      loss.dispose();
    });
    gradientKernels = await countKernels(async () => {
      const result = tf.variableGrads(() => run.loss(batch.x, batch.y), run.variables);
      await result.value.data();
      result.value.dispose();
      grads = result.grads;
    });
    optimizerKernels = await countKernels(async () => {
      run.optimizer.applyGradients(grads);
      await last.data();
    });
  } finally {
    tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', checking);
    tf.dispose([batch.x, batch.y, ...Object.values(grads)]);
  }
  // The fastest repetition of each phase: the least disturbed by other processes.
  const forwardMs = Math.min(...forward);
  return {
    forward: { milliseconds: forwardMs, kernels: forwardKernels },
    backward: {
      milliseconds: Math.max(0, Math.min(...gradients) - forwardMs),
      kernels: gradientKernels - forwardKernels,
    },
    optimizer: { milliseconds: Math.min(...optimizer), kernels: optimizerKernels },
    repetitions,
  };
}
