import { assertScoreMatrix, assertShape } from '@mi/core';
import {
  type Bound,
  type BoundInputs,
  type BoundOutput,
  type BoundRequirement,
  type BoundState,
  type EntropicInputs,
  InvalidArgumentError,
  type ScoreInputs,
  ShapeMismatchError,
  type ShiftedPairInputs,
} from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A bound's outputs as its maths produces them. tfjs ops are typed by their first argument's
 * rank, so scalar results come out as `Tensor`; {@link createBound} checks they are scalars.
 */
export interface RawBoundOutput {
  readonly loss: tf.Tensor;
  readonly estimate: tf.Tensor;
  readonly terms: Readonly<Record<string, tf.Tensor>>;
  readonly state: BoundState;
}

/**
 * What a bound implementation provides; {@link createBound} adds validation and memory care.
 * `Inputs` is {@link ScoreInputs} for score-matrix bounds, {@link EntropicInputs} for those that
 * require `entropic`, `ScoreInputs | ShiftedPairInputs` for those that read only shifted pairs.
 */
export interface BoundDefinition<Inputs extends BoundInputs = ScoreInputs> {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly requires?: readonly BoundRequirement[];
  /** See `Bound.averaging`: declared by bounds whose estimate is `joint − log E_Q[e^T]`. */
  readonly averaging?: 'micro' | 'macro';
  /** See `Bound.reads`: `'shifted-pairs'` when the bound reads only S_ii and S_i,(i+1) mod n. */
  readonly reads?: 'shifted-pairs';
  readonly initialState?: () => BoundState;
  /** The bound's maths. Runs inside `tf.tidy`: intermediates are freed, the outputs kept. */
  readonly compute: (inputs: Inputs, state: BoundState) => RawBoundOutput;
  readonly ceiling?: (n: number) => number | undefined;
  /** See `Bound.logPartition`: the log partition term on the unclipped scores. */
  readonly logPartition?: (inputs: Inputs) => tf.Tensor;
}

/**
 * Turns a {@link BoundDefinition} into a {@link Bound}: validates the score matrix (square,
 * n ≥ 2) and the extra inputs the bound requires, and runs the maths in `tf.tidy` so that only
 * the returned tensors survive. Inputs and the incoming state are never disposed.
 */
export function createBound<Inputs extends BoundInputs = ScoreInputs>(
  definition: BoundDefinition<Inputs>,
): Bound {
  const requires = definition.requires ?? [];
  const entropic = requires.includes('entropic');
  const validate = (inputs: BoundInputs, where: string): Inputs => {
    if (inputs == null || typeof inputs !== 'object') {
      throw new InvalidArgumentError({
        functionName: where,
        parameter: 'inputs',
        value: inputs,
        expected: 'an object { scores, ... }',
      });
    }
    const scores = (inputs as ScoreInputs).scores;
    if ((inputs as ShiftedPairInputs).shiftedPairs !== undefined) {
      if (scores !== undefined) {
        throw new InvalidArgumentError({
          functionName: where,
          parameter: 'inputs',
          value: '{ scores, shiftedPairs }',
          expected:
            'either the score matrix { scores } or the shifted pairs { shiftedPairs }, not both',
        });
      }
      assertShiftedPairs(where, inputs as ShiftedPairInputs, definition);
    } else if (!entropic) {
      if (scores === undefined && definition.reads === 'shifted-pairs') {
        throw new InvalidArgumentError({
          functionName: where,
          parameter: 'inputs.scores',
          value: undefined,
          expected:
            'the score matrix { scores } or the shifted pairs { shiftedPairs: { joint, shifted } }',
        });
      }
      assertScoreMatrix(where, scores);
    }
    for (const requirement of requires) {
      if ((inputs as unknown as Record<string, unknown>)[requirement] === undefined) {
        throw new InvalidArgumentError({
          functionName: where,
          parameter: `inputs.${requirement}`,
          value: undefined,
          expected: requirementDescription[requirement],
        });
      }
    }
    return inputs as Inputs;
  };
  const logPartition = definition.logPartition;
  return {
    id: definition.id,
    config: definition.config,
    requires,
    ...(definition.averaging === undefined ? {} : { averaging: definition.averaging }),
    ...(definition.reads === undefined ? {} : { reads: definition.reads }),
    initialState: () => (definition.initialState ? definition.initialState() : {}),
    compute(inputs, state = {}) {
      const checked = validate(inputs, `${definition.id}.compute`);
      // tidy's types want an index signature; the output object holds only tensors.
      return tf.tidy(
        () =>
          asScalars(
            definition.id,
            definition.compute(checked, state),
          ) as unknown as tf.TensorContainer,
      ) as unknown as BoundOutput;
    },
    ceiling: (n) => definition.ceiling?.(n),
    ...(logPartition === undefined
      ? {}
      : {
          logPartition(inputs: BoundInputs) {
            const checked = validate(inputs, `${definition.id}.logPartition`);
            return tf.tidy(() => asScalar(definition.id, 'logPartition', logPartition(checked)));
          },
        }),
  };
}

