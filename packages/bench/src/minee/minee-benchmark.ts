import { assertNumber, assertPositiveInteger } from '@mi/core';
import { highDimensionalGaussian, mixedGaussian, sampleDataset } from '@mi/datasets';
import { InvalidArgumentError, type PluginSpec } from '@mi/spec';
import { train } from '@mi/train';
import type { BenchmarkContext } from '../benchmark-context';
import { writeFigure } from '../figures/render-figure';
import { type StepPoint, stepChart, tracePoints } from '../figures/step-chart';
import { runId } from '../records/run-id';
import { formatNumber, markdownTable } from '../report/markdown';
import { type PlannedRun, runSweep } from '../run-sweep';
import {
  type BenchmarkRegistries,
  type CriticContext,
  createBound,
  createCritic,
  type SpecInput,
  toPluginSpec,
  withDefaultRegistries,
} from '../specs';

/** One MI-NEE task of Chan et al. (2019) §4. */
export interface MineeTask {
  /** `mg` (mixed Gaussian MG(ρ)) or `hg` (HG(ρ, d)). */
  readonly kind: 'mg' | 'hg';
  readonly rho: number;
  /** d for HG. */
  readonly dimension?: number;
  /** Adam learning rate: 1e-4 for MG(0.9), 5e-5 for HG(0.9, 6) in the paper. */
  readonly learningRate: number;
  /** Reference batch = factor × batch (an option of the `minee` critic): 10 for MG, 300 for HG in the paper. */
  readonly referenceFactor: number;
}

/** Where a bound that reads shifted pairs gets them (`train`'s `marginalPairs`). */
export type MarginalPairs = 'shifted' | 'resampled';

/**
 * An estimator the benchmark compares: a bound trained with a critic, both specs the registries
 * resolve. Every critic gets `xFeatures`, `yFeatures` (the task's dimension) and `seed`; the
 * benchmark's `hiddenUnits` reach the built-in `joint` and `minee` critics only.
 */
export interface MineeMethod {
  /** The name in records, tables and figures. Default `<bound> / <critic>`. */
  readonly name?: string;
  readonly bound: SpecInput;
  readonly critic: SpecInput;
  /**
   * Where a bound that reads shifted pairs gets its marginal pairs (`train`'s `marginalPairs`):
   * the batch's own shifted pairs (default) or n pairs resampled apart from the batch.
   */
  readonly marginalPairs?: MarginalPairs;
}

/**
 * The paper's estimators with the networks of its code: `minee`, the MI-NEE bound with its
 * three-head critic (f₀(x, y), f₁(x), f₂(y) against uniform references), and `mine`, the DV bound
 * with the moving-average gradient (rate 0.01, §4) on a joint critic, its marginal term over n
 * product-of-marginals pairs per step drawn as the paper draws them, "resampling the samples
 * X_i's and Y_i's independently" (§3): x′ from n rows and y′ from another, independent draw of
 * n rows, apart from the batch (`marginalPairs: 'resampled'`, as the paper's code).
 * `mine-shifted` is the same MINE on the batch's own shifted pairs (x_i, y_(i+1) mod n), whose
 * joint and marginal terms share every row: the same expectation with less gradient noise, and
 * far faster on MG(0.9). The paper states no network; its code uses ELU, kernels from
 * N(0, 0.02²) with zero biases, 100-100 units for each MI-NEE head and 300-300 for MINE's.
 */
export const mineeMethods = {
  minee: { name: 'minee', bound: 'minee', critic: 'minee:activation=elu;initStd=0.02' },
  mine: {
    name: 'mine',
    bound: 'mine:decay=0.01;marginals=shifted',
    critic: 'joint:activation=elu;hiddenUnits=300,300;initStd=0.02',
    marginalPairs: 'resampled',
  },
  'mine-shifted': {
    name: 'mine',
    bound: 'mine:decay=0.01;marginals=shifted',
    critic: 'joint:activation=elu;hiddenUnits=300,300;initStd=0.02',
  },
} as const satisfies Record<string, MineeMethod>;

/** The paper's tasks: MG(0.9) and HG(0.9, 6), with their learning rates and reference sizes. */
export const mineeTasks = {
  mg: { kind: 'mg', rho: 0.9, learningRate: 1e-4, referenceFactor: 10 },
  hg: { kind: 'hg', rho: 0.9, dimension: 6, learningRate: 5e-5, referenceFactor: 300 },
} as const satisfies Record<string, MineeTask>;

