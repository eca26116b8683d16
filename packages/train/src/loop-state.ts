import { restoreRandom } from '@mi/core';
import {
  type Bound,
  type BoundState,
  type Critic,
  InvalidArgumentError,
  type RandomSource,
  type RandomState,
  type TrainCallbacks,
} from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import type { DataStream, DataStreamState } from './data-stream';
import type { ModelSelection, ModelSelectionState } from './model-selection';
import { Traces } from './traces';

/**
 * Everything a training loop carries from one step to the next. A checkpoint is this state
 * (through {@link saveLoopState}) plus the critic's weights, the optimiser's slots and the data
 * stream's position; {@link loadLoopState} gives it back.
 */
export interface LoopState {
  /** Steps completed (skipped steps included). */
  step: number;
  boundState: BoundState;
  traces: Traces;
  /** The step number of each traced value (skipped steps are not traced). */
  stepIndex: number[];
  /** The EMA of the per-batch estimates (NaN before the first step). */
  ema: number;
  skippedSteps: number[];
  /** The stream of the critic's own per-step sampling (MI-NEE's references). */
  referenceRandom: RandomSource;
  readonly selection: ModelSelection;
}

/** The state of a fresh run. */
export function initialLoopState(
  bound: Bound,
  referenceRandom: RandomSource,
  selection: ModelSelection,
): LoopState {
  return {
    step: 0,
    boundState: bound.initialState(),
    traces: new Traces(),
    stepIndex: [],
    ema: Number.NaN,
    skippedSteps: [],
    referenceRandom,
    selection,
  };
}

/** The JSON part of a loop state, as a checkpoint stores it. */
interface LoopStateJson {
  readonly ema: number;
  readonly stepIndex: readonly number[];
  readonly skippedSteps: readonly number[];
  readonly traces: Record<
    'estimate' | 'loss' | 'joint' | 'logPartition' | 'trueMI' | 'ema',
    number[]
  >;
  readonly referenceRandom: RandomState;
  readonly selection: ModelSelectionState;
  readonly critic: unknown;
  readonly bound: { readonly id: string; readonly config: unknown };
}

/** What a checkpoint needs besides the loop state. */
export interface CheckpointParts {
  readonly critic: Critic;
  readonly bound: Bound;
  readonly optimizer: tf.Optimizer;
  readonly stream: DataStream;
}

/** Writes the loop state and everything it runs on as a checkpoint; returns the manifest path. */
export async function saveLoopState(
  directory: string,
  loop: LoopState,
  parts: CheckpointParts,
): Promise<string> {
  const { critic, bound, optimizer, stream } = parts;
  const optimizerWeights = await optimizer.getWeights();
  const json: LoopStateJson = {
    ema: loop.ema,
    stepIndex: loop.stepIndex,
    skippedSteps: loop.skippedSteps,
    traces: Object.fromEntries(
      Object.entries(loop.traces.snapshot()).map(([k, v]) => [k, Array.from(v)]),
    ) as LoopStateJson['traces'],
    referenceRandom: loop.referenceRandom.getState(),
    selection: loop.selection.toJSON(),
    critic: critic.getConfig(),
    bound: { id: bound.id, config: bound.config },
  };
  try {
    return await writeCheckpoint(
      directory,
      {
        step: loop.step,
        optimizerScalars: adamScalars(optimizer),
        dataStream: stream.getState(),
        loop: json as unknown as Readonly<Record<string, unknown>>,
      },
      {
        critic: criticVariables(critic).map((v) => ({ name: v.name, tensor: v })),
        optimizer: optimizerWeights.map((w) => ({ name: w.name, tensor: w.tensor })),
        bound: Object.entries(loop.boundState).map(([name, tensor]) => ({ name, tensor })),
        best: loop.selection.tensors().map((tensor, k) => ({ name: `best/${k}`, tensor })),
      },
    );
  } finally {
    // getWeights makes a fresh `iter` scalar each call; the slots themselves are the optimiser's.
    tf.dispose(optimizerWeights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  }
}

/**
 * Reads a checkpoint into the critic, the optimiser and the data stream, and returns the loop
 * state it holds. The critic must be the one the checkpoint was written from (same variables, by
 * order and size) and the bound must have the same id. The newest good checkpoint is read: a
 * damaged newest one falls back to the one before it, and `callbacks.onResume` hears which was
 * read and which were passed over.
 */
export async function loadLoopState(
  directory: string,
  parts: CheckpointParts,
  selection: ModelSelection,
  callbacks?: TrainCallbacks,
): Promise<LoopState> {
  const { critic, bound, optimizer, stream } = parts;
  const { manifest, values, path, skipped } = await readCheckpoint(directory);
  const json = manifest.loop as unknown as LoopStateJson;
  const mismatch = (expected: string) =>
    new InvalidArgumentError({
      functionName: 'train',
      parameter: 'resumeFrom',
      value: directory,
      expected,
    });
  if (json.bound.id !== bound.id) {
    throw mismatch(`a checkpoint of a run with bound '${bound.id}' (it holds '${json.bound.id}')`);
  }
  // Variables are matched in order (their names carry a per-instance prefix), checked by size.
  const variables = criticVariables(critic);
  const entries = manifest.tensors.filter((t) => t.group === 'critic');
  if (entries.length !== variables.length) {
    throw mismatch(
      `a checkpoint of this critic (${variables.length} variables; the checkpoint has ${entries.length})`,
    );
  }
  entries.forEach((entry, k) => {
    const variable = variables[k] as tf.Variable;
    if (variable.size !== entry.length) {
      throw mismatch(
        `a checkpoint of this critic (variable ${k}, '${entry.name}', has ${variable.size} values here and ${entry.length} in the checkpoint)`,
      );
    }
  });
  entries.forEach((entry, k) => {
    const variable = variables[k] as tf.Variable;
    tf.tidy(() => variable.assign(tf.tensor(values(entry), variable.shape, variable.dtype)));
  });
  const group = (name: 'optimizer' | 'bound' | 'best') =>
    manifest.tensors.filter((t) => t.group === name);
  const weights = group('optimizer').map((entry) => ({
    name: entry.name,
    tensor: tf.tensor(values(entry), entry.shape),
  }));
  await optimizer.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor));
  setAdamScalars(optimizer, manifest.optimizerScalars);
  stream.setState(manifest.dataStream as DataStreamState);
  const best = group('best').map((entry) => tf.tensor(values(entry), entry.shape));
  selection.restore(json.selection, best.length > 0 ? best : undefined);
  await callbacks?.onResume?.({ step: manifest.step, path, skipped });
  return {
    step: manifest.step,
    boundState: Object.fromEntries(
      group('bound').map((entry) => [entry.name, tf.tensor(values(entry), entry.shape)]),
    ),
    traces: Traces.from(json.traces),
    stepIndex: [...json.stepIndex],
    ema: json.ema,
    skippedSteps: [...json.skippedSteps],
    referenceRandom: restoreRandom(json.referenceRandom),
    selection,
  };
}

function criticVariables(critic: Critic): tf.Variable[] {
  return [...critic.trainableVariables, ...critic.nonTrainableVariables] as tf.Variable[];
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
