import { DEFAULT_SEED, deriveRandom } from '@mi/core';
import {
  type Batch,
  type DataSource,
  type Dataset,
  NonFiniteEstimateError,
  type TrainResult,
} from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBoundInputContext } from './bound-inputs';
import { DataStream, type HeldOutSplit } from './data-stream';
import { type OutputHistogram, observeScores } from './diagnostics';
import { heldOutEstimate } from './held-out';
import { initialLoopState, type LoopState, loadLoopState, saveLoopState } from './loop-state';
import { ModelSelection } from './model-selection';
import { planSteps, type TrainLoopOptions, validateTrainOptions } from './options';
import {
  type NonFiniteReport,
  nonFiniteReport,
  runResult,
  type TrainRunResult,
} from './run-result';
import { StepLog, StepTimer } from './step-log';
import { createTrainStep, readScalars, type StepExecution } from './train-step';

/**
 * Trains a critic on a bound and reports the mutual-information estimate (nats).
 *
 * Works with any critic, bound and data source that satisfy `@mi/spec`; it imports no bound or
 * critic. Each step draws a batch (fresh samples from a sampler, or the next shuffled batch of a
 * finite dataset) and runs {@link createTrainStep}'s step: the bound on the critic's outputs
 * under the gradient tape, then Adam (lr 5e-4, β = 0.9/0.999 by default, the papers' setting) or
 * SGD with optional global-norm clipping, threading the bound's state. This loop is the one place
 * that reads values back: four scalars per step (loss, estimate and the two terms).
 *
 * Reported estimates: per batch, EMA, macro and micro averages over the last K batches (ReMINE
 * Alg. 1), and held-out estimates in finite-data mode; `estimateKind` says which one is the
 * answer and why (see `chooseEstimate`). With `validation.testFraction`, the weights with the best
 * validation value are kept, restored at the end, and scored on the test split: that is the answer.
 *
 * Randomness: `seed` (default `DEFAULT_SEED` of `@mi/core`, 0, as for the critics) drives the
 * data stream (sampler draws, per-epoch shuffles), the splits and the critic's per-step sampling
 * (MI-NEE's reference batches), each from its own stream (`deriveRandom(seed, 'data' | 'split' |
 * 'reference')`). The critic's initial weights come from its own seed on the `'critic-init'`
 * stream. There is no dropout. The same seeds give the same run, bit for bit, on one backend.
 * A non-finite loss or estimate stops the run (or skips the step with `onNonFinite: 'skip'`) with
 * the step and the last finite estimate; the answer is never NaN.
 *
 * @example
 * ```ts
 * const result = await train({ critic, bound: infoNCE(), data: sampler, steps: 2000, batchSize: 64, seed: 1 });
 * console.log(result.estimate, result.estimateKind, result.flags);
 * ```
 */
