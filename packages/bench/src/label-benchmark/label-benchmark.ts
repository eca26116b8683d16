import { assertNumber, assertOneOf, assertPositiveInteger } from '@mi/core';
import type { NeuralCritic } from '@mi/critics';
import {
  contrastivePairing,
  type ImageSet,
  imageTensor,
  type LabelKind,
  labelEntropy,
  supervisedPairing,
} from '@mi/datasets';
import { type Dataset, InvalidArgumentError, NonFiniteEstimateError } from '@mi/spec';
import { train } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import type { BenchmarkContext } from '../benchmark-context';
import type { runClbBenchmark } from '../clb/clb-benchmark';
import { heldOutBoundEstimate } from '../images/held-out-estimate';
import { type ImageDatasetName, loadImageSource } from '../images/image-source';
import { memoryMetrics, memorySnapshot } from '../images/memory';
import { runId } from '../records/run-id';
import { type PlannedRun, type RunOutcome, runSweep } from '../run-sweep';
import type { runSlbBenchmark } from '../slb/slb-benchmark';
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
import { type AugmentationKind, augmentedDataset } from './augment';
import { type BoundRun, expandLambdas, TABLE1_BOUNDS } from './bound-families';
import { perfectClassifierEstimate } from './ideal-values';
import { accuracy, nearestNeighbourLabels } from './nearest-neighbour';

/** Which of Choi & Lee's two benchmarks: supervised (SLB) or contrastive (CLB). */
export type LabelBenchmarkKind = 'slb' | 'clb';

/**
 * Options of {@link runSlbBenchmark} and {@link runClbBenchmark} (the SLB and CLB of Choi & Lee
 * 2022 §5). Unset options take each benchmark's default MNIST run (sized in the source beside
 * `slbPresets` and `clbPresets`); the defaults below are those of either benchmark.
 */
export interface LabelBenchmarkOptions {
  /** `mnist` (default, offline), `cifar10` or `cifar100` (`cifarDirectory` required). */
  readonly dataset?: ImageDatasetName;
  /** Folder of the CIFAR binary files. */
  readonly cifarDirectory?: string;
  /** CIFAR-100's `fine` (default) or `coarse` labels. */
  readonly labels?: LabelKind;
  /**
   * Bound specs. Default: the twelve losses of paper 004 Table 1, each beside its regularised
   * counterpart (`dv`/`remine`, `smile-dv:tau=10`/`resmile`, `infonce`/`reinfonce`,
   * `nwj`/`renwj`, `tuba`/`retuba`, `js`/`rejs`).
   */
  readonly bounds?: readonly SpecInput[];
  /**
   * λ of the regularised bounds whose spec does not set one: one run per λ. Paper 004 §5.2 keeps
   * the best of {0.1, 0.01, 0.001} per loss (the `paper` presets); Fig. 6 sweeps it
   * (1, 0.1, 0.01, 0.001). Default `[0.1]`.
   */
  readonly lambdas?: readonly number[];
  /**
   * The critic, a spec the critic registry resolves. Default `resnet18`, which the benchmark gives
   * `head: 'slb'` and `classes` (SLB: T = f(x)·o(y)) or `head: 'clb'` and `embeddingSize`
   * (CLB: T = f(x₁)·f(x₂)), plus `widths`. A plugin critic gets `height`, `width`, `xChannels`,
   * `yChannels` (= xChannels) and `seed`; for the SLB its y is one-hot label rows.
   */
  readonly critic?: SpecInput;
  /** Stage widths of the built-in ResNet-18. Default `[64, 128, 256, 512]` (ResNet-18 itself). */
  readonly widths?: readonly number[];
  /** Size of f(x) of the built-in CLB critic. Default 128. */
  readonly embeddingSize?: number;
  /** One run per seed and bound. Default `[1, 2]`. */
  readonly seeds?: readonly number[];
  /** Passes over the training images. */
  readonly epochs?: number;
  /** Batch size n. */
  readonly batchSize?: number;
  /** Adam learning rate. Default 1e-3 (the authors' code: `torch.optim.Adam` at its default). */
  readonly learningRate?: number;
  /** Training images used (a fixed subset); default all. */
  readonly trainSize?: number;
  /** Test images used (a fixed subset); default all. */
  readonly testSize?: number;
  /** Average-pool the images by this factor (quick runs). Default 1. */
  readonly pool?: number;
  /** CLB only: augment both views of every training pair (`shift` or `crop-flip`). Default `none`. */
  readonly augment?: 'none' | AugmentationKind;
  /** Where bound and critic names are looked up (built-ins plus plugins). Default: the built-ins. */
  readonly registries?: BenchmarkRegistries;
}

