import {
  type Bound,
  type BoundInputContext,
  type Critic,
  type Dataset,
  NonFiniteEstimateError,
} from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { boundInputsOf } from './bound-inputs';
import type { DataStream, HeldOutSplit } from './data-stream';

/**
 * The held-out estimate: the mean of the bound over a held-out split cut into chunks of the
 * training batch size (fresh bound state, no gradient). Every chunk has n = batchSize rows, so
 * each has the bound's ceiling and bias at n and the plain mean weights every row alike; a last
 * shorter chunk is left out (see `DataStream.heldOutBatches`). One scalar is read per chunk.
 */
export async function heldOutEstimate(options: {
  readonly critic: Critic;
  readonly bound: Bound;
  readonly stream: DataStream;
  readonly dataset: Dataset;
  readonly split: HeldOutSplit;
  readonly context: BoundInputContext;
  readonly step: number;
}): Promise<number> {
  const { critic, bound, stream, dataset, split, context, step } = options;
  let sum = 0;
  let count = 0;
  for (const batch of stream.heldOutBatches(dataset, split)) {
    const fresh = bound.initialState();
    const value = tf.tidy(
      () => bound.compute(boundInputsOf(critic, batch, context), fresh).estimate,
    );
    const v = (await value.data())[0] as number;
    tf.dispose([value, batch.x, batch.y, ...Object.values(fresh)]);
    if (!Number.isFinite(v)) {
      throw new NonFiniteEstimateError({
        source: `train (${split})`,
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
