import type {
  Batch,
  Bound,
  BoundInputContext,
  BoundState,
  Critic,
  OptimizerOptions,
} from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { boundInputsOf } from './bound-inputs';
import { FlatAdamOptimizer } from './flat-adam';
import { GraphStepRunner, type StepExecution, stackedScalars } from './graph-step';
import { clipByGlobalNorm, createOptimizer, resolveOptimizer } from './optimizer';

/** Options of {@link createTrainStep}. */
export interface TrainStepOptions {
  readonly critic: Critic;
  readonly bound: Bound;
  /** Adam (lr 5e-4, β = 0.9/0.999, the papers' setting) by default, or SGD; optional clipping. */
  readonly optimizer?: OptimizerOptions | undefined;
  /**
   * On tfjs-node, run the critic's forward and backward pass, the bound and (Adam without
   * clipping) the optimiser's update as one compiled TensorFlow graph, once it is checked to give
   * the eager step's outputs, weights and moments bit for bit (see {@link TrainStep.execution}).
   * Default true; no effect on other backends.
   */
  readonly graph?: boolean | undefined;
  /**
   * Score all n² pairs even when the bound reads fewer (`reads: 'shifted-pairs'`) and the critic
   * could score only those: for loops that keep score matrices (histograms, observers). Default
   * false: such bounds get the 2n shifted pairs from critics that implement `shiftedPairs`.
   */
  readonly scoreMatrix?: boolean | undefined;
}

/** The outputs of one step: scalars and the bound's new state, as tensors the caller owns. */
export interface StepOutputs {
  readonly loss: tf.Scalar;
  readonly estimate: tf.Scalar;
  /** E_P[T], the bound's `joint` term (0 when it reports none). */
  readonly joint: tf.Scalar;
  /** The log of the bound's partition term (0 when it reports none). */
  readonly logPartition: tf.Scalar;
  /** The bound's new state; the caller disposes the old one. */
  readonly state: BoundState;
  /**
   * The score matrix, when asked for with `keepScores` and the step scored one: not for bounds
   * that read no matrix (MI-NEE), nor for bounds that read only the shifted pairs unless the step
   * was created with `scoreMatrix: true`.
   */
  readonly scores: tf.Tensor2D | undefined;
}

/** A forward and backward pass whose update is not applied yet. */
export interface StepEvaluation extends StepOutputs {
  /** Gradients of the loss for every trainable variable of the critic, by variable name. */
  readonly gradients: tf.NamedTensorMap;
}

export type { StepExecution } from './graph-step';

/**
 * One training step, split so that a loop can look at the outputs before the update: `evaluate`
 * runs the critic and the bound under the gradient tape; `update` applies the gradients (clipped
 * to a global norm when asked) and frees them; `discard` frees them without updating (a skipped,
 * non-finite step); `run` is `evaluate` then `update`. Nothing is read back to JavaScript: the
 * caller decides what to read. The bound's state is threaded explicitly (state in, new state out);
 * the critic's variables and the optimiser's slots are updated in place, as TF.js optimisers do.
 */
export interface TrainStep {
  /** The TF.js optimiser whose slots the step updates (saved in checkpoints). */
  readonly optimizer: tf.Optimizer;
  evaluate(
    state: BoundState,
    batch: Batch,
    context: BoundInputContext,
    options?: { readonly keepScores?: boolean },
  ): StepEvaluation;
  update(evaluation: StepEvaluation): void;
  discard(evaluation: StepEvaluation): void;
  run(state: BoundState, batch: Batch, context: BoundInputContext): StepOutputs;
  /** How the latest evaluation ran: as a compiled graph, or eagerly and why. */
  readonly execution: StepExecution;
  /** Frees the optimiser's slots and the compiled graphs. */
  dispose(): void;
}

/**
 * The training step that `train` loops over and the performance benchmark times.
 *
 * @example
 * ```ts
 * const step = createTrainStep({ critic, bound, optimizer: { kind: 'adam', learningRate: 5e-4 } });
 * let state = bound.initialState();
 * const out = step.run(state, batch, context);
 * tf.dispose(Object.values(state));
 * state = out.state;
 * ```
 */
