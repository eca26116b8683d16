import { assertNumber, assertOneOf, assertPositiveInteger } from '@mi/core';
import {
  additivityPairing,
  dataProcessingPairing,
  type ImageSet,
  topRowsPairing,
} from '@mi/datasets';
import { type Dataset, InvalidArgumentError, type PluginSpec } from '@mi/spec';
import { train } from '@mi/train';
import type { BenchmarkContext } from '../benchmark-context';
import { heldOutBoundEstimate } from '../images/held-out-estimate';
import { loadImageSource } from '../images/image-source';
import { memoryMetrics, memorySnapshot } from '../images/memory';
import type { BenchmarkReport } from '../label-benchmark/label-report';
import { runId } from '../records/run-id';
import { type PlannedRun, type RunOutcome, runSweep } from '../run-sweep';
import {
  appliedDefaults,
  type BenchmarkRegistries,
  type BuiltinCriticDefaults,
  type CriticContext,
  createBound,
  createCritic,
  type SpecInput,
  toPluginSpec,
  withDefaultRegistries,
} from '../specs';
import { topRowsClassifierAccuracy } from './reference-classifier';
import { writeSelfConsistencyReport } from './self-consistency-report';

/**
 * The three self-consistency tests of Song & Ermon (2020, §4.2, §6.2, App. B.2):
 * - `independence` (their first setting, Fig. 4): X an image, Y_t its top t rows (the rest zero);
 *   Î(X; Y_t) / Î(X; X) should be 0 at t = 0 and grow with t;
 * - `data-processing` (Fig. 5): [X, X] against [Y_t, h(Y_t)], h keeping the top t − 3 rows;
 *   Î([X, X]; [Y, h(Y)]) / Î(X; Y) should be 1;
 * - `additivity` (Fig. 6): two independent images [X₁, X₂] against [Y₁, Y₂];
 *   Î([X₁, X₂]; [Y₁, Y₂]) / Î(X; Y) should be 2.
 */
export type SelfConsistencyTest = 'independence' | 'data-processing' | 'additivity';

/** The three tests, in the paper's order. */
export const SELF_CONSISTENCY_TESTS: readonly SelfConsistencyTest[] = [
  'independence',
  'data-processing',
  'additivity',
];

/**
 * Options of {@link runSelfConsistencyBenchmark}. Unset options take the default MNIST run's
 * values (`SELF_CONSISTENCY_DEFAULTS` in the source, whose comment gives the sizes and why).
 */
export interface SelfConsistencyOptions {
  /** `mnist` (offline) or `cifar10` (`cifarDirectory` required). */
  readonly dataset?: 'mnist' | 'cifar10';
  readonly cifarDirectory?: string;
  /** Which tests. Default all three. */
  readonly tests?: readonly SelfConsistencyTest[];
  /** Bound specs. Default the paper's discriminative estimators: CPC (`infonce`), MINE, SMILE. */
  readonly bounds?: readonly SpecInput[];
  /**
   * Critic specs, each a column of the figures. `cnn` is the paper's critic (images stacked on
   * channels, every pair through the network); `cnn:head=separable` the cheaper g(x)·h(y) form.
   * Built-in `cnn` critics get `filters`, `denseUnits` and `embeddingSize` below; every critic
   * gets `height`, `width`, `xChannels`, `yChannels` (2 × the image channels for the
   * data-processing and additivity pairs) and `seed`.
   */
  readonly critics?: readonly SpecInput[];
  /** The rows t of Y (0 … image height). Every test uses them; data processing needs t ≥ 3. */
  readonly rows?: readonly number[];
  readonly seeds?: readonly number[];
  /** Passes over the training images. Paper: 2. */
  readonly epochs?: number;
  /** Paper 003 does not say; ReMINE §5.3 uses the same protocol with 16. */
  readonly batchSize?: number;
  /** Adam learning rate. Paper: 1e-4. */
  readonly learningRate?: number;
  /** Training images (a fixed subset); default all. */
  readonly trainSize?: number;
  /** Test images the estimates are computed on (a fixed subset); default all. */
  readonly testSize?: number;
  /** Average-pool the images by this factor (quick runs). Default 1. */
  readonly pool?: number;
  /** Convolution widths of the built-in `cnn` critic. Paper: `[64, 128]`. */
  readonly filters?: readonly number[];
  /** Dense widths of the built-in `cnn` critic. Paper: `[1024]`. */
  readonly denseUnits?: readonly number[];
  /** Embedding size of the built-in separable `cnn` critic. Default 32. */
  readonly embeddingSize?: number;
  /**
   * Train the reference classifier of Fig. 4 (test accuracy from the top t rows alone) for the
   * independence test. It has the layout of the built-in critic and the same epochs, batch size
   * and learning rate. Default `true`.
   */
  readonly reference?: boolean;
  /** Where bound and critic names are looked up (built-ins plus plugins). Default: the built-ins. */
  readonly registries?: BenchmarkRegistries;
}