export async function train(options: TrainLoopOptions): Promise<TrainRunResult> {
  validateTrainOptions(options);
  const started = performance.now();
  const { critic, bound, batchSize } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const validation = options.validation;
  const stream = DataStream.create(
    options.data,
    batchSize,
    {
      validation: validation === undefined ? undefined : (validation.fraction ?? 0.2),
      test: validation?.testFraction,
    },
    { data: deriveRandom(seed, 'data'), split: deriveRandom(seed, 'split') },
  );
  const { stepsLimit, windowSize } = planSteps(options, stream.batchesPerEpoch);
  const emaDecay = options.emaDecay ?? 0.99;
  const histogramSteps = new Set(options.histogramSteps ?? []);
  const log = options.logFile ? new StepLog(options.logFile) : undefined;
  const trainStep = createTrainStep({
    critic,
    bound,
    optimizer: options.optimizer,
    graph: options.graph,
    // Histograms and observers read score matrices: the whole run scores them, so every step
    // computes the same way.
    scoreMatrix: histogramSteps.size > 0 || options.observe !== undefined,
  });
  const selection = new ModelSelection({
    patience: validation?.patience,
    minDelta: validation?.minDelta,
    keepBestWeights: stream.testIndices !== null,
  });
  const parts = { critic, bound, optimizer: trainStep.optimizer, stream };
  const weights = critic.trainableVariables as tf.Variable[];

  let data: DataSource = options.data;
  let batch: Batch | undefined;
  const loop: LoopState =
    options.resumeFrom === undefined
      ? initialLoopState(bound, deriveRandom(seed, 'reference'), selection)
      : await loadLoopState(options.resumeFrom, parts, selection, options.callbacks);
  const context = createBoundInputContext({
    bound,
    random: () => loop.referenceRandom,
    trainingRows: () =>
      data.kind === 'dataset' ? data.gather(stream.trainIndices as Int32Array) : undefined,
    currentBatch: () => batch as Batch,
    source: () => data,
  });
  const heldOut = (split: HeldOutSplit) =>
    heldOutEstimate({
      critic,
      bound,
      stream,
      dataset: data as Dataset,
      split,
      context,
      step: loop.step,
    });

  const histograms: OutputHistogram[] = [];
  const timer = new StepTimer();
  let stopReason: TrainResult['stopReason'] = 'completed';
  let nonFinite: NonFiniteReport | undefined;
  let test: { mean: number; standardError: number | undefined } | undefined;
  let execution: StepExecution | undefined;
  try {
    while (loop.step < stepsLimit) {
      if (options.signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      const stepStart = performance.now();
      const step = loop.step;
      data = options.schedule ? options.schedule(step, options.data) : data;
      batch = stream.next(data);
      if (options.marginalPairs === 'resampled') {
        batch = { ...batch, marginal: stream.nextMarginal(data) };
      }
      const observing = options.observe !== undefined && step % options.observe.every === 0;
      const keepScores = histogramSteps.has(step) || observing;
      const evaluation = trainStep.evaluate(loop.boundState, batch, context, { keepScores });
      const [loss, estimate, joint, logPartition] = await readScalars(evaluation);
      if (evaluation.scores !== undefined) {
        await observeScores({
          step,
          batch,
          scores: evaluation.scores,
          options,
          histogramSteps,
          histograms,
        });
      }
      disposeBatch(batch);
      batch = undefined;
      if (!Number.isFinite(loss) || !Number.isFinite(estimate)) {
        trainStep.discard(evaluation);
        nonFinite = nonFiniteReport(step, loss, estimate, loop.traces, bound.id);
        if ((options.onNonFinite ?? 'stop') === 'stop') {
          stopReason = 'non-finite';
          break;
        }
        loop.skippedSteps.push(step);
        loop.step += 1;
        continue;
      }
      trainStep.update(evaluation);
      const { loss: l, estimate: e, joint: j, logPartition: p, scores } = evaluation;
      tf.dispose([l, e, j, p, ...(scores ? [scores] : []), ...Object.values(loop.boundState)]);
      loop.boundState = evaluation.state;
      loop.ema = Number.isNaN(loop.ema)
        ? estimate
        : emaDecay * loop.ema + (1 - emaDecay) * estimate;
      const trueMI = data.trueMI ?? Number.NaN;
      loop.traces.push({ estimate, loss, joint, logPartition, trueMI, ema: loop.ema });
      loop.stepIndex.push(step);
      loop.step += 1;
      await log?.add({
        step,
        estimate,
        ema: loop.ema,
        loss,
        joint,
        logPartition,
        trueMI: data.trueMI ?? null,
      });
      await options.callbacks?.onStep?.({
        step,
        estimate,
        loss,
        terms: { joint, logPartition },
        ...timer.lap(stepStart, stepsLimit - loop.step),
        trueMI: data.trueMI,
      });

      // Held-out evaluation: every `every` steps, or at the end of each epoch.
      if (
        stream.validationIndices !== null &&
        selection.isDue(loop.step, validation?.every, stream)
      ) {
        const { mean: value } = await heldOut('validation');
        selection.record(loop.step, value, weights);
        await options.callbacks?.onValidation?.({ step: loop.step, estimate: value });
        if (selection.shouldStop) stopReason = 'early-stopping';
      }
      if (options.checkpoint && loop.step % options.checkpoint.every === 0) {
        const path = await saveLoopState(options.checkpoint.directory, loop, parts);
        await options.callbacks?.onCheckpoint?.({ step: loop.step, path });
      }
      if (stopReason === 'early-stopping') break;
      await yieldToEventLoop();
    }

    // An aborted run skips the closing held-out passes (each a forward pass over a whole split) so
    // that Ctrl-C stops within a step; its result says `stopReason: 'aborted'`.
    if (stream.validationIndices !== null && loop.traces.size > 0 && stopReason !== 'aborted') {
      // A final held-out value at the weights the run ends with.
      if ((selection.last?.step ?? -1) !== loop.step) {
        selection.recordFinal(loop.step, (await heldOut('validation')).mean, weights);
      }
      // The weights with the best validation value, scored on data never used for selection.
      if (stream.testIndices !== null && selection.hasBestWeights) {
        selection.restoreBest(weights);
        test = await heldOut('test');
      }
    }
  } finally {
    if (batch !== undefined) disposeBatch(batch);
    await log?.flush();
    tf.dispose(Object.values(loop.boundState));
    selection.dispose();
    execution = trainStep.execution;
    trainStep.dispose();
  }

  if (loop.traces.size === 0) {
    throw new NonFiniteEstimateError({
      source: 'train',
      quantity: nonFinite?.quantity ?? 'estimate',
      value: nonFinite?.value ?? Number.NaN,
      step: nonFinite?.step ?? 0,
      reason: nonFinite?.reason ?? 'no step completed',
    });
  }
  return runResult({
    loop,
    bound,
    batchSize,
    windowSize,
    test,
    stopReason,
    earlyStoppingConfigured: validation?.patience !== undefined,
    histograms,
    nonFinite,
    epochs: stream.epoch,
    seconds: (performance.now() - started) / 1000,
    execution,
  });
}

/**
 * Lets signal handlers (Ctrl-C), timers and I/O run between steps: a step's `await` on data
 * resolves as a microtask, which never lets the event loop's other phases in.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/** Frees a training batch's tensors, its resampled marginal sample's included. */
function disposeBatch(batch: Batch): void {
  tf.dispose([batch.x, batch.y, ...(batch.marginal ? [batch.marginal.x, batch.marginal.y] : [])]);
}