/**
 * Throws unless the bound reads shifted pairs and both vectors have the same length n ≥ 2 (for
 * n = 1 the shifted pair would be the joint pair itself).
 */
function assertShiftedPairs(
  where: string,
  inputs: ShiftedPairInputs,
  definition: { readonly id: string; readonly reads?: 'shifted-pairs' },
): void {
  if (definition.reads !== 'shifted-pairs') {
    throw new InvalidArgumentError({
      functionName: where,
      parameter: 'inputs.shiftedPairs',
      value: '{ joint, shifted }',
      expected: `the score matrix { scores }: '${definition.id}' reads more entries than the shifted pairs`,
    });
  }
  const pairs: unknown = inputs.shiftedPairs;
  if (typeof pairs !== 'object' || pairs === null) {
    throw new InvalidArgumentError({
      functionName: where,
      parameter: 'inputs.shiftedPairs',
      value: pairs,
      expected: '{ joint, shifted }: two tensors of length n',
    });
  }
  const { joint, shifted } = inputs.shiftedPairs;
  assertShape(where, 'shiftedPairs.joint', joint, [null]);
  const n = joint.shape[0];
  assertShape(where, 'shiftedPairs.shifted', shifted, [n]);
  if (n < 2) {
    throw new ShapeMismatchError({
      functionName: where,
      parameter: 'shiftedPairs.joint',
      expected: [2],
      received: joint.shape,
      detail: 'n >= 2 pairs (for n = 1 the shifted pair is the joint pair)',
    });
  }
}

function asScalar(id: string, name: string, tensor: tf.Tensor): tf.Scalar {
  if (tensor.rank !== 0) {
    // A programming error in the bound, not bad user input: say which output is wrong.
    throw new InvalidArgumentError({
      functionName: `${id}.compute`,
      parameter: name,
      value: tensor,
      expected: 'a scalar tensor',
    });
  }
  return tensor as tf.Scalar;
}

function asScalars(id: string, raw: RawBoundOutput): BoundOutput {
  // The caller disposes each output separately, so one tensor must not appear twice (a term
  // that is also the state, say): later occurrences become clones.
  const seen = new Set<number>();
  const distinct = <T extends tf.Tensor>(t: T): T => {
    if (!seen.has(t.id)) {
      seen.add(t.id);
      return t;
    }
    return tf.clone(t);
  };
  const state = Object.fromEntries(Object.entries(raw.state).map(([k, v]) => [k, distinct(v)]));
  return {
    loss: distinct(asScalar(id, 'loss', raw.loss)),
    estimate: distinct(asScalar(id, 'estimate', raw.estimate)),
    terms: Object.fromEntries(
      Object.entries(raw.terms).map(([name, value]) => [
        name,
        distinct(asScalar(id, `terms.${name}`, value)),
      ]),
    ),
    state,
  };
}

const requirementDescription: Record<BoundRequirement, string> = {
  logBaseline: 'a length-n tensor of log a(y_j), the learned baseline',
  entropic: 'the MI-NEE head scores on data and reference samples',
};