/** Options of {@link runMineeBenchmark}; defaults are the paper's. */
export interface MineeBenchmarkOptions {
  /** Default: both of {@link mineeTasks}. */
  readonly tasks?: readonly MineeTask[];
  /** Samples in the fixed dataset. Default 400. */
  readonly sampleSize?: number;
  /** Default 100. */
  readonly batchSize?: number;
  /** Training steps per run. Default 30 000. */
  readonly steps?: number;
  /**
   * Hidden widths of MI-NEE's three heads and of built-in critics whose spec sets none (MINE's
   * sets 300-300, as the paper's code). Default [100, 100].
   */
  readonly hiddenUnits?: readonly number[];
  /** One run per task, method and seed. Default `[1]`. */
  readonly seeds?: readonly number[];
  /** The estimators compared. Default: both of {@link mineeMethods}, MI-NEE then MINE. */
  readonly methods?: readonly MineeMethod[];
  /** Where bound and critic names are looked up (built-ins plus plugins). Default: the built-ins. */
  readonly registries?: BenchmarkRegistries;
}

/** The defaults of {@link MineeBenchmarkOptions}: the paper's protocol. */
const MINEE_DEFAULTS = {
  tasks: [mineeTasks.mg, mineeTasks.hg],
  sampleSize: 400,
  batchSize: 100,
  steps: 30_000,
  hiddenUnits: [100, 100],
  seeds: [1],
  methods: [mineeMethods.minee, mineeMethods.mine],
} as const satisfies MineeBenchmarkOptions;

/**
 * Presets of {@link runMineeBenchmark} that override some defaults.
 *
 * `quick`: MG(0.9) only, 2000 steps, 32-32 networks, learning rate 1e-3.
 */
export const mineePresets = {
  quick: {
    tasks: [{ ...mineeTasks.mg, learningRate: 1e-3 }],
    steps: 2000,
    hiddenUnits: [32, 32],
  },
} as const satisfies Record<string, MineeBenchmarkOptions>;

/** A method with its specs parsed and its name settled. */
interface ResolvedMethod {
  readonly name: string;
  readonly bound: PluginSpec;
  readonly critic: PluginSpec;
  readonly marginalPairs: MarginalPairs;
}

/** One planned run of the sweep. */
interface MineeRun extends PlannedRun {
  readonly task: MineeTask;
  readonly method: ResolvedMethod;
  readonly seed: number;
}

function resolveMethod(method: MineeMethod): ResolvedMethod {
  const bound = toPluginSpec(method.bound, 'bound');
  const critic = toPluginSpec(method.critic, 'critic');
  const name = method.name ?? `${bound.label} / ${critic.label}`;
  return { name, bound, critic, marginalPairs: method.marginalPairs ?? 'shifted' };
}

/**
 * First step from which the smoothed estimate stays within `tolerance` (relative) of the truth
 * until the end, or undefined if it never settles. Also the first step it enters the band.
 */
export function convergenceSteps(
  steps: ArrayLike<number>,
  smoothed: ArrayLike<number>,
  truth: number,
  tolerance = 0.1,
): { first: number | undefined; settled: number | undefined } {
  let first: number | undefined;
  let settled: number | undefined;
  for (let k = 0; k < smoothed.length; k++) {
    const inside = Math.abs((smoothed[k] as number) - truth) <= tolerance * Math.abs(truth);
    if (inside && first === undefined) first = steps[k] as number;
    if (inside && settled === undefined) settled = steps[k] as number;
    if (!inside) settled = undefined;
  }
  return { first, settled };
}

/**
 * MI-NEE against MINE (Chan et al. 2019, §4): a fixed sample of 400 points from MG(0.9) or
 * HG(0.9, 6), batches of 100, Adam; MI-NEE trains three heads against uniform references over
 * the data's bounding box (reference batch = 10× or 300× the data batch), MINE the DV bound with
 * its moving-average gradient (rate 0.01). Estimates are smoothed with an EMA of rate 0.01, as in
 * the paper, and the report gives the steps until the smoothed estimate is within 10% of the
 * truth (the paper: about 2·10⁴ for MI-NEE and 7·10⁴ for MINE on MG(0.9)). Other estimators
 * (any bound with any critic) join the comparison through `methods`.
 */