/**
 * The default run: MNIST, sized to finish within an hour on a 2-core CPU with the native backend.
 * Paper 003's three estimators (CPC, MINE, SMILE τ = 5) with two critics — the paper's stacked
 * `cnn` and its separable form — at half width (convolutions 32-64, dense 256), t ∈ {0, 7, 14,
 * 21, 28}, 3 seeds: 13 trainings per estimator, critic and seed (5 top-row, 4 data-processing,
 * 4 additivity), 234 in all, plus 15 reference classifiers. Each trains 2 epochs (the paper's
 * count) over 1 600 training images at batch size 16 (200 steps) and is scored on 512 test images.
 * Why these sizes: at n = 16 a step of the paper's 64-128-1024 stacked critic costs ~0.3–0.55 s
 * on `tensorflow`, the half-width one ~0.13 s and its separable form ~0.045 s (measured on a
 * shared 2-core machine); the 249 trainings of 200 steps took 36 minutes of training with
 * `tensorflow` on 2 cores (stacked 50–130 ms per step, separable 23–28 ms), under an hour with evaluation; the paper's width would allow only ~50 steps per training. Adam 5e-4 rather
 * than the paper's 1e-4, since 200 steps are 3% of the paper's 7 500.
 */
const SELF_CONSISTENCY_DEFAULTS = {
  dataset: 'mnist',
  tests: SELF_CONSISTENCY_TESTS,
  bounds: ['infonce', 'mine', 'smile:tau=5'],
  critics: ['cnn', 'cnn:head=separable'],
  rows: [0, 7, 14, 21, 28],
  seeds: [1, 2, 3],
  epochs: 2,
  batchSize: 16,
  learningRate: 5e-4,
  trainSize: 1_600,
  testSize: 512,
  pool: 1,
  filters: [32, 64],
  denseUnits: [256],
  embeddingSize: 32,
  reference: true,
} as const satisfies SelfConsistencyOptions;

/**
 * Presets of {@link runSelfConsistencyBenchmark}.
 *
 * `quick`: MNIST pooled to 14 × 14, 256 training and 128 test images, t ∈ {0, 5, 9, 14}, CPC and
 * SMILE, both critic forms at 8-16 filters and 32 dense units, 2 seeds, 2 epochs at batch 16,
 * Adam 3e-3: 80 tiny trainings and 8 reference classifiers, about a minute on 2 cores with
 * `tensorflow` and 1.5 minutes with wasm.
 *
 * `paper`: Song & Ermon's protocol on CIFAR-10 (needs `--cifar-dir`): the paper's critic
 * (64-128 convolutions, dense 1024) stacked and separable, CPC, MINE and SMILE, t every 4 rows,
 * all 50 000 training images for 2 epochs at batch 16 with Adam 1e-4, the 10 000 test images,
 * 5 seeds. 25 trainings per estimator, critic and seed: 750 trainings of 6 250 steps. With
 * `tensorflow` on a shared 2-core machine a stacked-critic step at n = 16 took ~0.55 s on MNIST
 * (more on CIFAR's 3 channels) and a separable one ~0.3 s: ~1 h and ~30 min per training, about
 * a month of CPU for the sweep — run it on a GPU (`tensorflow-gpu`) split into shards.
 *
 * `paperMnist`: the same protocol on MNIST (60 000 images, t every 4 rows up to 28).
 */
