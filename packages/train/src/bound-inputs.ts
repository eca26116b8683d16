import { boundingBox } from '@mi/core';
import {
  type Batch,
  type Bound,
  type BoundInputContext,
  type BoundInputs,
  type BoundingBox,
  type Critic,
  type DataSource,
  InvalidArgumentError,
  type RandomSource,
} from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * What a bound reads for a batch: the critic's `boundInputs` hook when it has one (the MI-NEE
 * critic draws its reference batch there); else, when the caller passes the bound's `reads` as
 * `'shifted-pairs'`: for a batch that carries a resampled `marginal` sample, T on the batch's
 * pairs and on those; else, when the critic implements `shiftedPairs`, only those 2n scores;
 * else the score matrix plus, when the bound requires it, the critic's learned log-baseline.
 * Callers that need the whole matrix (score histograms) leave `reads` out; a batch with a
 * `marginal` sample then throws, since the matrix would ignore it.
 */
export function boundInputsOf(
  critic: Critic,
  batch: Batch,
  context: BoundInputContext,
  reads?: Bound['reads'],
): BoundInputs {
  if (critic.boundInputs !== undefined) return critic.boundInputs(batch, context);
  if (batch.marginal !== undefined) {
    if (reads !== 'shifted-pairs') {
      throw new InvalidArgumentError({
        functionName: 'boundInputsOf',
        parameter: 'batch.marginal',
        value: 'a resampled marginal sample',
        expected:
          "no marginal sample unless the bound's shifted pairs are read (reads: 'shifted-pairs')",
      });
    }
    return {
      shiftedPairs: {
        joint: critic.pairs(batch.x, batch.y),
        shifted: critic.pairs(batch.marginal.x, batch.marginal.y),
      },
    };
  }
  if (reads === 'shifted-pairs' && critic.shiftedPairs !== undefined) {
    return { shiftedPairs: critic.shiftedPairs(batch.x, batch.y) };
  }
  const scores = critic.scores(batch.x, batch.y);
  return context.requires.includes('logBaseline')
    ? { scores, logBaseline: (critic.logBaseline as (y: tf.Tensor) => tf.Tensor1D)(batch.y) }
    : { scores };
}

/** Throws unless the critic can give the bound every input it requires. */
export function assertCriticServes(critic: Critic, bound: Bound, functionName: string): void {
  for (const requirement of bound.requires) {
    const served =
      critic.boundInputs !== undefined ||
      (requirement === 'logBaseline' && typeof critic.logBaseline === 'function');
    if (!served) {
      throw new InvalidArgumentError({
        functionName,
        parameter: 'critic',
        value: critic.id,
        expected: `a critic that provides '${requirement}' (bound '${bound.id}' requires it): one with ${requirement === 'logBaseline' ? 'logBaseline() or ' : ''}boundInputs()`,
      });
    }
  }
}

/**
 * The context a training loop hands to `boundInputs`: the bound's requirements, the run's
 * reference stream, and the bounding box of the training data, computed once for a dataset (its
 * whole training split) and per batch for a sampler.
 */
export function createBoundInputContext(options: {
  readonly bound: Bound;
  readonly random: () => RandomSource;
  readonly trainingRows: () => Batch | undefined;
  readonly currentBatch: () => Batch;
  readonly source: () => DataSource;
}): BoundInputContext {
  let datasetBox: { x: BoundingBox; y: BoundingBox } | undefined;
  return {
    requires: options.bound.requires,
    get random() {
      return options.random();
    },
    dataBounds() {
      if (options.source().kind === 'sampler') {
        const batch = options.currentBatch();
        return { x: boundingBox(batch.x), y: boundingBox(batch.y) };
      }
      if (datasetBox === undefined) {
        const rows = options.trainingRows() as Batch;
        datasetBox = { x: boundingBox(rows.x), y: boundingBox(rows.y) };
        tf.dispose([rows.x, rows.y]);
      }
      return datasetBox;
    },
  };
}