export async function runMineeBenchmark(options: MineeBenchmarkOptions, context: BenchmarkContext) {
  const fn = 'minee benchmark';
  const d = MINEE_DEFAULTS;
  const tasks = options.tasks ?? d.tasks;
  const sampleSize = options.sampleSize ?? d.sampleSize;
  const batchSize = options.batchSize ?? d.batchSize;
  const steps = options.steps ?? d.steps;
  const hiddenUnits = options.hiddenUnits ?? d.hiddenUnits;
  const seeds = options.seeds ?? d.seeds;
  const methods = (options.methods ?? d.methods).map(resolveMethod);
  const registries = withDefaultRegistries(options.registries);
  assertPositiveInteger(fn, 'sampleSize', sampleSize);
  assertNumber(fn, 'batchSize', batchSize, { min: 2, max: sampleSize, integer: true });
  assertPositiveInteger(fn, 'steps', steps);
  for (const task of tasks) {
    assertNumber(fn, 'rho', task.rho, { min: 0, max: 1, maxExclusive: true });
    assertNumber(fn, 'learningRate', task.learningRate, { min: 0, minExclusive: true });
    assertPositiveInteger(fn, 'referenceFactor', task.referenceFactor);
  }
  // MI-NEE's critic draws the reference batch: the task's reference size goes to it.
  const criticContext = (task: MineeTask, features: number, seed: number): CriticContext => ({
    inputs: { kind: 'tabular', xFeatures: features, yFeatures: features },
    seed,
    builtinDefaults: {
      joint: { hiddenUnits },
      minee: { hiddenUnits, referenceFactor: task.referenceFactor },
    },
  });
  // Fail before any training on an unknown bound or critic, bad options of either, or resampled
  // marginal pairs for a bound that reads the whole score matrix.
  for (const method of methods) {
    const bound = createBound(registries.bounds, method.bound);
    if (method.marginalPairs === 'resampled' && bound.reads !== 'shifted-pairs') {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter: 'methods',
        value: method.name,
        expected: `a bound that reads shifted pairs for marginalPairs 'resampled' (bound '${method.bound.label}' reads the score matrix)`,
      });
    }
    for (const task of tasks)
      createCritic(registries.critics, method.critic, criticContext(task, 1, 0)).dispose();
  }
  const runs: MineeRun[] = tasks.flatMap((task) =>
    methods.flatMap((method) =>
      seeds.map((seed) => {
        const taskName =
          task.kind === 'mg' ? `MG(${task.rho})` : `HG(${task.rho}, ${task.dimension ?? 6})`;
        const params = {
          task: taskName,
          method: method.name,
          // The specs, not only the name: a run of another protocol under the same name (MINE
          // over all pairs, as before the paper's shifted pairs) is another run.
          bound: method.bound.label,
          critic: method.critic.label,
          // Only when resampled: runs on the batch's own pairs keep the ids they had before.
          ...(method.marginalPairs === 'resampled' ? { marginalPairs: 'resampled' } : {}),
          seed,
          sampleSize,
          batchSize,
          steps,
          hiddenUnits,
          learningRate: task.learningRate,
          referenceFactor: task.referenceFactor,
        };
        return {
          benchmark: 'minee',
          runId: runId('minee', params),
          params,
          label: `${taskName} ${displayName(method.name, marginalPairsOf(method.bound.label, method.marginalPairs))} seed ${seed}`,
          steps,
          task,
          method,
          seed,
        };
      }),
    ),
  );
  await runSweep(runs, context, async ({ task, method, seed }) => {
    const sampler =
      task.kind === 'mg'
        ? mixedGaussian({ rho: task.rho })
        : highDimensionalGaussian({ rho: task.rho, dimension: task.dimension ?? 6 });
    const dataset = sampleDataset(sampler, { size: sampleSize, seed });
    const features = sampler.shape.x[0] as number;
    const critic = createCritic(
      registries.critics,
      method.critic,
      criticContext(task, features, seed),
    );
    try {
      const result = await train({
        critic,
        bound: createBound(registries.bounds, method.bound),
        data: dataset,
        steps,
        batchSize,
        seed,
        emaDecay: 0.99,
        optimizer: { kind: 'adam', learningRate: task.learningRate },
        onNonFinite: 'skip',
        marginalPairs: method.marginalPairs,
        ...(context.signal ? { signal: context.signal } : {}),
        callbacks: { onStep: (report) => context.onStep?.(report) },
      });
      if (result.stopReason === 'aborted') return undefined;
      const truth = sampler.trueMI as number;
      const reached = convergenceSteps(result.traces.step, result.traces.ema, truth);
      return {
        metrics: {
          trueMI: truth,
          finalEma: result.estimates.ema,
          firstWithin10Percent: reached.first ?? null,
          settledWithin10Percent: reached.settled ?? null,
          msPerStep: (1000 * result.seconds) / Math.max(1, result.steps),
          seconds: result.seconds,
          skippedSteps: result.skippedSteps.length,
        },
        trace: {
          step: result.traces.step,
          estimate: result.traces.estimate,
          ema: result.traces.ema,
          trueMI: truth,
        },
      };
    } finally {
      critic.dispose();
    }
  });
  return writeMineeReport(context.folder);
}

