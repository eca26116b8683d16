import { deriveRandom } from '@mi/core';
import type { NeuralCritic } from '@mi/critics';
import { type Bound, type BoundInputContext, type Dataset, InvalidArgumentError } from '@mi/spec';
import { boundInputsOf } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';

/** The bound on a held-out data set: see {@link heldOutBoundEstimate}. */
export interface HeldOutBoundEstimate {
  /** Mean over the chunks of the bound's estimate, nats; `null` when a chunk was not finite. */
  readonly mean: number | null;
  /** sd of the chunk values / √chunks; `null` for one chunk or a non-finite chunk. */
  readonly standardError: number | null;
  readonly chunks: number;
  /** Chunks whose estimate was not finite (the critic's outputs overflowed). */
  readonly nonFinite: number;
}

/**
 * The bound's estimate on data the critic never trained on: the rows of `data` in a seeded random
 * order, cut into chunks of `batchSize` (the training batch size, so each chunk has the bound's
 * ceiling and bias at that n; the remainder is left out), each scored with a fresh bound state and
 * the critic in inference mode (batch norm on its moving averages), one scalar read per chunk.
 */
export async function heldOutBoundEstimate(options: {
  readonly critic: NeuralCritic;
  readonly bound: Bound;
  readonly data: Dataset;
  readonly batchSize: number;
  readonly seed: number;
}): Promise<HeldOutBoundEstimate> {
  const { critic, bound, data, batchSize, seed } = options;
  const order = deriveRandom(seed, 'evaluation').permutation(data.size);
  const chunks = Math.floor(data.size / batchSize);
  const context: BoundInputContext = {
    requires: bound.requires,
    random: deriveRandom(seed, 'reference'),
    dataBounds() {
      throw new InvalidArgumentError({
        functionName: 'heldOutBoundEstimate',
        parameter: 'bound',
        value: bound.id,
        expected: 'a bound that needs no bounding box of the data (MI-NEE does not run on images)',
      });
    },
  };
  const wasTraining = critic.training;
  critic.setTraining(false);
  const values: number[] = [];
  let nonFinite = 0;
  try {
    for (let k = 0; k < chunks; k++) {
      const batch = data.gather(order.slice(k * batchSize, (k + 1) * batchSize));
      const state = bound.initialState();
      const estimate = tf.tidy(
        () => bound.compute(boundInputsOf(critic, batch, context, bound.reads), state).estimate,
      );
      const value = (await estimate.data())[0] as number;
      tf.dispose([estimate, batch.x, batch.y, ...Object.values(state)]);
      if (Number.isFinite(value)) values.push(value);
      else nonFinite += 1;
    }
  } finally {
    critic.setTraining(wasTraining);
  }
  if (nonFinite > 0 || values.length === 0) {
    return { mean: null, standardError: null, chunks, nonFinite };
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const standardError =
    values.length < 2
      ? null
      : Math.sqrt(
          values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) / values.length,
        );
  return { mean, standardError, chunks, nonFinite };
}