/** λ values of the ablation (paper 004 Fig. 6): the §5.2 grid and λ = 1 of §5.3. */
export const LAMBDA_ABLATION = [1, 0.1, 0.01, 0.001] as const;

const LABEL_DEFAULTS = {
  dataset: 'mnist',
  bounds: TABLE1_BOUNDS,
  lambdas: [0.1],
  critic: 'resnet18',
  widths: [64, 128, 256, 512],
  embeddingSize: 128,
  seeds: [1, 2, 3],
  epochs: 1,
  batchSize: 64,
  learningRate: 1e-3,
  pool: 1,
  augment: 'none',
} as const;

/** One planned run: one bound (with its λ), one seed. */
interface LabelRun extends PlannedRun {
  readonly bound: BoundRun;
  readonly seed: number;
}

function resolveLabelOptions(kind: LabelBenchmarkKind, options: LabelBenchmarkOptions) {
  const fn = `${kind} benchmark`;
  const d = LABEL_DEFAULTS;
  const registries = withDefaultRegistries(options.registries);
  const resolved = {
    kind,
    dataset: options.dataset ?? d.dataset,
    cifarDirectory: options.cifarDirectory,
    labels: options.labels ?? 'fine',
    bounds: (options.bounds ?? d.bounds).map((spec) => toPluginSpec(spec, 'bound')),
    lambdas: options.lambdas ?? d.lambdas,
    critic: toPluginSpec(options.critic ?? d.critic, 'critic'),
    widths: options.widths ?? d.widths,
    embeddingSize: options.embeddingSize ?? d.embeddingSize,
    seeds: options.seeds ?? d.seeds,
    epochs: options.epochs ?? d.epochs,
    batchSize: options.batchSize ?? d.batchSize,
    learningRate: options.learningRate ?? d.learningRate,
    trainSize: options.trainSize,
    testSize: options.testSize,
    pool: options.pool ?? d.pool,
    augment: options.augment ?? d.augment,
    registries,
  };
  assertOneOf(fn, 'dataset', resolved.dataset, ['mnist', 'cifar10', 'cifar100'] as const);
  assertOneOf(fn, 'labels', resolved.labels, ['fine', 'coarse'] as const);
  assertOneOf(fn, 'augment', resolved.augment, ['none', 'shift', 'crop-flip'] as const);
  if (kind === 'slb' && resolved.augment !== 'none') {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'augment',
      value: resolved.augment,
      expected: "'none' (augmented views are a variant of the contrastive benchmark)",
    });
  }
  assertPositiveInteger(fn, 'epochs', resolved.epochs);
  assertNumber(fn, 'batchSize', resolved.batchSize, { min: 2, integer: true });
  assertNumber(fn, 'learningRate', resolved.learningRate, { min: 0, minExclusive: true });
  assertPositiveInteger(fn, 'embeddingSize', resolved.embeddingSize);
  for (const seed of resolved.seeds) assertNumber(fn, 'seeds', seed, { integer: true });
  for (const lambda of resolved.lambdas) assertNumber(fn, 'lambdas', lambda, { min: 0 });
  if (resolved.seeds.length === 0) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'seeds',
      value: resolved.seeds,
      expected: 'at least one seed',
    });
  }
  // The built-in ResNet-18 must keep the head this benchmark scores with.
  const head = resolved.critic.options['head'];
  if (resolved.critic.id === 'resnet18' && head !== undefined && head !== kind) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'critic',
      value: resolved.critic.label,
      expected: `head '${kind}' (or none: the benchmark sets it)`,
    });
  }
  const boundRuns = expandLambdas(resolved.bounds, resolved.lambdas, registries);
  return { ...resolved, boundRuns };
}

