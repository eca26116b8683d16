import { type BoundRegistry, createBoundRegistry } from '@mi/bounds';
import { createRandom } from '@mi/core';
import type { CriticRegistry } from '@mi/critics';
import {
  type Bound,
  type BoundInputContext,
  type BoundState,
  type Critic,
  InvalidArgumentError,
  type PluginSpec,
} from '@mi/spec';
import {
  createOptimizer,
  createTrainStep,
  readScalars,
  resolveOptimizer,
  type StepExecution,
} from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import { gflopsPerSecond } from './flop-count';
import { startLoadProbe } from './other-load';
import {
  type PerfCase,
  type PerfCriticId,
  perfCase,
  type ScalingCriticId,
  sampledScoresOf,
  scalingCase,
} from './perf-cases';
import type { PerfBackend } from './perf-options';
import type { KernelTime, PerfCaseResult, StepPhases, StepProfile } from './perf-report';
import { summarizeTimes } from './step-statistics';

/** FLOPs of one training step of a table case as TF.js runs it (split first layers). */
export function perfStepFlops(critic: PerfCriticId): number {
  return perfCase(critic).flops;
}

/** Registries the timed critics and bounds are resolved through; default the built-ins. */
export interface PerfRegistries {
  readonly bounds?: BoundRegistry;
  readonly critics?: CriticRegistry;
}

/** What one step returns: the loss, read back as `train()` reads it. */
type TimedStep = () => Promise<number>;

