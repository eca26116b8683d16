import { assertNumber, assertOneOf, assertPositiveInteger } from '@mi/core';
import { gaussianStaircase } from '@mi/datasets';
import type { PluginSpec } from '@mi/spec';
import { train } from '@mi/train';
import type { BenchmarkContext } from '../benchmark-context';
import { runId } from '../records/run-id';
import { type PlannedRun, runSweep } from '../run-sweep';
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
import { biasVariance, finiteOrNull } from '../stats/bias-variance';
import { writeGaussianReport } from './gaussian-report';
import type { PeerRow } from './peer-results';

/** Options of {@link runGaussianBenchmark}; defaults are Song & Ermon's (2020) App. B.1 setting. */
export interface GaussianBenchmarkOptions {
  /** `gaussian` or `cubic` (y ↦ y³). */
  readonly task?: 'gaussian' | 'cubic';
  /** Bounds to compare: ids with options, e.g. `['nwj', 'infonce', 'smile:tau=5']`. */
  readonly bounds?: readonly SpecInput[];
  /**
   * The critic, a spec the critic registry resolves: `joint` (default), `separable`,
   * `joint:hiddenUnits=512,512`, or a plugin's id. Every critic gets `xFeatures`, `yFeatures`
   * (the dimension) and `seed`; `hiddenUnits` and `embeddingSize` below reach only the built-in
   * `joint` and `separable` critics.
   */
  readonly critic?: SpecInput;
  /** One run per seed and bound. Default `[1]`. */
  readonly seeds?: readonly number[];
  /** d, coordinates of x and of y. Default 20. */
  readonly dimension?: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** MI levels in nats. Default 2, 4, 6, 8, 10. */
  readonly levels?: readonly number[];
  /** Default 4000. */
  readonly stepsPerLevel?: number;
  /** Adam learning rate. Default 5e-4. */
  readonly learningRate?: number;
  /** Hidden widths of the built-in joint and separable critics. Default [256, 256]. */
  readonly hiddenUnits?: readonly number[];
  /** Embedding size of the built-in separable critic. Default 32. */
  readonly embeddingSize?: number;
  /** Statistics over the last half of each level (default), the whole level, or its last k steps. */
  readonly window?: 'last-half' | 'all' | number;
  /** Where bound and critic names are looked up (built-ins plus plugins). Default: the built-ins. */
  readonly registries?: BenchmarkRegistries;
  /** Reference rows (e.g. {@link readPeerResults}) to print beside ours under the same protocol. */
  readonly peers?: readonly PeerRow[];
}

/** The defaults of {@link GaussianBenchmarkOptions}: the papers' protocol. */
const GAUSSIAN_DEFAULTS = {
  task: 'gaussian',
  bounds: ['nwj', 'infonce', 'js', 'smile:tau=5', 'remine'],
  critic: 'joint',
  seeds: [1],
  dimension: 20,
  batchSize: 64,
  levels: [2, 4, 6, 8, 10],
  stepsPerLevel: 4000,
  learningRate: 5e-4,
  hiddenUnits: [256, 256],
  embeddingSize: 32,
  window: 'last-half',
} as const satisfies GaussianBenchmarkOptions;

/**
 * Presets of {@link runGaussianBenchmark} that override some defaults.
 *
 * `quick`: batch 64 and all five levels (2 → 10 nats), but d = 5 instead of 20 (300 steps per
 * level are too few for a 20-D critic: at d = 20 the estimates stay below half the truth), a
 * separable critic of 64-64 → 16 and Adam 2e-3, for three bounds: about 35 s on wasm on a
 * 2-core machine. The numbers are a first look, not a comparison with the papers (which use the
 * defaults).
 */
export const gaussianPresets = {
  quick: {
    bounds: ['nwj', 'infonce', 'smile:tau=5'],
    critic: 'separable',
    dimension: 5,
    stepsPerLevel: 300,
    hiddenUnits: [64, 64],
    embeddingSize: 16,
    learningRate: 2e-3,
  },
} as const satisfies Record<string, GaussianBenchmarkOptions>;