type ResolvedLabelOptions = ReturnType<typeof resolveLabelOptions>;

function builtinDefaults(options: ResolvedLabelOptions, classes: number): BuiltinCriticDefaults {
  return {
    resnet18:
      options.kind === 'slb'
        ? { head: 'slb', classes, widths: options.widths }
        : { head: 'clb', embeddingSize: options.embeddingSize, widths: options.widths },
  };
}

function criticContext(
  options: ResolvedLabelOptions,
  set: ImageSet,
  classes: number,
  seed: number,
): CriticContext {
  return {
    inputs: {
      kind: 'image',
      height: set.height,
      width: set.width,
      xChannels: set.channels,
      yChannels: set.channels,
    },
    seed,
    builtinDefaults: builtinDefaults(options, classes),
  };
}

/** The label vector and class count a run uses (CIFAR-100's coarse labels when asked). */
function labelsOf(set: ImageSet, kind: LabelKind): { labels: Uint8Array; classes: number } {
  return kind === 'coarse' && set.coarseLabels !== undefined && set.coarseClasses !== undefined
    ? { labels: set.coarseLabels, classes: set.coarseClasses }
    : { labels: set.labels, classes: set.classes };
}

/**
 * Runs the supervised (SLB) or contrastive (CLB) learning benchmark of Choi & Lee (2022, §5) and
 * writes its report. For each bound (and λ of a regularised bound) and seed, one critic is trained
 * for `epochs` passes over the training images with Adam, then scored on the test images:
 *
 * - SLB: T(x, y) = f(x)·o(y), f a classifier's logits and o(y) the one-hot label (Theorem 7:
 *   I(X; Y) = H(Y)); test accuracy = argmax_y f(x)·o(y).
 * - CLB: T(x₁, x₂) = f(x₁)·f(x₂), x₂ another image of x₁'s class (Theorem 8: I(X₁; X₂) = H(Y));
 *   test accuracy = label of the training image whose embedding has the largest dot product with
 *   the test image's (computed block by block); `augment` adds random views of both images.
 *
 * The MI estimate is the bound on the test pairs, in chunks of the batch size with the final
 * weights; the mean over the last epoch's training batches is recorded too. Each record also
 * holds H(Y) from the training labels, what a perfect classifier scores at the batch size, the
 * time per step, and the tensor count and RSS at the start and end of the run.
 */
