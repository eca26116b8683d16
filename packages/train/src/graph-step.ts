import {
  appendResidentAdam,
  compileNativeGraph,
  type GraphExtension,
  type NativeGraph,
  type NativeTrace,
  type ResidentAdamNodes,
  signatureDifference,
  traceNativeOps,
  traceSignature,
} from '@mi/core';
import { type Batch, type BoundInputContext, type BoundState, InvalidStateError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { FlatAdamOptimizer, VariableMoments } from './flat-adam';
import type { StepEvaluation } from './train-step';

/** How a training step runs (see {@link StepExecution.mode}). */
export interface StepExecution {
  /**
   * `graph`: the critic's forward and backward pass and the bound run as one compiled TensorFlow
   * graph (tfjs-node), checked to give the eager step's outputs bit for bit; `eager`: op by op.
   */
  readonly mode: 'eager' | 'graph';
  /** Why the step runs eagerly (undefined in graph mode). */
  readonly reason: string | undefined;
  /** TensorFlow ops of the traced step in the graph, in graph mode. */
  readonly graphOps: number | undefined;
  /**
   * In graph mode: whether Adam's update runs in the graph's session too (checked to give the
   * eager update's weights and moments bit for bit), and why not where it does not.
   */
  readonly optimizerInGraph: boolean;
  readonly optimizerReason: string | undefined;
}

/** An eager evaluation: `evaluate` of the train step without the graph. */
export type EagerEvaluate = (
  state: BoundState,
  batch: Batch,
  context: BoundInputContext,
  keepScores: boolean,
) => StepEvaluation;

/** What {@link GraphStepRunner} needs of the train step. */
export interface GraphStepOptions {
  readonly eager: EagerEvaluate;
  /** The eager update: the optimiser applies the evaluation's gradients (it frees nothing). */
  readonly eagerUpdate: (evaluation: StepEvaluation) => void;
  /** Whether to compile at all. */
  readonly enabled: boolean;
  /** The optimiser, when it is Adam without clipping: the graph may run its update. */
  readonly adam: FlatAdamOptimizer | undefined;
}

/**
 * Loss, estimate and the two terms of a compiled step's evaluation, stacked by the graph: what
 * `readScalars` reads instead of stacking them with a kernel of its own. Freed when read or when
 * the evaluation is released.
 */
export const stackedScalars = new WeakMap<object, tf.Tensor1D>();

/** The graph node that stacks them. */
const STACKED_SCALARS = 'stacked_scalars';

/** Input shapes (batch and bound state) with graphs of their own; others run eagerly. */
const MAX_SHAPES = 4;

const WARMING = 'the first steps run eagerly while the graph is checked';
const ADAM_CHECK = 'the first update is checked against the eager one';

/** The outputs of a step in a fixed order: scalars, state (by key), gradients, scores last. */
interface OutputLayout {
  readonly stateKeys: readonly string[];
  readonly gradientNames: readonly string[];
  readonly hasScores: boolean;
}

const gradientOutput = (layout: OutputLayout, j: number) => 4 + layout.stateKeys.length + j;
const scoresOutput = (layout: OutputLayout) =>
  4 + layout.stateKeys.length + layout.gradientNames.length;

function flatten(evaluation: StepEvaluation, layout: OutputLayout): tf.Tensor[] {
  return [
    evaluation.loss,
    evaluation.estimate,
    evaluation.joint,
    evaluation.logPartition,
    ...layout.stateKeys.map((k) => evaluation.state[k] as tf.Tensor),
    ...layout.gradientNames.map((name) => evaluation.gradients[name] as tf.Tensor),
    ...(layout.hasScores ? [evaluation.scores as tf.Tensor] : []),
  ];
}

function layoutOf(evaluation: StepEvaluation): OutputLayout {
  return {
    stateKeys: Object.keys(evaluation.state).sort(),
    gradientNames: Object.keys(evaluation.gradients),
    hasScores: evaluation.scores !== undefined,
  };
}

/**
 * The tensors that change from step to step: the batch (with its resampled marginal sample, when
 * it has one) and the bound's state (by key).
 */
const stepInputs = (state: BoundState, batch: Batch): tf.Tensor[] => [
  batch.x,
  batch.y,
  ...(batch.marginal === undefined ? [] : [batch.marginal.x, batch.marginal.y]),
  ...Object.keys(state)
    .sort()
    .map((k) => state[k] as tf.Tensor),
];

const shapeKey = (inputs: readonly tf.Tensor[], state: BoundState) =>
  `${Object.keys(state).sort().join(',')}|${inputs.map((t) => `${t.dtype}[${t.shape.join('x')}]`).join(';')}`;

/**
 * A context that notes whether the step draws from the run's random stream or asks for the data's
 * bounds: such a step differs from call to call in ways a trace does not show.
 */
function watchedContext(
  context: BoundInputContext,
  touched: { value: boolean },
): BoundInputContext {
  return {
    requires: context.requires,
    get random() {
      touched.value = true;
      return context.random;
    },
    dataBounds() {
      touched.value = true;
      return context.dataBounds();
    },
  };
}

/** Adam's nodes in a compiled step, for the optimiser's variables in its order. */
interface GraphAdam {
  readonly nodes: ResidentAdamNodes;
  readonly names: readonly string[];
  /** Takes the moments back from the session (the optimiser's loan token). */
  readonly reclaim: () => VariableMoments;
}

/** A compiled step of one input shape. */
interface CompiledStep {
  readonly graph: NativeGraph;
  readonly layout: OutputLayout;
  readonly adam: GraphAdam | undefined;
  /** `unverified` until one update has been compared with the eager one. */
  fusion: 'unverified' | 'verified' | 'refused';
  fusionReason: string | undefined;
  /** The data of the graph's variables when the session's copies were last written. */
  written: readonly tf.DataId[] | undefined;
}

/** Per input shape: eager steps seen, the first trace, then the graph or why there is none. */
interface ShapeState {
  eagerSteps: number;
  first: { trace: NativeTrace; layout: OutputLayout } | undefined;
  compiled: CompiledStep | undefined;
  refusal: string | undefined;
}

/** An evaluation whose gradients stayed in the session: update it there, or read them. */
interface SessionEvaluation {
  readonly compiled: CompiledStep;
  /** The evaluation's number: its gradients are in the session until the next one. */
  readonly serial: number;
  gradients: tf.NamedTensorMap | undefined;
  /** Updated or discarded: its gradients are gone. */
  released: boolean;
}

/**
 * Runs a training step as one compiled TensorFlow graph on tfjs-node, where that gives the same
 * results as the eager step. Per input shape, the first step runs eagerly (TF.js makes its lazy
 * constants), the next two run eagerly under {@link traceNativeOps}. The graph is built from
 * the first trace when both traces ran the same ops on the same constants, read nothing back,
 * changed no variable and never touched the run's random stream; it then runs on the second
 * step's inputs and must give that step's eager outputs (loss, estimate, terms, state,
 * gradients, scores) bit for bit. From then on each evaluation is one `Session::Run`.
 *
 * With Adam (no clipping) the session also holds the variables, Adam's moments (lent by the
 * optimiser, see `FlatAdamOptimizer.lendMoments`) and the step's gradients: `evaluate` runs the
 * traced step, `update` one `ResourceApplyAdam` per variable in place and assigns the new values
 * to the TF.js variables (so held-out evaluation, model selection and checkpoints see them);
 * `discard` (a non-finite step) leaves the session's state alone. The first such update is also
 * computed eagerly and must give the same weights and moments bit for bit. Values assigned to
 * the variables elsewhere are loaded before the next step; the optimiser takes its moments back
 * whenever it is used directly (a checkpoint, an eager step). Anything else stays eager, with
 * the reason in {@link execution}.
 */
export class GraphStepRunner {
  private readonly shapes = new Map<string, ShapeState>();
  private readonly sessionEvaluations = new WeakMap<StepEvaluation, SessionEvaluation>();
  private serial = 0;
  private latest: StepExecution;

  constructor(private readonly options: GraphStepOptions) {
    this.latest = eagerExecution(options.enabled ? WARMING : 'turned off');
  }

  /** How the latest step ran. */
  get execution(): StepExecution {
    return this.latest;
  }

  evaluate(
    state: BoundState,
    batch: Batch,
    context: BoundInputContext,
    keepScores: boolean,
  ): StepEvaluation {
    this.serial += 1;
    if (!this.options.enabled) return this.options.eager(state, batch, context, keepScores);
    const inputs = stepInputs(state, batch);
    const key = shapeKey(inputs, state);
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      if (this.shapes.size >= MAX_SHAPES) {
        return this.eagerWith(
          `more than ${MAX_SHAPES} input shapes`,
          state,
          batch,
          context,
          keepScores,
        );
      }
      shape = { eagerSteps: 0, first: undefined, compiled: undefined, refusal: undefined };
      this.shapes.set(key, shape);
    }
    if (shape.compiled !== undefined) return this.runCompiled(shape.compiled, inputs, keepScores);
    if (shape.refusal !== undefined) {
      return this.eagerWith(shape.refusal, state, batch, context, keepScores);
    }
    shape.eagerSteps += 1;
    if (shape.eagerSteps === 1) return this.eagerWith(WARMING, state, batch, context, keepScores);
    return this.traced(shape, inputs, state, batch, context, keepScores);
  }

  /** Applies the step's update: in the session where its gradients are, else eagerly. */
  update(evaluation: StepEvaluation): void {
    const held = this.sessionEvaluations.get(evaluation);
    if (held === undefined) {
      this.options.eagerUpdate(evaluation);
      return;
    }
    this.assertCurrent(held, 'update');
    const { compiled } = held;
    const adam = compiled.adam as GraphAdam;
    const optimizer = this.options.adam as FlatAdamOptimizer;
    if (compiled.fusion === 'verified') {
      const step = optimizer.lentStep(adam.reclaim);
      if (step !== undefined && this.variablesUnchanged(compiled)) {
        const values = this.sessionUpdate(compiled, step.scalars);
        this.assignValues(compiled, values);
        step.complete();
      } else {
        this.options.eagerUpdate(evaluation);
      }
      return;
    }
    if (!this.variablesUnchanged(compiled)) {
      // Weights assigned since evaluate: the session's copy is stale, nothing to compare yet.
      this.options.eagerUpdate(evaluation);
      return;
    }
    // The first update in the session: the eager one runs too and must agree bit for bit.
    const scalars = optimizer.stepScalars();
    this.options.eagerUpdate(evaluation);
    const values = this.sessionUpdate(compiled, scalars);
    const sessionMoments = compiled.graph.runNodes(
      [],
      adam.nodes.moments.flatMap(({ m, v }) => [m, v]),
    );
    const eager = optimizer.variableMoments();
    const variables = adam.names.map(
      (name) => tf.engine().registeredVariables[name] as tf.Variable,
    );
    const mismatch =
      eager === undefined
        ? 'the optimiser’s moments are not held by TensorFlow'
        : firstMismatch(values, variables) !== undefined
          ? 'the weights differ'
          : firstMismatch(
                sessionMoments,
                eager.moments.flatMap(({ m, v }) => [m, v]),
              ) !== undefined
            ? 'the moments differ'
            : undefined;
    tf.dispose([
      ...values,
      ...sessionMoments,
      ...(eager?.moments.flatMap(({ m, v }) => [m, v]) ?? []),
    ]);
    if (mismatch !== undefined) {
      compiled.fusion = 'refused';
      compiled.fusionReason = `the session's Adam update differs from the eager one (${mismatch}): Adam runs eagerly`;
      return;
    }
    // The session now holds the optimiser's state after this step, bit for bit: lend it.
    compiled.fusion = optimizer.lendMoments(adam.reclaim) ? 'verified' : 'refused';
    compiled.written = this.currentData(compiled);
  }

  /**
   * Frees an evaluation's gradients if they were read from the session (an evaluation whose
   * gradients stayed there has nothing to free), else all of them.
   */
  release(evaluation: StepEvaluation): void {
    stackedScalars.get(evaluation)?.dispose();
    stackedScalars.delete(evaluation);
    const held = this.sessionEvaluations.get(evaluation);
    this.sessionEvaluations.delete(evaluation);
    if (held === undefined) {
      tf.dispose(Object.values(evaluation.gradients));
      return;
    }
    held.released = true;
    if (held.gradients !== undefined) tf.dispose(Object.values(held.gradients));
    held.gradients = undefined;
  }

  private runCompiled(compiled: CompiledStep, inputs: tf.Tensor[], keepScores: boolean) {
    const { graph, layout, adam } = compiled;
    const withScores = keepScores && layout.hasScores;
    const optimizer = this.options.adam;
    const inSession =
      adam !== undefined && optimizer !== undefined && compiled.fusion !== 'refused'
        ? this.prepareSession(compiled, adam, optimizer)
        : false;
    if (!inSession) {
      const fetch = [
        ...Array.from({ length: scoresOutput(layout) }, (_, k) => k),
        ...(withScores ? [scoresOutput(layout)] : []),
      ];
      const outputs = graph.run(inputs, fetch);
      this.latest = graphExecution(
        graph,
        false,
        compiled.fusionReason ?? 'Adam without clipping only',
      );
      return unflatten(outputs, layout, withScores);
    }
    const fetch = [
      ...[0, 1, 2, 3, ...layout.stateKeys.map((_, k) => 4 + k)].map((k) => graph.outputNode(k)),
      ...(withScores ? [graph.outputNode(scoresOutput(layout))] : []),
      STACKED_SCALARS,
      (adam as GraphAdam).nodes.stored,
    ];
    const outputs = graph.runNodes(
      inputs.map((t, k) => [graph.inputNode(k), t] as const),
      fetch,
    );
    (outputs.pop() as tf.Tensor).dispose();
    const stacked = outputs.pop() as tf.Tensor1D;
    const [loss, estimate, joint, logPartition, ...rest] = outputs as [
      tf.Scalar,
      tf.Scalar,
      tf.Scalar,
      tf.Scalar,
      ...tf.Tensor[],
    ];
    const state = Object.fromEntries(layout.stateKeys.map((key, k) => [key, rest[k] as tf.Tensor]));
    const held: SessionEvaluation = {
      compiled,
      serial: this.serial,
      gradients: undefined,
      released: false,
    };
    const evaluation: StepEvaluation = {
      loss,
      estimate,
      joint,
      logPartition,
      state,
      scores: withScores ? (rest[layout.stateKeys.length] as tf.Tensor2D) : undefined,
      // Read from the session on first use (the eager update's fallback, a caller's own use).
      get gradients() {
        return runner.sessionGradients(held);
      },
    };
    const runner = this;
    this.sessionEvaluations.set(evaluation, held);
    stackedScalars.set(evaluation, stacked);
    this.latest = graphExecution(
      graph,
      compiled.fusion === 'verified',
      compiled.fusion === 'verified' ? undefined : ADAM_CHECK,
    );
    return evaluation;
  }

  /**
   * Makes the session's copies current for a step in it: the variables (loaded when assigned
   * elsewhere since) and, once verified, the moments (lent again when the optimiser took them
   * back); before verification, a copy of the optimiser's moments. False where the optimiser
   * cannot lend its moments now (restored ones not laid out yet): the step feeds the variables.
   */
  private prepareSession(compiled: CompiledStep, adam: GraphAdam, optimizer: FlatAdamOptimizer) {
    const lent = compiled.fusion === 'verified' && optimizer.isLentTo(adam.reclaim);
    if (!lent) {
      const current = optimizer.variableMoments();
      if (current === undefined) return false;
      try {
        tf.dispose(
          compiled.graph.runNodes(
            adam.nodes.momentInputs.flatMap((input, k) => {
              const { m, v } = current.moments[k] as VariableMoments[number];
              return [
                [input.m, m],
                [input.v, v],
              ] as const;
            }),
            [adam.nodes.lent],
          ),
        );
      } finally {
        tf.dispose(current.moments.flatMap(({ m, v }) => [m, v]));
      }
      if (compiled.fusion === 'verified' && !optimizer.lendMoments(adam.reclaim)) return false;
    }
    if (!this.variablesUnchanged(compiled)) {
      compiled.graph.loadVariables();
      compiled.written = this.currentData(compiled);
    }
    return true;
  }

  /** One Adam step in the session on the stored gradients; the new values (adam's order). */
  private sessionUpdate(compiled: CompiledStep, scalars: readonly number[]): tf.Tensor[] {
    const adam = compiled.adam as GraphAdam;
    const fed = scalars.map((s) => tf.scalar(s, 'float32'));
    try {
      return compiled.graph.runNodes(
        adam.nodes.scalars.map((name, k) => [name, fed[k] as tf.Tensor] as const),
        adam.nodes.updated,
      );
    } finally {
      tf.dispose(fed);
    }
  }

  /** Assigns the session's new values to the variables (taken) and notes their data. */
  private assignValues(compiled: CompiledStep, values: readonly tf.Tensor[]): void {
    const adam = compiled.adam as GraphAdam;
    adam.names.forEach((name, k) => {
      (tf.engine().registeredVariables[name] as tf.Variable).assign(values[k] as tf.Tensor);
    });
    tf.dispose([...values]);
    compiled.written = this.currentData(compiled);
  }

  private currentData(compiled: CompiledStep): tf.DataId[] {
    return compiled.graph.variableNames.map(
      (name) => (tf.engine().registeredVariables[name] as tf.Variable).dataId,
    );
  }

  private variablesUnchanged(compiled: CompiledStep): boolean {
    const written = compiled.written;
    return (
      written !== undefined &&
      compiled.graph.variableNames.every((name, k) => {
        const variable = tf.engine().registeredVariables[name];
        return variable !== undefined && !variable.isDisposed && variable.dataId === written[k];
      })
    );
  }

  /** An evaluation's gradients, read from the session once (they are there until the next step). */
  private sessionGradients(held: SessionEvaluation): tf.NamedTensorMap {
    if (held.gradients === undefined) {
      this.assertCurrent(held, 'gradients');
      const adam = held.compiled.adam as GraphAdam;
      const values = held.compiled.graph.runNodes([], adam.nodes.gradients);
      held.gradients = Object.fromEntries(
        adam.names.map((name, k) => [name, values[k] as tf.Tensor]),
      );
    }
    return held.gradients;
  }

  private assertCurrent(held: SessionEvaluation, what: string): void {
    if (held.released) {
      throw new InvalidStateError({
        functionName: `TrainStep.${what}`,
        state: 'released',
        message: `TrainStep.${what}: the step was already updated or discarded`,
      });
    }
    if (held.serial !== this.serial) {
      throw new InvalidStateError({
        functionName: `TrainStep.${what}`,
        state: 'superseded',
        message: `TrainStep.${what}: the step's gradients stayed in the compiled graph and a later evaluate replaced them; update or read an evaluation before evaluating the next step`,
      });
    }
  }

  /** An eager step under the trace; the second one builds and checks the graph. */
  private traced(
    shape: ShapeState,
    inputs: tf.Tensor[],
    state: BoundState,
    batch: Batch,
    context: BoundInputContext,
    keepScores: boolean,
  ): StepEvaluation {
    const touched = { value: false };
    let evaluation: StepEvaluation | undefined;
    let layout: OutputLayout | undefined;
    const { trace } = traceNativeOps(inputs, () => {
      evaluation = this.options.eager(state, batch, watchedContext(context, touched), true);
      layout = layoutOf(evaluation);
      return flatten(evaluation, layout);
    });
    const result = evaluation as StepEvaluation;
    const outputLayout = layout as OutputLayout;
    const refusal =
      trace === undefined
        ? `the backend is '${tf.getBackend()}' (graphs run on tfjs-node)`
        : touched.value
          ? 'the step draws from the run’s random stream or reads the data’s bounds'
          : trace.refusal;
    if (refusal !== undefined || trace === undefined) {
      shape.refusal = refusal;
    } else if (shape.first === undefined) {
      shape.first = { trace, layout: outputLayout };
    } else {
      this.buildGraph(shape, trace, outputLayout, inputs, result);
    }
    this.latest = eagerExecution(shape.refusal ?? WARMING);
    if (!keepScores && result.scores !== undefined) {
      result.scores.dispose();
      return { ...result, scores: undefined };
    }
    return result;
  }

  /** Builds the graph from the first trace and checks it against the second step's outputs. */
  private buildGraph(
    shape: ShapeState,
    second: NativeTrace,
    layout: OutputLayout,
    inputs: readonly tf.Tensor[],
    eager: StepEvaluation,
  ): void {
    const first = shape.first as { trace: NativeTrace; layout: OutputLayout };
    shape.first = undefined;
    const difference =
      JSON.stringify(first.layout) !== JSON.stringify(layout)
        ? 'the two traced steps gave different outputs'
        : signatureDifference(traceSignature(first.trace), traceSignature(second));
    if (difference !== undefined) {
      shape.refusal = difference;
      return;
    }
    const names = this.options.adam?.variableMoments();
    if (names !== undefined) tf.dispose(names.moments.flatMap(({ m, v }) => [m, v]));
    const adam = names === undefined ? undefined : adamExtension(names.names, layout, first.trace);
    let graph: NativeGraph | undefined;
    let adamNodes: ResidentAdamNodes | undefined;
    let fusionReason =
      this.options.adam === undefined
        ? 'the optimiser is not Adam without clipping (it runs eagerly)'
        : names === undefined
          ? 'the optimiser had not taken a step when the graph was built (Adam runs eagerly)'
          : adam === undefined
            ? 'the traced step does not read every variable Adam updates (Adam runs eagerly)'
            : undefined;
    for (const extension of adam === undefined ? [undefined] : [adam, undefined]) {
      try {
        adamNodes = undefined;
        graph = compileNativeGraph(
          first.trace,
          extension === undefined
            ? undefined
            : (builder, nodes) => {
                adamNodes = extension(builder, nodes);
                // The four scalars the loop reads back, in one tensor (readScalars takes it).
                builder.node(STACKED_SCALARS, 'Pack', [0, 1, 2, 3].map(nodes.output), {
                  T: { type: 1 },
                  N: { i: 4 },
                  axis: { i: 0 },
                });
              },
        );
        break;
      } catch (error) {
        const message = `TensorFlow did not load the graph: ${firstLine(error)}`;
        if (extension === undefined) {
          shape.refusal = message;
          return;
        }
        fusionReason = `${message} (with Adam; Adam runs eagerly)`;
      }
    }
    const compiledGraph = graph as NativeGraph;
    const adamCheck =
      adamNodes !== undefined && names !== undefined
        ? { nodes: adamNodes as ResidentAdamNodes, names: names.names }
        : undefined;
    let verdict: { refusal?: string; adamRefusal?: string };
    try {
      verdict = checkAgainstEager(compiledGraph, layout, inputs, flatten(eager, layout), adamCheck);
    } catch (error) {
      verdict = { refusal: `TensorFlow could not run the graph: ${firstLine(error)}` };
    }
    if (verdict.refusal !== undefined) {
      compiledGraph.dispose();
      shape.refusal = verdict.refusal;
      return;
    }
    if (verdict.adamRefusal !== undefined) {
      adamNodes = undefined;
      fusionReason = verdict.adamRefusal;
    }
    let graphAdam: GraphAdam | undefined;
    if (adamNodes !== undefined && names !== undefined) {
      const nodes: ResidentAdamNodes = adamNodes;
      graphAdam = {
        nodes,
        names: names.names,
        reclaim: () => {
          const values = compiledGraph.runNodes(
            [],
            nodes.moments.flatMap(({ m, v }) => [m, v]),
          );
          return names.names.map((_, k) => ({
            m: values[2 * k] as tf.Tensor,
            v: values[2 * k + 1] as tf.Tensor,
          }));
        },
      };
    }
    shape.compiled = {
      graph: compiledGraph,
      layout,
      adam: graphAdam,
      fusion: graphAdam === undefined ? 'refused' : 'unverified',
      fusionReason,
      written: undefined,
    };
  }

  private eagerWith(
    reason: string,
    state: BoundState,
    batch: Batch,
    context: BoundInputContext,
    keepScores: boolean,
  ): StepEvaluation {
    this.latest = eagerExecution(reason);
    return this.options.eager(state, batch, context, keepScores);
  }

  dispose(): void {
    for (const shape of this.shapes.values()) shape.compiled?.graph.dispose();
    this.shapes.clear();
  }
}

