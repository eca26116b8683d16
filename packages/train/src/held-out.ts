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
 * each has the bound's ceiling and bias at n; a remainder is covered by a last chunk that overlaps
 * the one before (see `DataStream.heldOutBatches`). One scalar is read per chunk.
 * Also returns the standard error of that mean, sd(chunk values)/√chunks (undefined for one chunk).
 */
export async function heldOutEstimate(options: {
  readonly critic: Critic;
  readonly bound: Bound;
  readonly stream: DataStream;
  readonly dataset: Dataset;
  readonly split: HeldOutSplit;
  readonly context: BoundInputContext;
  readonly step: number;
}): Promise<{ readonly mean: number; readonly standardError: number | undefined }> {
  const { critic, bound, stream, dataset, split, context, step } = options;
  const values: number[] = [];
  for (const batch of stream.heldOutBatches(dataset, split)) {
    const fresh = bound.initialState();
    const value = tf.tidy(
      () => bound.compute(boundInputsOf(critic, batch, context, bound.reads), fresh).estimate,
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
    values.push(v);
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, standardError: undefined };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, standardError: Math.sqrt(variance / values.length) };
}