/** One planned run of the sweep. */
interface GaussianRun extends PlannedRun {
  readonly bound: PluginSpec;
  readonly seed: number;
}

/** The options with defaults applied and validated; bounds and critic resolved once. */
function resolveGaussianOptions(options: GaussianBenchmarkOptions = {}) {
  const fn = 'gaussian benchmark';
  const d = GAUSSIAN_DEFAULTS;
  const resolved = {
    task: options.task ?? d.task,
    bounds: (options.bounds ?? d.bounds).map((spec) => toPluginSpec(spec, 'bound')),
    critic: toPluginSpec(options.critic ?? d.critic, 'critic'),
    seeds: options.seeds ?? d.seeds,
    dimension: options.dimension ?? d.dimension,
    batchSize: options.batchSize ?? d.batchSize,
    levels: options.levels ?? d.levels,
    stepsPerLevel: options.stepsPerLevel ?? d.stepsPerLevel,
    learningRate: options.learningRate ?? d.learningRate,
    window: options.window ?? d.window,
    registries: withDefaultRegistries(options.registries),
    builtinDefaults: {
      joint: { hiddenUnits: options.hiddenUnits ?? d.hiddenUnits },
      separable: {
        hiddenUnits: options.hiddenUnits ?? d.hiddenUnits,
        embeddingSize: options.embeddingSize ?? d.embeddingSize,
      },
    } satisfies BuiltinCriticDefaults,
  } as const;
  assertOneOf(fn, 'task', resolved.task, ['gaussian', 'cubic']);
  assertPositiveInteger(fn, 'dimension', resolved.dimension);
  assertNumber(fn, 'batchSize', resolved.batchSize, { min: 2, integer: true });
  assertPositiveInteger(fn, 'stepsPerLevel', resolved.stepsPerLevel);
  assertNumber(fn, 'learningRate', resolved.learningRate, { min: 0, minExclusive: true });
  for (const seed of resolved.seeds) assertNumber(fn, 'seeds', seed, { integer: true });
  for (const level of resolved.levels)
    assertNumber(fn, 'levels', level, { min: 0, minExclusive: true });
  if (typeof resolved.window === 'number') assertPositiveInteger(fn, 'window', resolved.window);
  else assertOneOf(fn, 'window', resolved.window, ['last-half', 'all']);
  // Fail before any training on an unknown bound or critic, or bad options of either.
  for (const bound of resolved.bounds) createBound(resolved.registries.bounds, bound);
  createCritic(resolved.registries.critics, resolved.critic, criticContext(resolved, 0)).dispose();
  return resolved;
}

type ResolvedGaussianOptions = ReturnType<typeof resolveGaussianOptions>;

function criticContext(options: ResolvedGaussianOptions, seed: number): CriticContext {
  return {
    inputs: { kind: 'tabular', xFeatures: options.dimension, yFeatures: options.dimension },
    seed,
    builtinDefaults: options.builtinDefaults,
  };
}

/** Every run of the sweep (bounds × seeds), with deterministic ids. */
function planGaussianRuns(options: ResolvedGaussianOptions, totalSteps: number): GaussianRun[] {
  const runs: GaussianRun[] = [];
  // The critic's label, and the built-in defaults it was given (hiddenUnits of the joint critic;
  // also embeddingSize of the separable one): the same parameters, and so the same run ids, as
  // before critics were specs.
  const critic = {
    critic: options.critic.label,
    ...appliedDefaults(options.registries.critics, options.critic, options.builtinDefaults),
  };
  for (const bound of options.bounds) {
    for (const seed of options.seeds) {
      const params = {
        task: options.task,
        bound: bound.label,
        seed,
        dimension: options.dimension,
        batchSize: options.batchSize,
        levels: options.levels,
        stepsPerLevel: options.stepsPerLevel,
        learningRate: options.learningRate,
        ...critic,
      };
      runs.push({
        benchmark: 'gaussian',
        runId: runId('gaussian', params),
        // The window changes the statistics, not the training: it is recorded, not hashed.
        params: { ...params, window: String(options.window) },
        label: `${options.task}/${options.critic.label}/${bound.label} seed ${seed}`,
        steps: totalSteps,
        bound,
        seed,
      });
    }
  }
  return runs;
}