const eagerExecution = (reason: string): StepExecution => ({
  mode: 'eager',
  reason,
  graphOps: undefined,
  optimizerInGraph: false,
  optimizerReason: undefined,
});

const graphExecution = (
  graph: NativeGraph,
  optimizerInGraph: boolean,
  optimizerReason: string | undefined,
): StepExecution => ({
  mode: 'graph',
  reason: undefined,
  graphOps: graph.opCount,
  optimizerInGraph,
  optimizerReason,
});

/**
 * Adam for the optimiser's variables `names` (in its order), resident in the session: every one
 * must be read by the traced ops and have a gradient among its outputs. Undefined otherwise.
 */
function adamExtension(
  names: readonly string[],
  layout: OutputLayout,
  trace: NativeTrace,
): ((...args: Parameters<GraphExtension>) => ResidentAdamNodes) | undefined {
  const shapes = new Map([...trace.variables.values()].map((v) => [v.name, v.meta.shape]));
  if (names.some((name) => !shapes.has(name) || !layout.gradientNames.includes(name))) {
    return undefined;
  }
  return (builder, nodes) =>
    appendResidentAdam(
      builder,
      nodes,
      names.map((name) => ({
        name,
        gradient: nodes.output(gradientOutput(layout, layout.gradientNames.indexOf(name))),
        shape: shapes.get(name) as readonly number[],
      })),
      'adam_',
    );
}

