import type { Bound, EstimateSummary, TrainResult } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { type OutputHistogram, trainFlags } from './diagnostics';
import { chooseEstimate, windowAverages } from './estimate-selection';
import type { StepExecution } from './graph-step';
import type { LoopState } from './loop-state';
import type { HeldOutPoint } from './model-selection';
import type { Traces } from './traces';

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

/** The report of a step whose loss or estimate is not finite. */
export function nonFiniteReport(
  step: number,
  loss: number,
  estimate: number,
  traces: Traces,
  boundId: string,
): NonFiniteReport {
  const quantity = Number.isFinite(loss) ? 'estimate' : 'loss';
  const value = quantity === 'loss' ? loss : estimate;
  return {
    step,
    quantity,
    value,
    lastFiniteEstimate: traces.size > 0 ? traces.estimate[traces.size - 1] : undefined,
    reason: `the ${quantity} of bound '${boundId}' is ${value}: the critic's outputs overflowed or the optimiser diverged (try a smaller learning rate, gradient clipping, or a regularised bound)`,
  };
}

/** `train`'s result: the spec's `TrainResult` plus traces and diagnostics. */
export interface TrainRunResult extends TrainResult {
  readonly traces: TrainTraces;
  readonly histograms: readonly OutputHistogram[];
  readonly validationHistory: readonly HeldOutPoint[];
  /** Set when the run stopped (or skipped steps) because of non-finite values. */
  readonly nonFinite: NonFiniteReport | undefined;
  readonly skippedSteps: readonly number[];
  /** Epochs completed (finite data). */
  readonly epochs: number;
  /** How the last training step ran: as a compiled graph (tfjs-node) or eagerly, and why. */
  readonly execution: StepExecution;
}

/** Assembles the result: the estimates, the chosen one and why, the flags, the traces. */
export function runResult(input: {
  readonly loop: LoopState;
  readonly bound: Bound;
  readonly batchSize: number;
  readonly windowSize: number;
  readonly test: { readonly mean: number; readonly standardError: number | undefined } | undefined;
  readonly stopReason: TrainResult['stopReason'];
  readonly earlyStoppingConfigured: boolean;
  readonly histograms: readonly OutputHistogram[];
  readonly nonFinite: NonFiniteReport | undefined;
  readonly epochs: number;
  readonly seconds: number;
  readonly execution: StepExecution | undefined;
}): TrainRunResult {
  const { loop, bound } = input;
  const averages = windowAverages(loop.traces, input.windowSize, bound.averaging);
  const snapshot = loop.traces.snapshot();
  const history = loop.selection.history;
  const summary: EstimateSummary = {
    perBatch: snapshot.estimate,
    ema: loop.ema,
    macro: averages.macro,
    micro: averages.micro,
    windowSize: averages.size,
    validationBest: history.length > 0 ? loop.selection.best : undefined,
    validationFinal: history.at(-1)?.estimate,
    test: input.test?.mean,
    testStandardError: input.test?.standardError,
    bestStep: loop.selection.bestStep,
  };
  const chosen = chooseEstimate(summary, bound);
  const ceiling = bound.ceiling(input.batchSize);
  return {
    estimate: chosen.value,
    estimateKind: chosen.kind,
    estimateReason: chosen.reason,
    estimates: summary,
    ceiling,
    steps: loop.step,
    flags: trainFlags({
      estimates: snapshot.estimate,
      stopReason: input.stopReason,
      earlyStoppingConfigured: input.earlyStoppingConfigured,
      estimate: chosen.value,
      ceiling,
    }),
    stopReason: input.stopReason,
    backend: tf.getBackend(),
    seconds: input.seconds,
    traces: { step: Int32Array.from(loop.stepIndex), ...snapshot },
    histograms: input.histograms,
    validationHistory: history,
    nonFinite: input.nonFinite,
    skippedSteps: loop.skippedSteps,
    epochs: input.epochs,
    execution: input.execution ?? {
      mode: 'eager',
      reason: 'no step ran',
      graphOps: undefined,
      optimizerInGraph: false,
      optimizerReason: undefined,
    },
  };
}