/** The steps of level `level` that the statistics use. */
export function levelWindow(
  level: number,
  stepsPerLevel: number,
  window: 'last-half' | 'all' | number,
): [number, number] {
  const end = (level + 1) * stepsPerLevel;
  const start = level * stepsPerLevel;
  if (window === 'all') return [start, end];
  if (window === 'last-half') return [start + Math.floor(stepsPerLevel / 2), end];
  return [Math.max(start, end - window), end];
}

/**
 * The Gaussian (or Cubic) staircase of Song & Ermon (2020, §6.1, App. B.1), also ReMINE's
 * Table 1: one critic trained through MI = 2, 4, 6, 8, 10 nats, 4000 steps each, batch 64,
 * Adam 5e-4, for each bound and seed. Each finished run is appended to `results.jsonl` with the
 * bias, variance and MSE of its per-step estimates over the window of each level; finished runs
 * are skipped (resume); `shard` keeps every N-th run. Writes `report.md` (tables laid out like
 * S&E Table 2 / ReMINE Table 1, published numbers beside ours) and the estimate-vs-step figure.
 *
 * @example
 * ```ts
 * const folder = await ResultsFolder.open('results/gaussian');
 * const { tables } = await runGaussianBenchmark(gaussianPresets.quick, { folder });
 * ```
 */
export async function runGaussianBenchmark(
  options: GaussianBenchmarkOptions,
  context: BenchmarkContext,
) {
  const resolved = resolveGaussianOptions(options);
  const stairs = gaussianStaircase({
    dimension: resolved.dimension,
    levels: resolved.levels,
    stepsPerLevel: resolved.stepsPerLevel,
    transform: resolved.task === 'cubic' ? 'cubic' : 'identity',
  });
  const runs = planGaussianRuns(resolved, stairs.totalSteps);
  await runSweep(runs, context, async (run) => {
    const critic = createCritic(
      resolved.registries.critics,
      resolved.critic,
      criticContext(resolved, run.seed),
    );
    try {
      const result = await train({
        critic,
        bound: createBound(resolved.registries.bounds, run.bound),
        data: stairs.samplerAt(0),
        schedule: stairs.schedule,
        steps: stairs.totalSteps,
        batchSize: resolved.batchSize,
        seed: run.seed,
        optimizer: { kind: 'adam', learningRate: resolved.learningRate },
        onNonFinite: 'skip',
        ...(context.signal ? { signal: context.signal } : {}),
        callbacks: { onStep: (report) => context.onStep?.(report) },
      });
      if (result.stopReason === 'aborted') return undefined;
      const metrics: Record<string, number | null> = {
        seconds: result.seconds,
        msPerStep: (1000 * result.seconds) / Math.max(1, result.steps),
        skippedSteps: result.skippedSteps.length,
      };
      // Stats by step number (skipped, non-finite steps are left out of the traces).
      const byStep = new Float64Array(stairs.totalSteps).fill(Number.NaN);
      result.traces.step.forEach((s, k) => {
        byStep[s] = result.traces.estimate[k] as number;
      });
      for (const [name, window] of [
        ['', resolved.window],
        ['all:', 'all'],
      ] as const) {
        resolved.levels.forEach((level, index) => {
          const [from, to] = levelWindow(index, resolved.stepsPerLevel, window);
          const values = Array.from(byStep.subarray(from, to)).filter(Number.isFinite);
          const stats = biasVariance(values, level);
          metrics[`${name}bias@${level}`] = finiteOrNull(stats.bias);
          metrics[`${name}variance@${level}`] = finiteOrNull(stats.variance);
          metrics[`${name}mse@${level}`] = finiteOrNull(stats.mse);
        });
      }
      return {
        metrics,
        trace: {
          step: result.traces.step,
          estimate: result.traces.estimate,
          ema: result.traces.ema,
          trueMI: result.traces.trueMI,
          ceiling: result.ceiling ?? Number.NaN,
        },
      };
    } finally {
      critic.dispose();
    }
  });
  return writeGaussianReport(context.folder, { peers: options.peers ?? [] });
}