const ADAM = { kind: 'adam', learningRate: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/** A timed step and what the phase measurement needs of it. */
interface TimedSteps {
  readonly step: TimedStep;
  /** The loss of a batch, for the forward / backward / optimizer split. */
  loss(x: tf.Tensor, y: tf.Tensor): tf.Scalar;
  readonly optimizer: tf.Optimizer;
  /** How the latest step ran (createTrainStep's steps: a compiled graph or eager, and why). */
  execution(): StepExecution | undefined;
  dispose(): void;
}

/**
 * The step `train()` runs ({@link createTrainStep}), with the loop's one read of loss, estimate
 * and the two terms ({@link readScalars}) and its swap of the bound's state: what is timed is
 * exactly what training costs per step on the score matrix. Owns the bound's running state; `dispose` frees it.
 */
function createTimedStep(options: {
  readonly critic: Critic;
  readonly bound: Bound;
  readonly sample: () => { x: tf.Tensor; y: tf.Tensor };
  readonly graph: boolean;
}): TimedSteps {
  const { critic, bound, sample } = options;
  // All n² pairs, as the FLOP counts and the PyTorch step: a bound that reads only the shifted
  // pairs (Bound.reads) trains on 2n of them in `train()`, a different computation.
  const trainStep = createTrainStep({
    critic,
    bound,
    optimizer: ADAM,
    graph: options.graph,
    scoreMatrix: true,
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
    loss: (x, y) => bound.compute({ scores: critic.scores(x, y) }, state).loss,
    optimizer: trainStep.optimizer,
    execution: () => trainStep.execution,
    dispose: () => {
      tf.dispose(Object.values(state));
      trainStep.dispose();
    },
  };
}

/**
 * InfoNCE over sampled negatives: each row's own pair (column 0 of `sampledScores`) against its
 * k shifted partners, `loss = −mean_i (R_i0 − logsumexp_c R_ic) − log(k + 1)`, with the Adam
 * `train()` uses. The PyTorch script trains the same loss on the same pairs.
 */
function createSampledStep(options: {
  readonly critic: Critic;
  readonly sample: () => { x: tf.Tensor; y: tf.Tensor };
  readonly negatives: number;
}): TimedSteps {
  const { critic, sample, negatives } = options;
  const sampledScores = sampledScoresOf(critic);
  if (sampledScores === undefined) {
    throw new InvalidArgumentError({
      functionName: 'bench:perf',
      parameter: 'critic',
      value: critic.id,
      expected: 'a critic with sampledScores (the joint critic)',
    });
  }
  const optimizer = createOptimizer(resolveOptimizer(ADAM));
  const variables = critic.trainableVariables as tf.Variable[];
  const loss = (x: tf.Tensor, y: tf.Tensor): tf.Scalar =>
    tf.tidy(() => {
      const r = sampledScores(x, y);
      const positive = tf.slice(r, [0, 0], [-1, 1]);
      const estimate = tf.sub(
        tf.mean(tf.sub(tf.reshape(positive, [-1]), tf.logSumExp(r, 1))),
        -Math.log(negatives + 1),
      );
      return tf.neg(estimate) as tf.Scalar;
    });
  const step = async (): Promise<number> => {
    const batch = sample();
    const { value, grads } = tf.variableGrads(() => loss(batch.x, batch.y), variables);
    const [read] = await value.data();
    optimizer.applyGradients(grads);
    tf.dispose([value, batch.x, batch.y, ...Object.values(grads)]);
    return read as number;
  };
  return { step, loss, optimizer, execution: () => undefined, dispose: () => optimizer.dispose() };
}

/**
 * Times full training steps of one case on the active backend: a fresh batch, the n × n
 * scores, the bound, `tf.variableGrads`, reading loss, estimate and the two terms back (as
 * `train()` does), and Adam (lr 5e-4) through `optimizer.applyGradients`. After the warm-up and
 * timed steps, one more step runs under `tf.profile` to count kernels and the peak tensor count
 * and bytes; it is not timed. `n` (scaling cases) changes the batch size.
 */
export async function measureTrainingStep(options: {
  readonly critic: PerfCriticId | ScalingCriticId;
  readonly backend: PerfBackend;
  /** The bound, as a spec the bound registry resolves (`infonce`, `nwj`, `smile:tau=5`). */
  readonly bound: string | PluginSpec;
  readonly warmupSteps: number;
  readonly timedSteps: number;
  readonly seed: number;
  readonly registries?: PerfRegistries;
  /** Batch size of a scaling case (`scalingCase`); default: the table case's size. */
  readonly n?: number;
  /** Time the forward / backward / optimizer phases apart (extra steps). Default `true`. */
  readonly phases?: boolean;
  /**
   * Let createTrainStep run the step as one compiled graph on tfjs-node (its default). Default
   * `true`; `false` times the eager step.
   */
  readonly graph?: boolean;
}): Promise<PerfCaseResult> {
  const setup: PerfCase =
    options.n === undefined
      ? perfCase(options.critic as PerfCriticId)
      : scalingCase(options.critic as ScalingCriticId, options.n);
  const bounds = options.registries?.bounds ?? createBoundRegistry();
  const bound = bounds.resolve(options.bound);
  const critic = setup.createCritic(options.seed, options.registries?.critics);
  const flopsPerStep = setup.flops;
  const variables = critic.trainableVariables as tf.Variable[];
  let stepIndex = 0;
  const sample = () => setup.sample(options.seed, stepIndex++);
  let timed: TimedSteps | undefined;
  try {
    timed =
      setup.step === 'sampled'
        ? createSampledStep({ critic, sample, negatives: setup.negatives ?? 1 })
        : createTimedStep({ critic, bound, sample, graph: options.graph ?? true });
    const { step, optimizer } = timed;
    const load = startLoadProbe();
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
    const phases =
      options.phases === false
        ? undefined
        : await measurePhases(
            { sample, loss: timed.loss, optimizer, variables },
            options.backend === 'cpu' ||
              setup.heavy ||
              setup.n > 256 ||
              /cnn|slb|clb|resnet/.test(setup.id)
              ? 1
              : Math.min(3, options.timedSteps),
          );
    const summary = summarizeTimes(times);
    const usage = process.memoryUsage();
    return {
      critic: setup.id,
      backend: options.backend,
      status: 'measured',
      n: setup.n,
      warmupSteps: options.warmupSteps,
      timedSteps: options.timedSteps,
      ...summary,
      flopsPerStep,
      gflops: gflopsPerSecond(flopsPerStep, summary.medianMs),
      profile,
      ...(phases === undefined ? {} : { phases }),
      tensorsAfter: memory.numTensors,
      tensorBytesAfter: memory.numBytes,
      leakedTensorsPerStep: leaked,
      rssBytes: usage.rss,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      ...(otherLoadCores === undefined ? {} : { otherLoadCores }),
      loadAverage: load.loadAverage(),
      details: {
        network: setup.description,
        bound:
          setup.step === 'sampled'
            ? `infonce over ${setup.negatives} sampled negatives (harness step)`
            : typeof options.bound === 'string'
              ? options.bound
              : options.bound.label,
        lastLoss,
        ...executionDetails(timed.execution()),
        variables: variables.length,
        parameters: variables.reduce((sum, v) => sum + v.size, 0),
      },
    };
  } finally {
    timed?.dispose();
    critic.dispose();
  }
}

/**
 * The most tensor bytes TF.js saw alive during the profiled step, or undefined where they do not
 * measure the step: a compiled graph's intermediate tensors live in TensorFlow's own allocator,
 * which TF.js cannot see (its profile counts only the graph's inputs and outputs).
 */
export function visiblePeakBytes(result: PerfCaseResult): number | undefined {
  return result.details?.['execution'] === 'graph' ? undefined : result.profile?.peakTensorBytes;
}

/** The step's execution as report details: `execution` ('graph', 'eager', or the harness's own step). */
function executionDetails(execution: StepExecution | undefined): Record<string, unknown> {
  if (execution === undefined) return { execution: 'harness step (eager)' };
  return execution.mode === 'graph'
    ? {
        execution: 'graph',
        graphOps: execution.graphOps,
        optimizerInGraph: execution.optimizerInGraph,
        ...(execution.optimizerReason === undefined
          ? {}
          : { optimizerReason: execution.optimizerReason }),
      }
    : { execution: 'eager', eagerReason: execution.reason };
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
