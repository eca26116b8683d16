// A TensorFlow graph built node by node with @mi/core's GraphDefBuilder (tfjs-node's own protobuf
// classes), loaded through tfjs-node's SavedModel binding and run with one Session::Run per call:
// what perf-graph-step.ts's hand-written step uses. Not part of the package.
import { createBoundRegistry } from '@mi/bounds';
import {
  createRandom,
  GraphDefBuilder,
  graphProtoClasses,
  openGraphSession,
  TF_DTYPE,
} from '@mi/core';
import type { BoundInputContext, Critic } from '@mi/spec';
import { createTrainStep } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';

export const DT_FLOAT: number = TF_DTYPE.float32;
export const DT_INT32: number = TF_DTYPE.int32;

/** Adam's hyperparameters. */
export interface AdamHyperparameters {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** A variable of the graph (see `GraphBuilder.variable`). */
export interface GraphVariable {
  readonly name: string;
  readonly shape: readonly number[];
  /** The node reading its value. */
  readonly read: string;
}

const size = (shape: readonly number[]) => shape.reduce((product, d) => product * d, 1);

/**
 * The placeholders of `GraphBuilder.adam` for step t (from 1): β powers as float32 products, as
 * TF.js's Adam keeps them, and ε̂ = ε·√(1 − β₂ᵗ), which turns TensorFlow's update into
 * Kingma & Ba's Algorithm 1. New tensors, owned by the caller.
 */
export function adamFeeds(hyper: AdamHyperparameters, t: number): [string, tf.Tensor][] {
  let power1 = 1;
  let power2 = 1;
  for (let k = 0; k < t; k++) {
    power1 = Math.fround(power1 * Math.fround(hyper.beta1));
    power2 = Math.fround(power2 * Math.fround(hyper.beta2));
  }
  return [
    ['beta1_power', tf.scalar(power1)],
    ['beta2_power', tf.scalar(power2)],
    ['epsilon_hat', tf.scalar(hyper.epsilon * Math.sqrt(1 - power2))],
  ];
}

/**
 * `@mi/core`'s GraphDefBuilder with what the hand-written step needs: float32 inputs, resource
 * variables with Adam's moments beside them, their initialiser and Adam's updates.
 */
export class GraphBuilder extends GraphDefBuilder {
  constructor() {
    super(graphProtoClasses());
  }

  /** A float32 placeholder (int32 with `dtype`). */
  input(name: string, shape: readonly number[], dtype = DT_FLOAT): string {
    return this.placeholder(name, dtype, shape);
  }

  /** A float32 resource variable of the session, named after itself. */
  resource(name: string, shape: readonly number[]) {
    return this.node(name, 'VarHandleOp', [], {
      dtype: { type: DT_FLOAT },
      shape: { shape },
      shared_name: { s: name },
      container: { s: '' },
    });
  }

  /** A trained float32 variable: its resource, Adam's m and v beside it, and a read of it. */
  variable(name: string, shape: readonly number[]): GraphVariable {
    this.resource(name, shape);
    this.resource(`${name}_m`, shape);
    this.resource(`${name}_v`, shape);
    const read = this.node(`${name}_read`, 'ReadVariableOp', [name], { dtype: { type: DT_FLOAT } });
    return { name, shape, read };
  }

  /**
   * `init_done`: every variable from its placeholder `<name>_init`, its moments from zeros (one
   * run of it starts training).
   */
  initialiser(variables: readonly GraphVariable[]): string {
    const dtype = { dtype: { type: DT_FLOAT } };
    const assigns = variables.flatMap(({ name, shape }) => {
      this.input(`${name}_init`, shape);
      const zeros = this.constant(`${name}_zeros`, DT_FLOAT, shape, new Float32Array(size(shape)));
      return [
        this.node(`${name}_assign`, 'AssignVariableOp', [name, `${name}_init`], dtype),
        this.node(`${name}_m_assign`, 'AssignVariableOp', [`${name}_m`, zeros], dtype),
        this.node(`${name}_v_assign`, 'AssignVariableOp', [`${name}_v`, zeros], dtype),
      ];
    });
    const zero = this.constant('init_value', DT_FLOAT, [], [0]);
    return this.node('init_done', 'Identity', [zero, ...assigns.map((a) => `^${a}`)], {
      T: { type: DT_FLOAT },
    });
  }

