import { type BoundRegistry, createBoundRegistry } from '@mi/bounds';
import { assertNumber, assertOneOf, assertPositiveInteger } from '@mi/core';
import { jointCritic, separableCritic } from '@mi/critics';
import { gaussianStaircase } from '@mi/datasets';
import type { BenchmarkRecord, Critic } from '@mi/spec';
import { train } from '@mi/train';
import type { BenchmarkContext } from '../benchmark-context';
import { type BoundSpec, createBoundFromSpec, parseBoundSpec } from '../bound-spec';
import { benchmarkEnvironment } from '../environment';
import { runId } from '../records/run-id';
import { selectShard } from '../records/shard';
import { biasVariance } from '../stats/bias-variance';
import { writeGaussianReport } from './gaussian-report';
import type { PeerRow } from './peer-results';

/** Which critic the staircase trains. */
export type StaircaseCritic = 'joint' | 'separable';

/** Options of {@link runGaussianBenchmark}; defaults are Song & Ermon's (2020) App. B.1 setting. */
export interface GaussianBenchmarkOptions {
  /** `gaussian` or `cubic` (y ↦ y³). */
  readonly task?: 'gaussian' | 'cubic';
  /** Bounds to compare: ids with options, e.g. `['nwj', 'infonce', 'smile:tau=5']`. */
  readonly bounds?: readonly string[];
  readonly critic?: StaircaseCritic;
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
  /** Hidden widths of the critic. Default [256, 256]. */
  readonly hiddenUnits?: readonly number[];
  /** Separable critic embedding size. Default 32. */
  readonly embeddingSize?: number;
  /** Statistics over the last half of each level (default), the whole level, or its last k steps. */
  readonly window?: 'last-half' | 'all' | number;
  /** Registry to look bounds up in (built-ins plus plugins). */
  readonly registry?: BoundRegistry;
  /** Reference rows (e.g. {@link readPeerResults}) to print beside ours under the same protocol. */
  readonly peers?: readonly PeerRow[];
}

/** One planned run of the sweep. */
export interface GaussianRun {
  readonly runId: string;
  readonly bound: BoundSpec;
  readonly seed: number;
  readonly params: Readonly<Record<string, unknown>>;
}

const DEFAULT_BOUNDS = ['nwj', 'infonce', 'js', 'smile:tau=5', 'remine'];

/** The options with defaults applied and validated. */
export function resolveGaussianOptions(options: GaussianBenchmarkOptions = {}) {
  const fn = 'gaussian benchmark';
  const resolved = {
    task: options.task ?? 'gaussian',
    bounds: (options.bounds ?? DEFAULT_BOUNDS).map(parseBoundSpec),
    critic: options.critic ?? 'joint',
    seeds: options.seeds ?? [1],
    dimension: options.dimension ?? 20,
    batchSize: options.batchSize ?? 64,
    levels: options.levels ?? [2, 4, 6, 8, 10],
    stepsPerLevel: options.stepsPerLevel ?? 4000,
    learningRate: options.learningRate ?? 5e-4,
    hiddenUnits: options.hiddenUnits ?? [256, 256],
    embeddingSize: options.embeddingSize ?? 32,
    window: options.window ?? 'last-half',
    registry: options.registry ?? createBoundRegistry(),
  } as const;
  assertOneOf(fn, 'task', resolved.task, ['gaussian', 'cubic']);
  assertOneOf(fn, 'critic', resolved.critic, ['joint', 'separable']);
  assertPositiveInteger(fn, 'dimension', resolved.dimension);
  assertNumber(fn, 'batchSize', resolved.batchSize, { min: 2, integer: true });
  assertPositiveInteger(fn, 'stepsPerLevel', resolved.stepsPerLevel);
  assertNumber(fn, 'learningRate', resolved.learningRate, { min: 0, minExclusive: true });
  for (const seed of resolved.seeds) assertNumber(fn, 'seeds', seed, { integer: true });
  for (const level of resolved.levels)
    assertNumber(fn, 'levels', level, { min: 0, minExclusive: true });
  if (typeof resolved.window === 'number') assertPositiveInteger(fn, 'window', resolved.window);
  else assertOneOf(fn, 'window', resolved.window, ['last-half', 'all']);
  // Fail before any training on an unknown bound or bad bound options.
  for (const bound of resolved.bounds) createBoundFromSpec(resolved.registry, bound);
  return resolved;
}

export type ResolvedGaussianOptions = ReturnType<typeof resolveGaussianOptions>;

/** Every run of the sweep (bounds × seeds), with deterministic ids. */
export function planGaussianRuns(options: ResolvedGaussianOptions): GaussianRun[] {
  const runs: GaussianRun[] = [];
  for (const bound of options.bounds) {
    for (const seed of options.seeds) {
      const params = {
        task: options.task,
        critic: options.critic,
        bound: bound.label,
        seed,
        dimension: options.dimension,
        batchSize: options.batchSize,
        levels: options.levels,
        stepsPerLevel: options.stepsPerLevel,
        learningRate: options.learningRate,
        hiddenUnits: options.hiddenUnits,
        ...(options.critic === 'separable' ? { embeddingSize: options.embeddingSize } : {}),
      };
      runs.push({ runId: runId('gaussian', params), bound, seed, params });
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
 */
export async function runGaussianBenchmark(
  options: GaussianBenchmarkOptions,
  context: BenchmarkContext,
) {
  const resolved = resolveGaussianOptions(options);
  const runs = selectShard(planGaussianRuns(resolved), context.shard);
  const stairs = gaussianStaircase({
    dimension: resolved.dimension,
    levels: resolved.levels,
    stepsPerLevel: resolved.stepsPerLevel,
    transform: resolved.task === 'cubic' ? 'cubic' : 'identity',
  });
  let done = 0;
  for (const run of runs) {
    if (context.signal?.aborted) break;
    if (context.folder.has(run.runId)) {
      done += 1;
      context.onRunSkipped?.({ runId: run.runId, label: `${run.bound.label} seed ${run.seed}` });
      continue;
    }
    const critic = makeCritic(resolved, run.seed);
    const label = `${resolved.task}/${resolved.critic}/${run.bound.label} seed ${run.seed}`;
    context.onRunStart?.({
      runId: run.runId,
      label,
      index: done,
      total: runs.length,
      steps: stairs.totalSteps,
    });
    try {
      const result = await train({
        critic,
        bound: createBoundFromSpec(resolved.registry, run.bound),
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
      if (result.stopReason === 'aborted') break;
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
      const record: BenchmarkRecord = {
        benchmark: 'gaussian',
        runId: run.runId,
        params: { ...run.params, window: String(resolved.window) },
        metrics,
        environment: benchmarkEnvironment(),
        finishedAt: new Date().toISOString(),
      };
      await context.folder.writeTrace(run.runId, {
        step: result.traces.step,
        estimate: result.traces.estimate,
        ema: result.traces.ema,
        trueMI: result.traces.trueMI,
        ceiling: result.ceiling ?? Number.NaN,
      });
      await context.folder.append(record);
      context.onRunEnd?.({ runId: run.runId, label, record });
    } finally {
      critic.dispose();
    }
    done += 1;
  }
  return writeGaussianReport(context.folder, { peers: options.peers ?? [] });
}

function makeCritic(options: ResolvedGaussianOptions, seed: number): Critic {
  const common = {
    xFeatures: options.dimension,
    yFeatures: options.dimension,
    hiddenUnits: options.hiddenUnits,
    seed,
  };
  return options.critic === 'joint'
    ? jointCritic(common)
    : separableCritic({ ...common, embeddingSize: options.embeddingSize });
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