export const selfConsistencyPresets = {
  quick: {
    pool: 2,
    rows: [0, 5, 9, 14],
    bounds: ['infonce', 'smile:tau=5'],
    filters: [8, 16],
    denseUnits: [32],
    embeddingSize: 16,
    trainSize: 256,
    testSize: 128,
    learningRate: 3e-3,
  },
  paper: {
    dataset: 'cifar10',
    rows: [0, 4, 8, 12, 16, 20, 24, 28, 32],
    seeds: [1, 2, 3, 4, 5],
    filters: [64, 128],
    denseUnits: [1024],
    learningRate: 1e-4,
    trainSize: undefined,
    testSize: undefined,
  },
  paperMnist: {
    dataset: 'mnist',
    rows: [0, 4, 8, 12, 16, 20, 24, 28],
    seeds: [1, 2, 3, 4, 5],
    filters: [64, 128],
    denseUnits: [1024],
    learningRate: 1e-4,
    trainSize: undefined,
    testSize: undefined,
  },
} as const satisfies Record<string, SelfConsistencyOptions>;

/** How Y is built from X in a training run. */
type Setting = 'top-rows' | 'data-processing' | 'additivity';

interface EstimateRun extends PlannedRun {
  readonly kind: 'estimate';
  readonly setting: Setting;
  readonly rows: number;
  readonly bound: PluginSpec;
  readonly critic: PluginSpec;
  readonly seed: number;
}

interface ClassifierRun extends PlannedRun {
  readonly kind: 'classifier';
  readonly rows: number;
  readonly seed: number;
}

function resolveOptions(options: SelfConsistencyOptions) {
  const fn = 'self-consistency benchmark';
  const d = SELF_CONSISTENCY_DEFAULTS;
  const resolved = {
    dataset: options.dataset ?? d.dataset,
    cifarDirectory: options.cifarDirectory,
    tests: options.tests ?? d.tests,
    bounds: (options.bounds ?? d.bounds).map((s) => toPluginSpec(s, 'bound')),
    critics: (options.critics ?? d.critics).map((s) => toPluginSpec(s, 'critic')),
    rows: [...new Set(options.rows ?? d.rows)].sort((a, b) => a - b),
    seeds: options.seeds ?? d.seeds,
    epochs: options.epochs ?? d.epochs,
    batchSize: options.batchSize ?? d.batchSize,
    learningRate: options.learningRate ?? d.learningRate,
    // A preset sets a size to undefined for all images: a key present but undefined means that.
    trainSize: 'trainSize' in options ? options.trainSize : d.trainSize,
    testSize: 'testSize' in options ? options.testSize : d.testSize,
    pool: options.pool ?? d.pool,
    filters: options.filters ?? d.filters,
    denseUnits: options.denseUnits ?? d.denseUnits,
    embeddingSize: options.embeddingSize ?? d.embeddingSize,
    reference: options.reference ?? d.reference,
    registries: withDefaultRegistries(options.registries),
  };
  assertOneOf(fn, 'dataset', resolved.dataset, ['mnist', 'cifar10'] as const);
  for (const test of resolved.tests) assertOneOf(fn, 'tests', test, SELF_CONSISTENCY_TESTS);
  assertPositiveInteger(fn, 'epochs', resolved.epochs);
  assertNumber(fn, 'batchSize', resolved.batchSize, { min: 2, integer: true });
  assertNumber(fn, 'learningRate', resolved.learningRate, { min: 0, minExclusive: true });
  for (const seed of resolved.seeds) assertNumber(fn, 'seeds', seed, { integer: true });
  for (const t of resolved.rows) assertNumber(fn, 'rows', t, { min: 0, integer: true });
  for (const [name, list] of [
    ['tests', resolved.tests],
    ['bounds', resolved.bounds],
    ['critics', resolved.critics],
    ['rows', resolved.rows],
    ['seeds', resolved.seeds],
  ] as const) {
    if (list.length === 0) {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter: name,
        value: list,
        expected: 'at least one entry',
      });
    }
  }
  return resolved;
}

type Resolved = ReturnType<typeof resolveOptions>;

function builtinDefaults(options: Resolved): BuiltinCriticDefaults {
  return {
    cnn: {
      filters: options.filters,
      denseUnits: options.denseUnits,
      embeddingSize: options.embeddingSize,
    },
  };
}

/** Image channels of each side of a pair: doubled where two images are stacked. */
function criticContext(
  options: Resolved,
  set: ImageSet,
  setting: Setting,
  seed: number,
): CriticContext {
  const channels = setting === 'top-rows' ? set.channels : 2 * set.channels;
  return {
    inputs: {
      kind: 'image',
      height: set.height,
      width: set.width,
      xChannels: channels,
      yChannels: channels,
    },
    seed,
    builtinDefaults: builtinDefaults(options),
  };
}

