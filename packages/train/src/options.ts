import { assertNumber, assertOneOf, assertPositiveInteger } from '@mi/core';
import { InvalidArgumentError, type TrainOptions } from '@mi/spec';
import { assertCriticServes } from './bound-inputs';

/**
 * Held-out evaluation and early stopping for finite datasets. The held-out estimate is the mean
 * of the bound over the validation split cut into chunks of the training batch size; a remainder
 * is covered by a last chunk that overlaps the one before, so every chunk has the ceiling and bias
 * of the training batches and every row counts.
 */
export interface ValidationOptions {
  /** Fraction of the dataset held out, in (0, 1). Default 0.2. */
  readonly fraction?: number;
  /** Evaluate every this many steps. Default: once per epoch. */
  readonly every?: number;
  /** Stop after this many evaluations without improvement. Default: no early stopping. */
  readonly patience?: number;
  /** Improvement smaller than this (nats) does not count. Default 0. */
  readonly minDelta?: number;
  /**
   * Fraction of the dataset held out as a test split, never used for selection. When set, the
   * weights with the best validation value are kept, restored into the critic at the end, and
   * their estimate on the test split is the run's answer (`estimateKind: 'test'`): neither
   * optimistic (selected on the data it reports) nor decayed (the weights after the patience
   * window). Default: no test split (the answer is the final validation value).
   */
  readonly testFraction?: number;
}

/** Writes the state of a run every `every` steps so that it can be resumed. */
export interface CheckpointOptions {
  readonly directory: string;
  readonly every: number;
}

/** What `train` accepts: the spec's options plus the loop's own knobs. */
export interface TrainLoopOptions extends TrainOptions {
  /**
   * Seed of the run's randomness, default `DEFAULT_SEED` of `@mi/core` (0, the critics' default
   * too). It covers, each on its own stream of `deriveRandom(seed, purpose)`: the data (`'data'`:
   * a sampler's draws, a dataset's per-epoch shuffles), the train/validation split (`'split'`) and
   * MI-NEE's uniform reference batches (`'reference'`). The critic's initial weights come from the
   * critic's own `seed` (stream `'critic-init'`), so the two never share bits even when equal.
   * There is no dropout. Same seeds and backend: the same run, bit for bit.
   */
  readonly seed?: number;
  /** Decay of the EMA-smoothed estimate (weight of the old value). Default 0.99. */
  readonly emaDecay?: number;
  /** K: batches in the macro/micro reporting window (ReMINE Alg. 1). Default min(1000, ⌈steps/2⌉). */
  readonly windowSize?: number;
  /** Finite-data mode: held-out split and early stopping. */
  readonly validation?: ValidationOptions;
  /** On a non-finite loss or estimate: stop (default) or skip the update and go on. */
  readonly onNonFinite?: 'stop' | 'skip';
  /** Steps at which to record histograms of the critic outputs on joint and marginal pairs. */
  readonly histogramSteps?: readonly number[];
  /**
   * Read the batch and the full score matrix back every `every` steps (a sync of n² values) and
   * hand them to `callback`: for experiments that need per-pair outputs, such as the joint vs
   * non-joint outputs of the one-hot drift study (ReMINE §3).
   */
  readonly observe?: {
    readonly every: number;
    readonly callback: (observation: ScoreObservation) => void | Promise<void>;
  };
  /** Number of histogram bins. Default 30. */
  readonly histogramBins?: number;
  /** Checkpoint every k steps. */
  readonly checkpoint?: CheckpointOptions;
  /** Resume from the checkpoint in this directory (written by `checkpoint`). */
  readonly resumeFrom?: string;
  /** Append one JSON line per step (step, estimate, loss, terms) to this file. */
  readonly logFile?: string;
  /**
   * On tfjs-node, run each training step as one compiled TensorFlow graph (with Adam's update in
   * its session) once it is checked to give the eager step's results bit for bit; see
   * `createTrainStep`. Default true; no effect on other backends. The run's `execution` says how
   * its last step ran.
   */
  readonly graph?: boolean;
  /**
   * Where a bound that reads shifted pairs (`reads: 'shifted-pairs'`, the DV family with
   * `marginals: 'shifted'`) gets its n product-of-marginals pairs. `'shifted'` (default): the
   * pairs (x_i, y_(i+1) mod n) of the batch itself. `'resampled'`: every step draws n rows for x′
   * and, independently, n rows for y′ (each without replacement; a dataset's training split, or
   * two fresh batches of a sampler), and the bound reads T(x′_i, y′_i), as the MINE code of Chan
   * et al. (2019) does ("resampling the samples X_i's and Y_i's independently", §3). The two have
   * the same expectation; they differ in gradient noise: with shifted pairs the joint and
   * marginal terms share every row, so a critic linear in (x, y) gets the same value from both
   * and any function of x or y alone cancels, while resampled pairs keep that noise.
   */
  readonly marginalPairs?: 'shifted' | 'resampled';
}

