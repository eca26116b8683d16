import { assertNumber, assertPositiveInteger, createRandom } from '@mi/core';
import {
  type Batch,
  type DataSource,
  type Dataset,
  InvalidArgumentError,
  type Sampler,
} from '@mi/spec';

/** Options of {@link iterateBatches}. */
export interface IterateOptions {
  /** Pairs per batch. */
  readonly batchSize: number;
  /** Seeds the shuffles (finite data) or the draws (samplers). */
  readonly seed: number;
  /** Finite data: passes over the data (default 1). Ignored by samplers. */
  readonly epochs?: number;
  /** Finite data: drop the last, smaller batch of each epoch (default false). */
  readonly dropRemainder?: boolean;
  /** Samplers: batches to draw (default: without end). Finite data: a cap on batches. */
  readonly steps?: number;
}

/** A batch with its position in the stream; the caller owns (and disposes) `x` and `y`. */
export interface IteratedBatch extends Batch {
  /** 0-based batch number over the whole iteration. */
  readonly step: number;
  /** 0-based epoch (always 0 for samplers). */
  readonly epoch: number;
  /** Rows of the data set in this batch (finite data only). */
  readonly indices?: Int32Array;
}

function* datasetBatches(dataset: Dataset, options: IterateOptions): Generator<IteratedBatch> {
  const {
    batchSize,
    epochs = 1,
    dropRemainder = false,
    steps = Number.POSITIVE_INFINITY,
  } = options;
  const random = createRandom(options.seed);
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    // A fresh permutation per epoch: every row once per pass, in a new order.
    const order = random.permutation(dataset.size);
    for (let start = 0; start < dataset.size; start += batchSize) {
      const end = Math.min(start + batchSize, dataset.size);
      if (dropRemainder && end - start < batchSize) break;
      if (step >= steps) return;
      const indices = order.slice(start, end);
      const batch = dataset.gather(indices);
      yield { x: batch.x, y: batch.y, step, epoch, indices };
      step++;
    }
  }
}

function* samplerBatches(sampler: Sampler, options: IterateOptions): Generator<IteratedBatch> {
  const { batchSize, steps = Number.POSITIVE_INFINITY } = options;
  const random = createRandom(options.seed);
  for (let step = 0; step < steps; step++) {
    const batch = sampler.sample(batchSize, random);
    yield { x: batch.x, y: batch.y, step, epoch: 0 };
  }
}

/**
 * Mini-batches from any data source, seeded. A finite `Dataset` yields each epoch's rows in
 * a new random order, `batchSize` at a time (the last batch smaller unless `dropRemainder`); an
 * infinite `Sampler` yields fresh draws, `steps` of them or without end. Batches are made
 * lazily, one per `next()`, and belong to the caller: dispose each one.
 *
 * @example
 * ```ts
 * for (const batch of iterateBatches(data, { batchSize: 64, seed: 0, epochs: 10 })) {
 *   // ... use batch.x, batch.y
 *   batch.x.dispose();
 *   batch.y.dispose();
 * }
 * ```
 */
export function iterateBatches(
  source: DataSource,
  options: IterateOptions,
): Generator<IteratedBatch> {
  const fn = 'iterateBatches';
  assertPositiveInteger(fn, 'batchSize', options?.batchSize);
  assertNumber(fn, 'seed', options.seed, { integer: true });
  if (options.epochs !== undefined) assertPositiveInteger(fn, 'epochs', options.epochs);
  if (options.steps !== undefined) assertPositiveInteger(fn, 'steps', options.steps);
  if (source?.kind === 'dataset') {
    if (options.batchSize > source.size) {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter: 'batchSize',
        value: options.batchSize,
        expected: `at most the ${source.size} rows of ${source.name}`,
      });
    }
    return datasetBatches(source, options);
  }
  if (source?.kind === 'sampler') return samplerBatches(source, options);
  throw new InvalidArgumentError({
    functionName: fn,
    parameter: 'source',
    value: source,
    expected: "a Dataset (kind 'dataset') or a Sampler (kind 'sampler')",
  });
}