export function createTrainStep(options: TrainStepOptions): TrainStep {
  const { critic, bound } = options;
  const resolved = resolveOptimizer(options.optimizer);
  const optimizer = createOptimizer(resolved);
  const variables = critic.trainableVariables as tf.Variable[];
  const reads = options.scoreMatrix === true ? undefined : bound.reads;

  const eager = (
    state: BoundState,
    batch: Batch,
    context: BoundInputContext,
    keepScores: boolean,
  ): StepEvaluation => {
    let kept: StepOutputs | undefined;
    const { value: loss, grads } = tf.variableGrads(() => {
      const inputs = boundInputsOf(critic, batch, context, reads);
      const output = bound.compute(inputs, state);
      kept = {
        loss: output.loss,
        estimate: tf.keep(output.estimate),
        joint: tf.keep(output.terms['joint'] ?? tf.scalar(0)),
        logPartition: tf.keep(output.terms['logPartition'] ?? tf.scalar(0)),
        state: Object.fromEntries(Object.entries(output.state).map(([k, v]) => [k, tf.keep(v)])),
        scores: keepScores && inputs.scores !== undefined ? tf.keep(inputs.scores) : undefined,
      };
      return output.loss;
    }, variables);
    return { ...(kept as StepOutputs), loss, gradients: grads };
  };
  const eagerUpdate = (evaluation: StepEvaluation) => {
    if (resolved.clipGradientNorm !== undefined) {
      const clipped = clipByGlobalNorm(evaluation.gradients, resolved.clipGradientNorm);
      optimizer.applyGradients(clipped);
      tf.dispose(Object.values(clipped));
    } else {
      optimizer.applyGradients(evaluation.gradients);
    }
  };
  const runner = new GraphStepRunner({
    eager,
    eagerUpdate,
    enabled: options.graph ?? true,
    adam:
      // Not `instanceof`: tf.Optimizer's Symbol.hasInstance accepts any optimiser.
      Object.prototype.isPrototypeOf.call(FlatAdamOptimizer.prototype, optimizer) &&
      resolved.clipGradientNorm === undefined
        ? (optimizer as FlatAdamOptimizer)
        : undefined,
  });
  const release = (evaluation: StepEvaluation) => runner.release(evaluation);
  const evaluate: TrainStep['evaluate'] = (state, batch, context, evaluateOptions = {}) =>
    runner.evaluate(state, batch, context, evaluateOptions.keepScores ?? false);

  const update: TrainStep['update'] = (evaluation) => {
    try {
      runner.update(evaluation);
    } finally {
      release(evaluation);
    }
  };

  return {
    optimizer,
    evaluate,
    update,
    discard(evaluation) {
      release(evaluation);
      tf.dispose([
        evaluation.loss,
        evaluation.estimate,
        evaluation.joint,
        evaluation.logPartition,
        ...Object.values(evaluation.state),
        ...(evaluation.scores ? [evaluation.scores] : []),
      ]);
    },
    run(state, batch, context) {
      const evaluation = evaluate(state, batch, context);
      update(evaluation);
      // Not a spread: the gradients may be read from the compiled graph on access.
      const { loss, estimate, joint, logPartition, state: newState, scores } = evaluation;
      return { loss, estimate, joint, logPartition, state: newState, scores };
    },
    get execution() {
      return runner.execution;
    },
    dispose: () => {
      optimizer.dispose();
      runner.dispose();
    },
  };
}

/** Reads loss, estimate and the two terms back in one transfer: [loss, estimate, joint, logPartition]. */
export async function readScalars(outputs: StepOutputs): Promise<[number, number, number, number]> {
  // A compiled step's graph stacked them already.
  const stacked =
    stackedScalars.get(outputs) ??
    tf.stack([outputs.loss, outputs.estimate, outputs.joint, outputs.logPartition]);
  stackedScalars.delete(outputs);
  const values = Array.from(await stacked.data()) as [number, number, number, number];
  stacked.dispose();
  return values;
}
