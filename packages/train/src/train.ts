import { DEFAULT_SEED, deriveRandom, restoreRandom } from '@mi/core';
import {
  type Batch,
  type BoundInputs,
  type BoundState,
  type DataSource,
  type Dataset,
  type EstimateSummary,
  InvalidArgumentError,
  NonFiniteEstimateError,
  type TrainResult,
} from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { DataStream } from './data-stream';
import { type OutputHistogram, outputHistogram, trainFlags } from './diagnostics';
import { chooseEstimate, Traces, windowAverages } from './estimates';
import { clipByGlobalNorm, createOptimizer, resolveOptimizer } from './optimizer';
import { type TrainLoopOptions, validateTrainOptions } from './options';
import { type BoundingBox, boundingBox, sampleUniformBox } from './reference-sampler';
import { StepLog } from './step-log';

/** Per-step traces of a run, in step order (skipped steps are left out). */
export interface TrainTraces {
  readonly step: Int32Array;
  readonly estimate: Float32Array;
  readonly ema: Float32Array;
  readonly loss: Float32Array;
  /** E_P[T] per step (the first term of the bound). */
  readonly joint: Float32Array;
  /** Log of the bound's partition term per step (ReMINE's drift picture). */
  readonly logPartition: Float32Array;
  /** The ground truth per step (NaN where unknown); the staircase changes it. */
  readonly trueMI: Float32Array;
}

/** What went wrong when a run stopped on a non-finite value. */
export interface NonFiniteReport {
  readonly step: number;
  readonly quantity: 'loss' | 'estimate';
  readonly value: number;
  readonly lastFiniteEstimate: number | undefined;
  readonly reason: string;
}

/** `train`'s result: the spec's `TrainResult` plus traces and diagnostics. */
export interface TrainRunResult extends TrainResult {
  readonly traces: TrainTraces;
  readonly histograms: readonly OutputHistogram[];
  readonly validationHistory: readonly { step: number; estimate: number }[];
  /** Set when the run stopped (or skipped steps) because of non-finite values. */
  readonly nonFinite: NonFiniteReport | undefined;
  readonly skippedSteps: readonly number[];
  /** Epochs completed (finite data). */
  readonly epochs: number;
}

/**
 * Trains a critic on a bound and reports the mutual-information estimate (nats).
 *
 * Works with any critic, bound and data source that satisfy `@mi/spec`; it imports no bound or
 * critic. Each step draws a batch (fresh samples from a sampler, or the next shuffled batch of a
 * finite dataset), computes `bound.compute({ scores: critic.scores(x, y), … }, state)` inside the
 * gradient tape, applies Adam (lr 5e-4, β = 0.9/0.999 by default, the papers' setting) or SGD with
 * optional global-norm clipping, and threads the bound's state. Only four scalars are read back
 * per step (loss, estimate and the two terms).
 *
 * Reported estimates: per batch, EMA, macro and micro averages over the last K batches (ReMINE
 * Alg. 1), and held-out estimates (best and final) in finite-data mode; `estimateKind` says which
 * one is the answer and why: the final held-out value on finite data, else the micro average for
 * a bound that declares `averaging: 'micro'`, else the macro average (see `chooseEstimate`).
 *
 * Randomness: `seed` (default `DEFAULT_SEED` of `@mi/core`, 0, as for the critics) drives the
 * data stream (sampler draws, per-epoch shuffles), the train/validation split and MI-NEE's
 * reference batches, each from its own stream (`deriveRandom(seed, 'data' | 'split' |
 * 'reference')`). The critic's initial weights come from the critic's own seed, on the
 * `'critic-init'` stream, so a critic and a run given the same seed share no random bits. There is
 * no dropout. The same seeds give the same run, bit for bit, on one backend.
 *
 * A non-finite loss or estimate stops the run (or skips the step with `onNonFinite: 'skip'`) with
 * the step and the last finite estimate; the answer is never NaN.
 *
 * @example
 * ```ts
 * const result = await train({ critic, bound: infoNCE.create(), data: sampler, steps: 2000, batchSize: 64, seed: 1 });
 * console.log(result.estimate, result.estimateKind, result.flags);
 * ```
 */