/**
 * Runs every fetch a compiled step will make on the second traced step's inputs and compares it
 * with that step's eager outputs, bit for bit. TensorFlow optimises each set of feeds and fetches
 * on its own, so each is checked:
 * - with the variables fed, with and without the scores;
 * - with the session's copies of the variables and Adam's nodes, with and without the scores,
 *   with the four scalars stacked and the gradients as the session stores them.
 * Returns why the graph must not be used (`refusal`), or why its Adam must not be (`adamRefusal`).
 */
function checkAgainstEager(
  graph: NativeGraph,
  layout: OutputLayout,
  inputs: readonly tf.Tensor[],
  expected: readonly tf.Tensor[],
  adam: { readonly nodes: ResidentAdamNodes; readonly names: readonly string[] } | undefined,
): { refusal?: string; adamRefusal?: string } {
  const variants = layout.hasScores ? [true, false] : [false];
  const scores = scoresOutput(layout);
  const differ = (actual: readonly tf.Tensor[], wanted: readonly tf.Tensor[], labels: string[]) => {
    const k = firstMismatch(actual, wanted);
    const detail =
      k === undefined
        ? undefined
        : describeMismatch(actual[k] as tf.Tensor, wanted[k] as tf.Tensor);
    tf.dispose([...actual]);
    return k === undefined ? undefined : `${labels[k]}: ${detail}`;
  };
  for (const withScores of variants) {
    const fetch = Array.from({ length: graph.outputCount }, (_, k) => k).filter(
      (k) => withScores || k !== scores || !layout.hasScores,
    );
    const mismatch = differ(
      graph.run(inputs, fetch),
      fetch.map((k) => expected[k] as tf.Tensor),
      fetch.map((k) => `output ${k}`),
    );
    if (mismatch !== undefined) {
      return { refusal: `the graph's outputs differ from the eager step's (${mismatch})` };
    }
  }
  if (adam === undefined) return {};
  graph.loadVariables();
  const eagerScalars = tf.stack(expected.slice(0, 4));
  try {
    for (const withScores of variants) {
      const first = [0, 1, 2, 3, ...layout.stateKeys.map((_, k) => 4 + k)];
      const fetched = [...first, ...(withScores ? [scores] : [])];
      const outputs = graph.runNodes(
        inputs.map((t, k) => [graph.inputNode(k), t] as const),
        [...fetched.map((k) => graph.outputNode(k)), STACKED_SCALARS, adam.nodes.stored],
      );
      (outputs.pop() as tf.Tensor).dispose();
      const gradients = graph.runNodes([], adam.nodes.gradients);
      const wanted = [
        ...fetched.map((k) => expected[k] as tf.Tensor),
        eagerScalars,
        ...adam.names.map(
          (name) =>
            expected[gradientOutput(layout, layout.gradientNames.indexOf(name))] as tf.Tensor,
        ),
      ];
      const mismatch = differ([...outputs, ...gradients], wanted, [
        ...fetched.map((k) => `output ${k}`),
        'the stacked scalars',
        ...adam.names.map((name) => `the stored gradient of ${name}`),
      ]);
      if (mismatch !== undefined) {
        return {
          adamRefusal: `with the variables and Adam in the session the graph's outputs differ from the eager step's (${mismatch}): Adam runs eagerly`,
        };
      }
    }
  } finally {
    eagerScalars.dispose();
  }
  return {};
}