/**
 * Where a bound got its marginal pairs: `resampled`, `shifted` (a bound reading the batch's
 * shifted pairs, the default), or undefined for a bound that reads the score matrix.
 */
function marginalPairsOf(boundLabel: unknown, marginalPairs: unknown): MarginalPairs | undefined {
  if (marginalPairs === 'resampled') return 'resampled';
  return String(boundLabel ?? '').includes('marginals=shifted') ? 'shifted' : undefined;
}

/**
 * A method's name in logs and figures, with where its marginal pairs come from when it reads
 * shifted pairs: `mine-resampled` and `mine-shifted` are two curves of one figure.
 */
function displayName(name: string, marginalPairs: string | undefined): string {
  return marginalPairs === undefined ? name : `${name}-${marginalPairs}`;
}

/** Writes `report.md` and `minee-convergence.svg/png` from every MI-NEE record in the folder. */
export async function writeMineeReport(folder: BenchmarkContext['folder']) {
  const records = folder.all().filter((r) => r.benchmark === 'minee');
  const lines = ['# MI-NEE vs MINE (Chan et al. 2019, §4)', ''];
  lines.push(
    'Steps until the EMA (rate 0.01) of the estimate is within 10% of the truth: first entry, and the step from which it stays within until the end. Paper, MG(0.9): MI-NEE ≈ 2·10⁴, MINE ≈ 7·10⁴; HG(0.9, 6): MI-NEE ≈ 6·10³, MINE not within 2.5·10⁴.',
    '',
  );
  const step = (v: unknown) => (typeof v === 'number' ? String(v) : 'never');
  lines.push(
    markdownTable(
      [
        'task',
        'method',
        'marginal pairs',
        'bound',
        'seed',
        'steps',
        'true MI',
        'final EMA',
        'first within 10%',
        'settled within 10%',
        'ms/step',
      ],
      records.map((r) => {
        const m = r.metrics;
        return [
          String(r.params['task']),
          String(r.params['method']),
          marginalPairsOf(r.params['bound'], r.params['marginalPairs']) ?? '–',
          // Records written before the specs were part of a run's parameters have none.
          r.params['bound'] === undefined ? '–' : `\`${String(r.params['bound'])}\``,
          String(r.params['seed']),
          String(r.params['steps']),
          formatNumber(m['trueMI']),
          formatNumber(m['finalEma']),
          step(m['firstWithin10Percent']),
          step(m['settledWithin10Percent']),
          formatNumber(m['msPerStep']),
        ];
      }),
    ),
  );
  const points: StepPoint[] = [];
  for (const r of records) {
    const trace = await folder.readTrace(r.runId);
    if (!trace) continue;
    const method = displayName(
      String(r.params['method']),
      marginalPairsOf(r.params['bound'], r.params['marginalPairs']),
    );
    points.push(
      ...tracePoints(
        String(r.params['task']),
        trace['step'] as number[],
        {
          [`${method} (raw)`]: trace['estimate'] as number[],
          [`${method} (EMA)`]: trace['ema'] as number[],
          'true MI': trace['trueMI'] as number,
        },
        800,
      ),
    );
  }
  const figures: string[] = [];
  if (points.length > 0) {
    const written = await writeFigure(
      folder,
      'minee-convergence',
      stepChart({
        points,
        title: 'MI-NEE and MINE estimates against training steps',
        columns: 2,
        width: 340,
        height: 220,
        independentY: true,
      }),
    );
    figures.push(written.svg, written.png);
    lines.push('', '![convergence](minee-convergence.svg)');
  }
  const report = await folder.write('report.md', `${lines.join('\n')}\n`);
  return { records, report, figures };
}
