import { restoreRandom } from '@mi/core';
import {
  type Batch,
  type DataSource,
  type Dataset,
  InvalidArgumentError,
  type MarginalSample,
  type RandomSource,
  type RandomState,
} from '@mi/spec';

/** The serialisable position of the training data stream (epoch, shuffle, random state), for checkpoints. */
export interface DataStreamState {
  readonly random: RandomState;
  readonly epoch: number;
  readonly position: number;
  readonly order: number[] | null;
}

/** Which held-out split: validation (selection, early stopping) or test (never used to select). */
export type HeldOutSplit = 'validation' | 'test';

/**
 * Where training batches come from. An infinite sampler gives fresh samples every step; a finite
 * dataset is split once into training, validation and (optionally) test indices (seeded), and the
 * training indices are reshuffled every epoch and cut into full batches (a last partial batch is
 * dropped, so every batch has the same n and the same bound ceiling).
 */
export class DataStream {
  /** Completed passes over the training split (finite data). */
  epoch = 0;
  private position = 0;
  private order: Int32Array | null = null;

  constructor(
    private random: RandomSource,
    private readonly batchSize: number,
    readonly trainIndices: Int32Array | null,
    readonly validationIndices: Int32Array | null,
    readonly testIndices: Int32Array | null = null,
  ) {}

  /**
   * Splits a dataset (or not, for a sampler) and checks the batch fits. `random.split` draws the
   * train/validation split once; `random.data` draws the sampler's batches or the shuffles, and is
   * the stream a checkpoint saves (the split is drawn again from the seed on resume).
   */
  static create(
    data: DataSource,
    batchSize: number,
    fractions: { readonly validation?: number | undefined; readonly test?: number | undefined },
    random: { readonly data: RandomSource; readonly split: RandomSource },
  ): DataStream {
    if (data.kind === 'sampler') return new DataStream(random.data, batchSize, null, null);
    const permutation = random.split.permutation(data.size);
    const validationFraction = fractions.validation;
    const validationSize =
      validationFraction === undefined ? 0 : Math.floor(data.size * validationFraction);
    const testSize = fractions.test === undefined ? 0 : Math.floor(data.size * fractions.test);
    // Validation first, then test, then training: without a test split the layout is unchanged.
    const trainIndices = permutation.slice(validationSize + testSize);
    const validationIndices = validationSize > 0 ? permutation.slice(0, validationSize) : null;
    const testIndices =
      testSize > 0 ? permutation.slice(validationSize, validationSize + testSize) : null;
    if (trainIndices.length < batchSize) {
      throw new InvalidArgumentError({
        functionName: 'train',
        parameter: 'batchSize',
        value: batchSize,
        expected: `at most the ${trainIndices.length} training rows of dataset '${data.name}' (${data.size} rows, ${validationSize + testSize} held out)`,
      });
    }
    if (validationIndices !== null && validationIndices.length < 2) {
      throw new InvalidArgumentError({
        functionName: 'train',
        parameter: 'validation.fraction',
        value: validationFraction,
        expected: `a fraction that holds out at least 2 of the ${data.size} rows`,
      });
    }
    if (testIndices !== null && testIndices.length < 2) {
      throw new InvalidArgumentError({
        functionName: 'train',
        parameter: 'validation.testFraction',
        value: fractions.test,
        expected: `a fraction that holds out at least 2 of the ${data.size} rows`,
      });
    }
    return new DataStream(random.data, batchSize, trainIndices, validationIndices, testIndices);
  }

  /** Full batches per epoch (finite data); Infinity for a sampler. */
  get batchesPerEpoch(): number {
    return this.trainIndices === null
      ? Number.POSITIVE_INFINITY
      : Math.floor(this.trainIndices.length / this.batchSize);
  }

  /** The next training batch; the caller owns its tensors. */
  next(data: DataSource): Batch {
    if (data.kind === 'sampler') return data.sample(this.batchSize, this.random);
    const train = this.trainIndices!;
    if (this.order === null || this.position + this.batchSize > train.length) {
      if (this.order !== null) this.epoch += 1;
      const shuffle = this.random.permutation(train.length);
      this.order = Int32Array.from(shuffle, (k) => train[k] as number);
      this.position = 0;
    }
    const indices = this.order.subarray(this.position, this.position + this.batchSize);
    this.position += this.batchSize;
    return (data as Dataset).gather(indices);
  }

  /**
   * n product-of-marginals pairs drawn apart from the batch (`marginalPairs: 'resampled'`): x′
   * from n training rows and y′ from n training rows drawn again, independently (each set without
   * replacement; the two may share rows); for a sampler, x of one fresh batch with y of another.
   * The caller owns the tensors. It draws from the data stream, so a resumed run draws the same
   * pairs.
   */
  nextMarginal(data: DataSource): MarginalSample {
    if (data.kind === 'sampler') {
      const forX = data.sample(this.batchSize, this.random);
      const forY = data.sample(this.batchSize, this.random);
      forX.y.dispose();
      forY.x.dispose();
      return { x: forX.x, y: forY.y };
    }
    const train = this.trainIndices as Int32Array;
    const forX = data.gather(sampleWithoutReplacement(this.random, train, this.batchSize));
    const forY = data.gather(sampleWithoutReplacement(this.random, train, this.batchSize));
    forX.y.dispose();
    forY.x.dispose();
    return { x: forX.x, y: forY.y };
  }

  /** Whether the next `next()` starts a new epoch. */
  get atEpochEnd(): boolean {
    return (
      this.trainIndices !== null &&
      this.order !== null &&
      this.position + this.batchSize > this.trainIndices.length
    );
  }

  /**
   * A held-out split in chunks of the training batch size n. When n does not divide the split, the
   * last chunk is the split's last n rows (it overlaps the one before) rather than a short chunk:
   * the held-out estimate is the plain mean of the chunks' values, which is right only when every
   * chunk has the same n, and a short chunk has another ceiling and bias (InfoNCE on 2 rows is at
   * most log 2); the overlap lets every row count. A split smaller than a batch is one chunk.
   */
  *heldOutBatches(data: Dataset, split: HeldOutSplit = 'validation'): Generator<Batch> {
    const indices = split === 'validation' ? this.validationIndices : this.testIndices;
    if (indices === null) return;
    const n = this.batchSize;
    if (indices.length <= n) {
      yield data.gather(indices);
      return;
    }
    for (let start = 0; start < indices.length; start += n) {
      const from = Math.min(start, indices.length - n);
      yield data.gather(indices.subarray(from, from + n));
    }
  }

  getState(): DataStreamState {
    return {
      random: this.random.getState(),
      epoch: this.epoch,
      position: this.position,
      order: this.order === null ? null : Array.from(this.order),
    };
  }

  setState(state: DataStreamState): void {
    this.random = restoreRandom(state.random);
    this.epoch = state.epoch;
    this.position = state.position;
    this.order = state.order === null ? null : Int32Array.from(state.order);
  }
}

/**
 * n entries of `pool` drawn uniformly without replacement, in random order: the first n swaps of
 * a Fisher–Yates shuffle, with the swapped positions kept in a map so that a draw costs O(n)
 * whatever the pool's size.
 */
export function sampleWithoutReplacement(
  random: RandomSource,
  pool: Int32Array,
  n: number,
): Int32Array {
  const moved = new Map<number, number>();
  const out = new Int32Array(n);
  const last = pool.length - 1;
  for (let i = 0; i < n; i++) {
    const j = random.integer(i, last);
    const atJ = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
    out[i] = pool[atJ] as number;
  }
  return out;
}