/** One observed step: the batch rows and the score matrix S[i][j] = T(x_i, y_j), row-major. */
export interface ScoreObservation {
  readonly step: number;
  readonly n: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly scores: Float32Array;
}

/** Validates the options that do not depend on the data; throws `InvalidArgumentError`. */
export function validateTrainOptions(options: TrainLoopOptions): void {
  const fn = 'train';
  if (options == null || typeof options !== 'object') {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'options',
      value: options,
      expected: 'an options object',
    });
  }
  for (const key of ['critic', 'bound', 'data'] as const) {
    if (options[key] == null) {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter: key,
        value: options[key],
        expected: `a ${key}`,
      });
    }
  }
  assertNumber(fn, 'batchSize', options.batchSize, { min: 2, integer: true });
  if (options.steps !== undefined) assertPositiveInteger(fn, 'steps', options.steps);
  if (options.epochs !== undefined) assertPositiveInteger(fn, 'epochs', options.epochs);
  if (options.steps === undefined && options.epochs === undefined) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'steps',
      value: undefined,
      expected: 'steps (or epochs, for a finite dataset)',
    });
  }
  if (options.epochs !== undefined && options.data.kind !== 'dataset') {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'epochs',
      value: options.epochs,
      expected: 'no epochs for an infinite sampler (use steps)',
    });
  }
  if (options.seed !== undefined) assertNumber(fn, 'seed', options.seed, { integer: true });
  if (options.emaDecay !== undefined)
    assertNumber(fn, 'emaDecay', options.emaDecay, { min: 0, max: 1, maxExclusive: true });
  if (options.windowSize !== undefined) assertPositiveInteger(fn, 'windowSize', options.windowSize);
  if (options.onNonFinite !== undefined)
    assertOneOf(fn, 'onNonFinite', options.onNonFinite, ['stop', 'skip']);
  if (options.graph !== undefined && typeof options.graph !== 'boolean') {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'graph',
      value: options.graph,
      expected: 'true or false',
    });
  }
  if (options.observe !== undefined)
    assertPositiveInteger(fn, 'observe.every', options.observe.every);
  if (options.marginalPairs !== undefined)
    assertOneOf(fn, 'marginalPairs', options.marginalPairs, ['shifted', 'resampled']);
  if (options.marginalPairs === 'resampled') assertResamplable(options, fn);
  if (options.histogramBins !== undefined)
    assertNumber(fn, 'histogramBins', options.histogramBins, { min: 2, integer: true });
  const optimizer = options.optimizer;
  if (optimizer !== undefined) {
    assertOneOf(fn, 'optimizer.kind', optimizer.kind, ['adam', 'sgd']);
    if (optimizer.learningRate !== undefined) {
      assertNumber(fn, 'optimizer.learningRate', optimizer.learningRate, {
        min: 0,
        minExclusive: true,
      });
    }
    if (optimizer.clipGradientNorm !== undefined) {
      assertNumber(fn, 'optimizer.clipGradientNorm', optimizer.clipGradientNorm, {
        min: 0,
        minExclusive: true,
      });
    }
  }
  const validation = options.validation;
  if (validation !== undefined) {
    if (options.data.kind !== 'dataset') {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter: 'validation',
        value: validation,
        expected:
          'no validation split for an infinite sampler (fresh samples are already held out)',
      });
    }
    if (validation.fraction !== undefined) {
      assertNumber(fn, 'validation.fraction', validation.fraction, {
        min: 0,
        max: 1,
        minExclusive: true,
        maxExclusive: true,
      });
    }
    if (validation.every !== undefined)
      assertPositiveInteger(fn, 'validation.every', validation.every);
    if (validation.patience !== undefined)
      assertPositiveInteger(fn, 'validation.patience', validation.patience);
    if (validation.minDelta !== undefined)
      assertNumber(fn, 'validation.minDelta', validation.minDelta, { min: 0 });
    if (validation.testFraction !== undefined) {
      assertNumber(fn, 'validation.testFraction', validation.testFraction, {
        min: 0,
        max: 1,
        minExclusive: true,
        maxExclusive: true,
      });
      const total = (validation.fraction ?? 0.2) + validation.testFraction;
      if (total >= 1) {
        throw new InvalidArgumentError({
          functionName: fn,
          parameter: 'validation.testFraction',
          value: validation.testFraction,
          expected: `a fraction that leaves training rows (validation + test = ${total})`,
        });
      }
    }
  }
  if (options.checkpoint !== undefined) {
    assertPositiveInteger(fn, 'checkpoint.every', options.checkpoint.every);
    if (typeof options.checkpoint.directory !== 'string' || options.checkpoint.directory === '') {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter: 'checkpoint.directory',
        value: options.checkpoint.directory,
        expected: 'a directory path',
      });
    }
  }
  assertCriticServes(options.critic, options.bound, fn);
}