function unflatten(
  outputs: tf.Tensor[],
  layout: OutputLayout,
  withScores: boolean,
): StepEvaluation {
  const [loss, estimate, joint, logPartition] = outputs as [
    tf.Scalar,
    tf.Scalar,
    tf.Scalar,
    tf.Scalar,
  ];
  let k = 4;
  const state: Record<string, tf.Tensor> = {};
  for (const key of layout.stateKeys) state[key] = outputs[k++] as tf.Tensor;
  const gradients: tf.NamedTensorMap = {};
  for (const name of layout.gradientNames) gradients[name] = outputs[k++] as tf.Tensor;
  return {
    loss,
    estimate,
    joint,
    logPartition,
    state,
    gradients,
    scores: withScores ? (outputs[k] as tf.Tensor2D) : undefined,
  };
}

/** The position of the first tensor whose values differ (bit for bit; NaN equals NaN). */
function firstMismatch(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number | undefined {
  for (let k = 0; k < a.length; k++) {
    const x = (a[k] as tf.Tensor).dataSync();
    const y = (b[k] as tf.Tensor).dataSync();
    if (x.length !== y.length) return k;
    for (let j = 0; j < x.length; j++) {
      if (!Object.is(x[j], y[j])) return k;
    }
  }
  return undefined;
}

/** The first entry where two tensors differ, as `graph value vs eager value at [index]`. */
function describeMismatch(graph: tf.Tensor, eager: tf.Tensor): string {
  const x = graph.dataSync();
  const y = eager.dataSync();
  if (x.length !== y.length) return `${x.length} entries vs ${y.length}`;
  const j = Array.from(x).findIndex((value, i) => !Object.is(value, y[i]));
  return `${x[j]} vs ${y[j]} at entry ${j}`;
}

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