  /**
   * One `ResourceApplyAdam` per variable with its gradient, fed β₁ᵗ, β₂ᵗ and ε̂ = ε·√(1 − β₂ᵗ)
   * through the placeholders `beta1_power`, `beta2_power`, `epsilon_hat` (see `adamFeeds`); then
   * `output` as an Identity of `value` that runs after every update.
   */
  adam(
    variables: readonly GraphVariable[],
    gradients: readonly string[],
    hyper: AdamHyperparameters,
    output: string,
    value: string,
  ): string {
    const inputs = [
      this.input('beta1_power', []),
      this.input('beta2_power', []),
      this.constant('lr', DT_FLOAT, [], [hyper.learningRate]),
      this.constant('beta1', DT_FLOAT, [], [hyper.beta1]),
      this.constant('beta2', DT_FLOAT, [], [hyper.beta2]),
      this.input('epsilon_hat', []),
    ];
    const applies = variables.map(({ name }, k) =>
      this.node(
        `${name}_apply`,
        'ResourceApplyAdam',
        [name, `${name}_m`, `${name}_v`, ...inputs, gradients[k] as string],
        { T: { type: DT_FLOAT }, use_locking: { b: false }, use_nesterov: { b: false } },
      ),
    );
    return this.node(output, 'Identity', [value, ...applies.map((a) => `^${a}`)], {
      T: { type: DT_FLOAT },
    });
  }
}

/** A session on the graph `builder` holds: `run(feeds, output)` is one Session::Run. */
export function openSession(builder: GraphBuilder) {
  const session = openGraphSession(builder);
  return {
    run(feeds: readonly (readonly [string, tf.Tensor])[], output: string): tf.Tensor {
      return session.run(feeds, [output])[0] as tf.Tensor;
    },
  };
}

/** A batch of the step. */
export interface Batch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

type Session = ReturnType<typeof openSession>;

/**
 * Training through a graph that `GraphBuilder.adam` finished with output `loss`: each call feeds
 * the batch as `x`, `y` and Adam's scalars of the next step, and returns the loss.
 */
export function graphTraining(session: Session, hyper: AdamHyperparameters) {
  let t = 0;
  return (batch: Batch): number => {
    const feeds = adamFeeds(hyper, ++t);
    const loss = session.run([['x', batch.x], ['y', batch.y], ...feeds], 'loss');
    const value = loss.dataSync()[0] as number;
    tf.dispose([loss, ...feeds.map(([, f]) => f)]);
    return value;
  };
}

/**
 * TF.js's own training of `critic` (`createTrainStep`, InfoNCE, Adam with fresh moments):
 * `run(batch)` trains one step and returns the loss; `trainStep`, `context` and `state` are there
 * to trace a step.
 */
export function eagerTraining(critic: Critic, hyper: AdamHyperparameters) {
  const bound = createBoundRegistry().resolve('infonce');
  const context = {
    requires: bound.requires,
    random: createRandom(0),
  } as unknown as BoundInputContext;
  // The eager step, as TF.js runs it op by op (what the library compiles by default).
  const trainStep = createTrainStep({
    critic,
    bound,
    optimizer: { kind: 'adam', ...hyper },
    graph: false,
  });
  let state = bound.initialState();
  return {
    trainStep,
    context,
    get state() {
      return state;
    },
    run(batch: Batch): number {
      const out = trainStep.run(state, batch, context);
      const loss = out.loss.dataSync()[0] as number;
      tf.dispose([out.loss, out.estimate, out.joint, out.logPartition, ...Object.values(state)]);
      state = out.state;
      return loss;
    },
  };
}

/** Medians of 5 rounds of `steps` calls (after a warm-up), in ms per call. */
export function timeRounds<T>(inputs: readonly T[], steps: number, f: (input: T) => void) {
  for (let i = 0; i < Math.min(50, steps); i++) f(inputs[i % inputs.length] as T);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < steps / 5; i++) f(inputs[i % inputs.length] as T);
    rounds.push((performance.now() - start) / (steps / 5));
  }
  return { median: [...rounds].sort((a, b) => a - b)[2] as number, rounds };
}