/**
 * `marginalPairs: 'resampled'` replaces the shifted pairs, so it needs a bound that reads them, a
 * critic that scores pairs itself (not through `boundInputs`) and a loop that does not score the
 * whole matrix for histograms or observers, which would read the batch's own pairs instead.
 */
function assertResamplable(options: TrainLoopOptions, fn: string): void {
  const refuse = (parameter: string, value: unknown, expected: string) => {
    throw new InvalidArgumentError({ functionName: fn, parameter, value, expected });
  };
  if (options.bound.reads !== 'shifted-pairs') {
    refuse(
      'marginalPairs',
      options.marginalPairs,
      `'shifted' (the default) for bound '${options.bound.id}', which reads the score matrix; 'resampled' needs a bound that reads shifted pairs (e.g. mine:marginals=shifted)`,
    );
  }
  if (options.critic.boundInputs !== undefined) {
    refuse(
      'marginalPairs',
      options.marginalPairs,
      `'shifted' (the default) for critic '${options.critic.id}', which computes the bound's inputs itself`,
    );
  }
  if ((options.histogramSteps ?? []).length > 0) {
    refuse(
      'histogramSteps',
      options.histogramSteps,
      "no histograms with marginalPairs: 'resampled' (histograms read the batch's score matrix)",
    );
  }
  if (options.observe !== undefined) {
    refuse(
      'observe',
      options.observe,
      "no observer with marginalPairs: 'resampled' (observers read the batch's score matrix)",
    );
  }
}

/**
 * The number of steps a run takes (`steps`, capped at `epochs` passes over a dataset) and K, the
 * reporting window: `windowSize`, by default half the run, at most 1000 batches.
 */
export function planSteps(
  options: Pick<TrainLoopOptions, 'steps' | 'epochs' | 'windowSize'>,
  batchesPerEpoch: number,
): { stepsLimit: number; windowSize: number } {
  const stepsLimit = Math.min(
    options.steps ?? Number.POSITIVE_INFINITY,
    (options.epochs ?? Number.POSITIVE_INFINITY) * batchesPerEpoch,
  );
  const windowSize = options.windowSize ?? Math.max(1, Math.min(1000, Math.ceil(stepsLimit / 2)));
  return { stepsLimit, windowSize };
}