export async function runLabelBenchmark(
  kind: LabelBenchmarkKind,
  options: LabelBenchmarkOptions,
  context: BenchmarkContext,
): Promise<void> {
  const resolved = resolveLabelOptions(kind, options);
  const source = loadImageSource({
    dataset: resolved.dataset,
    cifarDirectory: resolved.cifarDirectory,
    trainSize: resolved.trainSize,
    testSize: resolved.testSize,
    pool: resolved.pool,
  });
  const { labels: trainLabels, classes } = labelsOf(source.train, resolved.labels);
  const { labels: testLabels } = labelsOf(source.test, resolved.labels);
  assertNumber(`${kind} benchmark`, 'batchSize', resolved.batchSize, {
    min: 2,
    max: Math.min(source.train.count, source.test.count),
    integer: true,
  });
  // Fail before training on a bad bound or critic (the critic built once on these images), or,
  // for the CLB, a class with a single image in either split (it has no partner).
  if (kind === 'clb') {
    contrastivePairing(source.train, { seed: 0, labels: resolved.labels });
    contrastivePairing(source.test, { seed: 0, labels: resolved.labels });
  }
  for (const bound of resolved.boundRuns) createBound(resolved.registries.bounds, bound.spec);
  createCritic(
    resolved.registries.critics,
    resolved.critic,
    criticContext(resolved, source.train, classes, 0),
  ).dispose();

  const idealMI = labelEntropy(trainLabels, classes);
  const perfect = perfectClassifierEstimate(trainLabels, classes, resolved.batchSize);
  const critic = {
    critic: resolved.critic.label,
    ...appliedDefaults(
      resolved.registries.critics,
      resolved.critic,
      builtinDefaults(resolved, classes),
    ),
  };
  const runs: LabelRun[] = [];
  for (const bound of resolved.boundRuns) {
    for (const seed of resolved.seeds) {
      const params = {
        dataset: resolved.dataset,
        ...(resolved.dataset === 'cifar100' ? { labels: resolved.labels } : {}),
        bound: bound.spec.label,
        seed,
        epochs: resolved.epochs,
        batchSize: resolved.batchSize,
        learningRate: resolved.learningRate,
        trainSize: source.train.count,
        testSize: source.test.count,
        pool: resolved.pool,
        ...(kind === 'clb' ? { augment: resolved.augment } : {}),
        ...critic,
      };
      runs.push({
        benchmark: kind,
        runId: runId(kind, params),
        params: { ...params, lambda: bound.lambda ?? null, boundId: bound.spec.id },
        label: `${kind} ${resolved.dataset} ${bound.spec.label} seed ${seed}`,
        steps: resolved.epochs * Math.floor(source.train.count / resolved.batchSize),
        bound,
        seed,
      });
    }
  }

  const testPairing = (seed: number): Dataset =>
    kind === 'slb'
      ? supervisedPairing(source.test, { labels: resolved.labels })
      : contrastivePairing(source.test, { seed, labels: resolved.labels });

  await runSweep(runs, context, async (run) => {
    const start = memorySnapshot();
    let outcome: RunOutcome | undefined;
    const model = createCritic(
      resolved.registries.critics,
      resolved.critic,
      criticContext(resolved, source.train, classes, run.seed),
    );
    try {
      const pairing =
        kind === 'slb'
          ? supervisedPairing(source.train, { labels: resolved.labels })
          : contrastivePairing(source.train, { seed: run.seed, labels: resolved.labels });
      const data =
        resolved.augment === 'none'
          ? pairing
          : augmentedDataset(pairing, { kind: resolved.augment, seed: run.seed });
      const bound = createBound(resolved.registries.bounds, run.bound.spec);
      const metrics: Record<string, number | null> = {
        idealMI,
        perfectClassifierMI: perfect,
        ceiling: finiteOrNull(bound.ceiling(resolved.batchSize) ?? Number.NaN),
      };
      let traces: { step: Int32Array; estimate: Float32Array; ema: Float32Array } | undefined;
      try {
        const result = await train({
          critic: model,
          bound,
          data,
          epochs: resolved.epochs,
          batchSize: resolved.batchSize,
          seed: run.seed,
          optimizer: { kind: 'adam', learningRate: resolved.learningRate },
          onNonFinite: 'skip',
          ...(context.signal ? { signal: context.signal } : {}),
          callbacks: { onStep: (report) => context.onStep?.(report) },
        });
        if (result.stopReason === 'aborted') return undefined;
        traces = result.traces;
        const perEpoch = Math.max(1, Math.ceil(result.steps / resolved.epochs));
        const lastEpoch = result.traces.estimate.filter(
          (_v, k) => (result.traces.step[k] as number) >= result.steps - perEpoch,
        );
        Object.assign(metrics, {
          trainMI: lastEpoch.length > 0 ? mean(lastEpoch) : null,
          steps: result.steps,
          skippedSteps: result.skippedSteps.length,
          seconds: result.seconds,
          msPerStep: (1000 * result.seconds) / Math.max(1, result.steps),
          diverged: 0,
        });
      } catch (error) {
        // Every step was non-finite: the run diverged at once (paper 004 reports such runs as 0).
        if (!NonFiniteEstimateError.isInstance(error)) throw error;
        Object.assign(metrics, { trainMI: null, diverged: 1 });
      }
      const heldOut = await heldOutBoundEstimate({
        critic: model,
        bound,
        data: testPairing(run.seed),
        batchSize: resolved.batchSize,
        seed: run.seed,
      });
      Object.assign(metrics, {
        testMI: heldOut.mean,
        testMIStandardError: heldOut.standardError,
        testChunksNonFinite: heldOut.nonFinite,
        accuracy:
          kind === 'slb'
            ? await slbAccuracy(model, source.test, testLabels, classes, resolved.batchSize)
            : await clbAccuracy(model, source, trainLabels, testLabels, resolved.batchSize),
      });
      if (heldOut.mean === null) metrics['diverged'] = 1;
      outcome = {
        metrics,
        ...(traces
          ? { trace: { step: traces.step, estimate: traces.estimate, ema: traces.ema } }
          : {}),
      };
    } finally {
      model.dispose();
    }
    if (outcome === undefined) return undefined;
    return {
      ...outcome,
      metrics: { ...outcome.metrics, ...memoryMetrics(start, memorySnapshot()) },
    };
  });
}