export async function train(options: TrainLoopOptions): Promise<TrainRunResult> {
  validateTrainOptions(options);
  const started = performance.now();
  const { critic, bound, batchSize } = options;
  const optimizerOptions = resolveOptimizer(options.optimizer);
  const optimizer = createOptimizer(optimizerOptions);
  const variables = critic.trainableVariables as tf.Variable[];
  // One independent stream per purpose of the seed (the critic's weights use 'critic-init').
  const seed = options.seed ?? DEFAULT_SEED;
  let referenceRandom = deriveRandom(seed, 'reference');
  const validationFraction =
    options.validation === undefined ? undefined : (options.validation.fraction ?? 0.2);
  const stream = DataStream.create(options.data, batchSize, validationFraction, {
    data: deriveRandom(seed, 'data'),
    split: deriveRandom(seed, 'split'),
  });
  const maxSteps = options.steps ?? (options.epochs as number) * stream.batchesPerEpoch;
  const stepsLimit =
    options.epochs === undefined
      ? maxSteps
      : Math.min(maxSteps, (options.epochs as number) * stream.batchesPerEpoch);
  const windowSize = options.windowSize ?? Math.max(1, Math.min(1000, Math.ceil(stepsLimit / 2)));
  const emaDecay = options.emaDecay ?? 0.99;
  const histogramSteps = new Set(options.histogramSteps ?? []);
  const bins = options.histogramBins ?? 30;
  const entropic = bound.requires.includes('entropic');
  const referenceFactor = options.referenceFactor ?? 10;
  const log = options.logFile ? new StepLog(options.logFile) : undefined;

  let state: BoundState = bound.initialState();
  let traces = new Traces();
  const stepIndex: number[] = [];
  const histograms: OutputHistogram[] = [];
  const validationHistory: { step: number; estimate: number }[] = [];
  const skippedSteps: number[] = [];
  let ema = Number.NaN;
  let bestValidation = Number.NEGATIVE_INFINITY;
  let evaluationsWithoutImprovement = 0;
  let step = 0;
  let stopReason: TrainResult['stopReason'] = 'completed';
  let nonFinite: NonFiniteReport | undefined;
  let lastEpochValidated = 0;
  let data: DataSource = options.data;
  let datasetBox: { x: BoundingBox; y: BoundingBox } | undefined;

  if (options.resumeFrom !== undefined) {
    const restored = await restore(options.resumeFrom);
    step = restored.step;
    state = restored.state;
    traces = restored.traces;
    stepIndex.push(...restored.stepIndex);
    ema = restored.ema;
    bestValidation = restored.bestValidation;
    evaluationsWithoutImprovement = restored.evaluationsWithoutImprovement;
    validationHistory.push(...restored.validationHistory);
    skippedSteps.push(...restored.skippedSteps);
    lastEpochValidated = restored.lastEpochValidated;
    referenceRandom = restored.referenceRandom;
  }

  const timings: number[] = [];
  try {
    while (step < stepsLimit) {
      if (options.signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      const stepStart = performance.now();
      data = options.schedule ? options.schedule(step, options.data) : data;
      const batch = stream.next(data);
      const observing = options.observe !== undefined && step % options.observe.every === 0;
      const keepScores = histogramSteps.has(step) || observing;
      let kept:
        | {
            estimate: tf.Scalar;
            joint: tf.Scalar;
            logPartition: tf.Scalar;
            state: BoundState;
            scores?: tf.Tensor;
          }
        | undefined;
      const { value: lossTensor, grads } = tf.variableGrads(() => {
        const inputs = boundInputs(batch, data);
        const output = bound.compute(inputs, state);
        const zero = () => tf.scalar(0);
        kept = {
          estimate: tf.keep(output.estimate),
          joint: tf.keep(output.terms['joint'] ?? zero()),
          logPartition: tf.keep(output.terms['logPartition'] ?? zero()),
          state: Object.fromEntries(Object.entries(output.state).map(([k, v]) => [k, tf.keep(v)])),
          ...(keepScores && inputs.scores !== undefined ? { scores: tf.keep(inputs.scores) } : {}),
        };
        return output.loss;
      }, variables);
      const outputs = kept!;
      const stacked = tf.stack([lossTensor, outputs.estimate, outputs.joint, outputs.logPartition]);
      const [loss, estimate, joint, logPartition] = Array.from(await stacked.data()) as [
        number,
        number,
        number,
        number,
      ];
      tf.dispose([stacked, lossTensor, outputs.estimate, outputs.joint, outputs.logPartition]);

      if (outputs.scores) {
        const values = (await outputs.scores.data()) as Float32Array;
        const n = outputs.scores.shape[0] as number;
        if (histogramSteps.has(step)) histograms.push(outputHistogram(step, values, n, bins));
        if (observing) {
          const [x, y] = (await Promise.all([batch.x.data(), batch.y.data()])) as [
            Float32Array,
            Float32Array,
          ];
          await options.observe!.callback({ step, n, x, y, scores: values });
        }
        outputs.scores.dispose();
      }
      tf.dispose([batch.x, batch.y]);

      if (!Number.isFinite(loss) || !Number.isFinite(estimate)) {
        tf.dispose(Object.values(grads));
        tf.dispose(Object.values(outputs.state));
        const quantity = Number.isFinite(loss) ? 'estimate' : 'loss';
        const lastFinite =
          traces.size > 0 ? (traces.estimate[traces.size - 1] as number) : undefined;
        nonFinite = {
          step,
          quantity,
          value: quantity === 'loss' ? loss : estimate,
          lastFiniteEstimate: lastFinite,
          reason: `the ${quantity} of bound '${bound.id}' is ${quantity === 'loss' ? loss : estimate}: the critic's outputs overflowed or the optimiser diverged (try a smaller learning rate, gradient clipping, or a regularised bound)`,
        };
        if ((options.onNonFinite ?? 'stop') === 'stop') {
          stopReason = 'non-finite';
          break;
        }
        skippedSteps.push(step);
        step += 1;
        continue;
      }

      if (optimizerOptions.clipGradientNorm !== undefined) {
        const clipped = clipByGlobalNorm(grads, optimizerOptions.clipGradientNorm);
        optimizer.applyGradients(clipped);
        tf.dispose(Object.values(clipped));
      } else {
        optimizer.applyGradients(grads);
      }
      tf.dispose(Object.values(grads));
      tf.dispose(Object.values(state));
      state = outputs.state;

      ema = Number.isNaN(ema) ? estimate : emaDecay * ema + (1 - emaDecay) * estimate;
      traces.push({ estimate, loss, joint, logPartition, trueMI: data.trueMI ?? Number.NaN, ema });
      stepIndex.push(step);
      step += 1;

      timings.push(performance.now() - stepStart);
      if (timings.length > 50) timings.shift();
      const meanMs = timings.reduce((a, b) => a + b, 0) / timings.length;
      await log?.add({
        step: step - 1,
        estimate,
        ema,
        loss,
        joint,
        logPartition,
        trueMI: data.trueMI ?? null,
      });
      await options.callbacks?.onStep?.({
        step: step - 1,
        estimate,
        loss,
        terms: { joint, logPartition },
        stepsPerSecond: 1000 / meanMs,
        etaSeconds: ((stepsLimit - step) * meanMs) / 1000,
        trueMI: data.trueMI,
      });

      // Held-out evaluation: every `every` steps, or at the end of each epoch.
      if (stream.validationIndices !== null) {
        const every = options.validation?.every;
        const due =
          every !== undefined
            ? step % every === 0
            : stream.atEpochEnd && stream.epoch + 1 > lastEpochValidated;
        if (due) {
          if (every === undefined) lastEpochValidated = stream.epoch + 1;
          const value = await validate(data as Dataset);
          validationHistory.push({ step, estimate: value });
          await options.callbacks?.onValidation?.({ step, estimate: value });
          if (value > bestValidation + (options.validation?.minDelta ?? 0)) {
            bestValidation = value;
            evaluationsWithoutImprovement = 0;
          } else {
            evaluationsWithoutImprovement += 1;
          }
          const patience = options.validation?.patience;
          if (patience !== undefined && evaluationsWithoutImprovement >= patience) {
            stopReason = 'early-stopping';
          }
        }
      }

      if (options.checkpoint && step % options.checkpoint.every === 0) {
        const path = await checkpoint(options.checkpoint.directory);
        await options.callbacks?.onCheckpoint?.({ step, path });
      }
      if (stopReason === 'early-stopping') break;
    }

    // A final held-out value at the weights the run ends with.
    if (
      stream.validationIndices !== null &&
      (validationHistory.at(-1)?.step ?? -1) !== step &&
      traces.size > 0
    ) {
      const value = await validate(data as Dataset);
      validationHistory.push({ step, estimate: value });
      bestValidation = Math.max(bestValidation, value);
    }
  } finally {
    await log?.flush();
    tf.dispose(Object.values(state));
    optimizer.dispose();
  }

  if (traces.size === 0) {
    throw new NonFiniteEstimateError({
      source: 'train',
      quantity: nonFinite?.quantity ?? 'estimate',
      value: nonFinite?.value ?? Number.NaN,
      step: nonFinite?.step ?? 0,
      reason: nonFinite?.reason ?? 'no step completed',
    });
  }

  const averages = windowAverages(traces, windowSize, bound.averaging);
  const snapshot = traces.snapshot();
  const summary: EstimateSummary = {
    perBatch: snapshot.estimate,
    ema,
    macro: averages.macro,
    micro: averages.micro,
    windowSize: averages.size,
    validationBest: validationHistory.length > 0 ? bestValidation : undefined,
    validationFinal: validationHistory.at(-1)?.estimate,
  };
  const chosen = chooseEstimate(summary, bound);
  const ceiling = bound.ceiling(batchSize);
  return {
    estimate: chosen.value,
    estimateKind: chosen.kind,
    estimateReason: chosen.reason,
    estimates: summary,
    ceiling,
    steps: step,
    flags: trainFlags({
      estimates: snapshot.estimate,
      stopReason,
      earlyStoppingConfigured: options.validation?.patience !== undefined,
      estimate: chosen.value,
      ceiling,
    }),
    stopReason,
    backend: tf.getBackend(),
    seconds: (performance.now() - started) / 1000,
    traces: { step: Int32Array.from(stepIndex), ...snapshot },
    histograms,
    validationHistory,
    nonFinite,
    skippedSteps,
    epochs: stream.epoch,
  };

  /** The bound's inputs for a batch (tensors tracked by the enclosing tape/tidy). */
  function boundInputs(batch: Batch, source: DataSource): BoundInputs {
    if (entropic) {
      const n = batch.x.shape[0] as number;
      const box = referenceBox(batch, source);
      const m = referenceFactor * n;
      const reference = {
        x: sampleUniformBox(box.x, m, batch.x.shape.slice(1), referenceRandom),
        y: sampleUniformBox(box.y, m, batch.y.shape.slice(1), referenceRandom),
      };
      const scores = critic.entropicScores!(batch, reference);
      return { entropic: scores };
    }
    const scores = critic.scores(batch.x, batch.y);
    return bound.requires.includes('logBaseline')
      ? { scores, logBaseline: critic.logBaseline!(batch.y) }
      : { scores };
  }

  /** MI-NEE's reference box: over the whole training split of a dataset, or the batch of a sampler. */
  function referenceBox(batch: Batch, source: DataSource): { x: BoundingBox; y: BoundingBox } {
    if (source.kind === 'sampler') return { x: boundingBox(batch.x), y: boundingBox(batch.y) };
    if (datasetBox === undefined) {
      const all = source.gather(stream.trainIndices as Int32Array);
      datasetBox = { x: boundingBox(all.x), y: boundingBox(all.y) };
      tf.dispose([all.x, all.y]);
    }
    return datasetBox;
  }

  /**
   * The held-out estimate: the mean of the bound over the validation split cut into chunks of the
   * training batch size (fresh bound state, no gradient). Every chunk has n = batchSize rows, so
   * each has the bound's ceiling and bias at n and the plain mean weights every row alike; a last
   * shorter chunk is left out (see `DataStream.validationBatches`).
   */
  async function validate(dataset: Dataset): Promise<number> {
    let sum = 0;
    let count = 0;
    for (const batch of stream.validationBatches(dataset)) {
      const fresh = bound.initialState();
      const value = tf.tidy(() => bound.compute(boundInputs(batch, dataset), fresh).estimate);
      const v = (await value.data())[0] as number;
      tf.dispose([value, batch.x, batch.y, ...Object.values(fresh)]);
      if (!Number.isFinite(v)) {
        throw new NonFiniteEstimateError({
          source: 'train (validation)',
          quantity: 'estimate',
          value: v,
          step,
        });
      }
      sum += v;
      count += 1;
    }
    return sum / count;
  }

  async function checkpoint(directory: string): Promise<string> {
    const optimizerWeights = await optimizer.getWeights();
    const scalars = adamScalars(optimizer);
    return writeCheckpoint(
      directory,
      {
        step,
        optimizerScalars: scalars,
        dataStream: stream.getState(),
        referenceRandom: referenceRandom.getState(),
        loop: {
          ema,
          bestValidation,
          evaluationsWithoutImprovement,
          validationHistory,
          skippedSteps,
          lastEpochValidated,
          stepIndex,
          traces: Object.fromEntries(
            Object.entries(traces.snapshot()).map(([k, v]) => [k, Array.from(v)]),
          ),
          critic: critic.getConfig(),
          bound: { id: bound.id, config: bound.config },
        },
      },
      {
        critic: [...critic.trainableVariables, ...critic.nonTrainableVariables].map((v) => ({
          name: v.name,
          tensor: v,
        })),
        optimizer: optimizerWeights.map((w) => ({ name: w.name, tensor: w.tensor })),
        bound: Object.entries(state).map(([name, tensor]) => ({ name, tensor })),
      },
    );
  }

  async function restore(directory: string) {
    const { manifest, values } = await readCheckpoint(directory);
    const loop = manifest.loop as {
      ema: number;
      bestValidation: number | null;
      evaluationsWithoutImprovement: number;
      validationHistory: { step: number; estimate: number }[];
      skippedSteps: number[];
      lastEpochValidated: number;
      stepIndex: number[];
      traces: Record<'estimate' | 'loss' | 'joint' | 'logPartition' | 'trueMI' | 'ema', number[]>;
      bound: { id: string };
    };
    if (loop.bound.id !== bound.id) {
      throw new InvalidArgumentError({
        functionName: 'train',
        parameter: 'resumeFrom',
        value: directory,
        expected: `a checkpoint of a run with bound '${bound.id}' (it holds '${loop.bound.id}')`,
      });
    }
    // Variables are matched in order (their names carry a per-instance prefix), checked by size.
    const criticVariables = [...critic.trainableVariables, ...critic.nonTrainableVariables];
    const criticEntries = manifest.tensors.filter((t) => t.group === 'critic');
    if (criticEntries.length !== criticVariables.length) {
      throw new InvalidArgumentError({
        functionName: 'train',
        parameter: 'resumeFrom',
        value: directory,
        expected: `a checkpoint of this critic (${criticVariables.length} variables; the checkpoint has ${criticEntries.length})`,
      });
    }
    criticEntries.forEach((entry, k) => {
      const variable = criticVariables[k] as tf.Variable;
      if (variable.size !== entry.length) {
        throw new InvalidArgumentError({
          functionName: 'train',
          parameter: 'resumeFrom',
          value: directory,
          expected: `a checkpoint of this critic (variable ${k}, '${entry.name}', has ${variable.size} values here and ${entry.length} in the checkpoint)`,
        });
      }
      tf.tidy(() => variable.assign(tf.tensor(values(entry), variable.shape, variable.dtype)));
    });
    const optimizerEntries = manifest.tensors.filter((t) => t.group === 'optimizer');
    const weights = optimizerEntries.map((entry) => ({
      name: entry.name,
      tensor: tf.tensor(values(entry), entry.shape),
    }));
    await optimizer.setWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
    setAdamScalars(optimizer, manifest.optimizerScalars);
    const restoredState: BoundState = Object.fromEntries(
      manifest.tensors
        .filter((t) => t.group === 'bound')
        .map((entry) => [entry.name, tf.tensor(values(entry), entry.shape)]),
    );
    tf.dispose(Object.values(state));
    stream.setState(manifest.dataStream);
    return {
      step: manifest.step,
      state: restoredState,
      traces: Traces.from(loop.traces),
      stepIndex: loop.stepIndex,
      ema: loop.ema,
      bestValidation: loop.bestValidation ?? Number.NEGATIVE_INFINITY,
      evaluationsWithoutImprovement: loop.evaluationsWithoutImprovement,
      validationHistory: loop.validationHistory,
      skippedSteps: loop.skippedSteps,
      lastEpochValidated: loop.lastEpochValidated,
      referenceRandom: restoreRandom(manifest.referenceRandom),
    };
  }
}

// tfjs's Adam keeps β₁ᵗ and β₂ᵗ in private variables that setWeights recomputes with pow(),
// which differs from the running product in the last bits; saving them keeps resume exact.
type AdamInternals = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

function adamScalars(optimizer: tf.Optimizer): Record<string, number> {
  const internals = optimizer as unknown as AdamInternals;
  const out: Record<string, number> = {};
  if (internals.accBeta1 instanceof tf.Variable)
    out['accBeta1'] = internals.accBeta1.dataSync()[0] as number;
  if (internals.accBeta2 instanceof tf.Variable)
    out['accBeta2'] = internals.accBeta2.dataSync()[0] as number;
  return out;
}

function setAdamScalars(optimizer: tf.Optimizer, scalars: Readonly<Record<string, number>>): void {
  const internals = optimizer as unknown as AdamInternals;
  for (const key of ['accBeta1', 'accBeta2'] as const) {
    const value = scalars[key];
    const variable = internals[key];
    if (value !== undefined && variable instanceof tf.Variable) {
      tf.tidy(() => variable.assign(tf.scalar(value)));
    }
  }
}