function pairing(set: ImageSet, setting: Setting, rows: number, seed: number): Dataset {
  if (setting === 'top-rows') return topRowsPairing(set, { rows });
  if (setting === 'data-processing') return dataProcessingPairing(set, { rows });
  return additivityPairing(set, { rows, seed });
}

/**
 * Every training the tests need, without repeats: Î(X; Y_t) at each t (and at t = height, the
 * Î(X; X) of the independence ratio), the data-processing pairs at each t ≥ 3 and the additivity
 * pairs at each t > 0 (at t = 0 both sides of the ratio are 0), per bound, critic and seed; and
 * the reference classifiers at each t per seed.
 */
function planRuns(options: Resolved, height: number, counts: { train: number; test: number }) {
  const tests = new Set(options.tests);
  const rows = options.rows.filter((t) => t <= height);
  const settings: [Setting, number][] = [];
  const baseRows = new Set<number>();
  if (tests.has('independence')) {
    for (const t of rows) baseRows.add(t);
    baseRows.add(height);
  }
  if (tests.has('data-processing')) {
    for (const t of rows.filter((r) => r >= 3)) {
      baseRows.add(t);
      settings.push(['data-processing', t]);
    }
  }
  if (tests.has('additivity')) {
    for (const t of rows.filter((r) => r > 0)) {
      baseRows.add(t);
      settings.push(['additivity', t]);
    }
  }
  const all: [Setting, number][] = [
    ...[...baseRows].sort((a, b) => a - b).map((t): [Setting, number] => ['top-rows', t]),
    ...settings,
  ];
  const steps = options.epochs * Math.floor(counts.train / options.batchSize);
  const shared = {
    dataset: options.dataset,
    imageHeight: height,
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    trainSize: counts.train,
    testSize: counts.test,
    pool: options.pool,
  };
  const runs: (EstimateRun | ClassifierRun)[] = [];
  for (const critic of options.critics) {
    const criticParams = {
      critic: critic.label,
      ...appliedDefaults(options.registries.critics, critic, builtinDefaults(options)),
    };
    for (const bound of options.bounds) {
      for (const seed of options.seeds) {
        for (const [setting, t] of all) {
          const params = { ...shared, setting, rows: t, bound: bound.label, seed, ...criticParams };
          runs.push({
            benchmark: 'self-consistency',
            runId: runId('self-consistency', params),
            params,
            label: `${setting} t=${t} ${bound.label} ${critic.label} seed ${seed}`,
            steps,
            kind: 'estimate',
            setting,
            rows: t,
            bound,
            critic,
            seed,
          });
        }
      }
    }
  }
  if (tests.has('independence') && options.reference) {
    for (const seed of options.seeds) {
      for (const t of rows) {
        const params = {
          ...shared,
          setting: 'classifier',
          rows: t,
          seed,
          filters: options.filters,
          denseUnits: options.denseUnits,
        };
        runs.push({
          benchmark: 'self-consistency',
          runId: runId('self-consistency', params),
          params,
          label: `reference classifier t=${t} seed ${seed}`,
          steps,
          kind: 'classifier',
          rows: t,
          seed,
        });
      }
    }
  }
  return runs;
}

/**
 * Runs the self-consistency tests of Song & Ermon (2020) on MNIST or CIFAR-10 and writes the
 * report: for each critic, bound and seed, one critic trained per pairing and t (Adam, `epochs`
 * passes over the training images), its estimate the bound on the test pairs in chunks of the
 * batch size; the ratios Î(X; Y_t)/Î(X; X), Î([X, X]; [Y, h(Y)])/Î(X; Y) (ideal 1) and
 * Î([X₁, X₂]; [Y₁, Y₂])/Î(X; Y) (ideal 2) are formed per seed from runs of that seed, then
 * averaged with a 95% t interval over seeds. The reference classifier gives Fig. 4's accuracy
 * curve. Records also hold time per step and the tensor count and RSS at each run's start and end.
 * Finished runs are skipped (resume); `context.shard` runs one shard.
 *
 * @example
 * ```ts
 * const folder = await ResultsFolder.open('results/self-consistency');
 * const { report } = await runSelfConsistencyBenchmark(selfConsistencyPresets.quick, { folder });
 * ```
 */