/** f(x) of every image of `set`, `chunk` images at a time, in inference mode. */
function embedAll(
  critic: NeuralCritic & { embed(x: tf.Tensor): tf.Tensor2D },
  set: ImageSet,
  chunk: number,
) {
  const parts: tf.Tensor2D[] = [];
  for (let from = 0; from < set.count; from += chunk) {
    const indices = Array.from({ length: Math.min(chunk, set.count - from) }, (_v, k) => from + k);
    const images = imageTensor(set, indices);
    parts.push(critic.embed(images));
    images.dispose();
  }
  const all = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return all;
}

function hasEmbed(
  critic: NeuralCritic,
): critic is NeuralCritic & { embed(x: tf.Tensor): tf.Tensor2D } {
  return typeof (critic as { embed?: unknown }).embed === 'function';
}

/**
 * SLB test accuracy: ŷ = argmax_y f(x)·o(y). With the critic's `embed` (the logits f(x)) one pass
 * per image; otherwise T(x, y) for every class y through `pairs`, one pass per class.
 */
async function slbAccuracy(
  critic: NeuralCritic,
  test: ImageSet,
  labels: Uint8Array,
  classes: number,
  chunk: number,
): Promise<number> {
  critic.setTraining(false);
  const predicted = new Int32Array(test.count);
  for (let from = 0; from < test.count; from += chunk) {
    const count = Math.min(chunk, test.count - from);
    const indices = Array.from({ length: count }, (_v, k) => from + k);
    const images = imageTensor(test, indices);
    const best = tf.tidy(() => {
      if (hasEmbed(critic)) return tf.argMax(critic.embed(images), 1);
      const columns = Array.from({ length: classes }, (_v, c) => {
        // One-hot rows built on the host (wasm's float32 oneHot gives zeros).
        const rows = new Float32Array(count * classes);
        for (let i = 0; i < count; i++) rows[i * classes + c] = 1;
        return critic.pairs(images, tf.tensor2d(rows, [count, classes]));
      });
      return tf.argMax(tf.stack(columns, 1), 1);
    });
    predicted.set(await best.data(), from);
    tf.dispose([images, best]);
  }
  return accuracy(predicted, labels);
}

/** CLB test accuracy by the nearest training embedding; `null` for a critic without `embed`. */
async function clbAccuracy(
  critic: NeuralCritic,
  source: { readonly train: ImageSet; readonly test: ImageSet },
  trainLabels: Uint8Array,
  testLabels: Uint8Array,
  chunk: number,
): Promise<number | null> {
  if (!hasEmbed(critic)) return null;
  critic.setTraining(false);
  const size = Math.max(chunk, 256);
  const trainEmbeddings = embedAll(critic, source.train, size);
  const testEmbeddings = embedAll(critic, source.test, size);
  try {
    const predicted = await nearestNeighbourLabels({
      trainEmbeddings,
      trainLabels,
      testEmbeddings,
    });
    return accuracy(predicted, testLabels);
  } finally {
    tf.dispose([trainEmbeddings, testEmbeddings]);
  }
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += values[k] as number;
  return sum / values.length;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