export async function runSelfConsistencyBenchmark(
  options: SelfConsistencyOptions,
  context: BenchmarkContext,
): Promise<BenchmarkReport> {
  const resolved = resolveOptions(options);
  const source = loadImageSource({
    dataset: resolved.dataset,
    cifarDirectory: resolved.cifarDirectory,
    trainSize: resolved.trainSize,
    testSize: resolved.testSize,
    pool: resolved.pool,
  });
  const { train: trainSet, test: testSet } = source;
  assertNumber('self-consistency benchmark', 'batchSize', resolved.batchSize, {
    min: 2,
    max: Math.min(trainSet.count, testSet.count),
    integer: true,
  });
  const outside = resolved.rows.filter((t) => t > trainSet.height);
  if (outside.length > 0) {
    throw new InvalidArgumentError({
      functionName: 'self-consistency benchmark',
      parameter: 'rows',
      value: resolved.rows,
      expected: `rows in [0, ${trainSet.height}] (the image height${resolved.pool > 1 ? ` after pooling ×${resolved.pool}` : ''})`,
    });
  }
  // Fail before training on a bad bound or critic.
  for (const bound of resolved.bounds) createBound(resolved.registries.bounds, bound);
  for (const critic of resolved.critics) {
    for (const setting of ['top-rows', 'additivity'] as const) {
      createCritic(
        resolved.registries.critics,
        critic,
        criticContext(resolved, trainSet, setting, 0),
      ).dispose();
    }
  }
  const runs = planRuns(resolved, trainSet.height, { train: trainSet.count, test: testSet.count });
  await runSweep(runs, context, async (run) => {
    const start = memorySnapshot();
    if (run.kind === 'classifier') {
      const started = performance.now();
      const accuracy = await topRowsClassifierAccuracy(trainSet, testSet, run.rows, {
        filters: resolved.filters,
        denseUnits: resolved.denseUnits,
        epochs: resolved.epochs,
        batchSize: resolved.batchSize,
        learningRate: resolved.learningRate,
        seed: run.seed,
        signal: context.signal,
      });
      if (accuracy === undefined) return undefined;
      return {
        metrics: {
          accuracy,
          seconds: (performance.now() - started) / 1000,
          ...memoryMetrics(start, memorySnapshot()),
        },
      };
    }
    const critic = createCritic(
      resolved.registries.critics,
      run.critic,
      criticContext(resolved, trainSet, run.setting, run.seed),
    );
    let outcome: RunOutcome | undefined;
    try {
      const bound = createBound(resolved.registries.bounds, run.bound);
      const result = await train({
        critic,
        bound,
        data: pairing(trainSet, run.setting, run.rows, run.seed),
        epochs: resolved.epochs,
        batchSize: resolved.batchSize,
        seed: run.seed,
        optimizer: { kind: 'adam', learningRate: resolved.learningRate },
        onNonFinite: 'skip',
        ...(context.signal ? { signal: context.signal } : {}),
        callbacks: { onStep: (report) => context.onStep?.(report) },
      });
      if (result.stopReason === 'aborted') return undefined;
      const heldOut = await heldOutBoundEstimate({
        critic,
        bound,
        data: pairing(testSet, run.setting, run.rows, run.seed),
        batchSize: resolved.batchSize,
        seed: run.seed,
      });
      outcome = {
        metrics: {
          estimate: heldOut.mean,
          estimateStandardError: heldOut.standardError,
          nonFiniteChunks: heldOut.nonFinite,
          trainEstimate: Number.isFinite(result.estimates.macro) ? result.estimates.macro : null,
          steps: result.steps,
          skippedSteps: result.skippedSteps.length,
          seconds: result.seconds,
          msPerStep: (1000 * result.seconds) / Math.max(1, result.steps),
        },
        trace: {
          step: result.traces.step,
          estimate: result.traces.estimate,
          ema: result.traces.ema,
        },
      };
    } finally {
      critic.dispose();
    }
    return {
      ...outcome,
      metrics: { ...outcome.metrics, ...memoryMetrics(start, memorySnapshot()) },
    };
  });
  return writeSelfConsistencyReport(context.folder);
}
