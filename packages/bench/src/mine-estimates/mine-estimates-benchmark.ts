import { getClassicalEstimator } from '@mi/classical';
import { assertNumber, assertOneOf, assertPositiveInteger, deriveRandom } from '@mi/core';
import {
  correlatedGaussian,
  type EquitabilityFunction,
  equitability,
  type SyntheticSampler,
} from '@mi/datasets';
import type { BenchmarkRecord, PluginSpec } from '@mi/spec';
import { train } from '@mi/train';
import type { BenchmarkContext } from '../benchmark-context';
import { classicalEstimateOn } from '../classical/classical-estimate';
import { type LinePoint, lineChart } from '../figures/line-chart';
import { writeFigure } from '../figures/render-figure';
import type { ResultsFolder } from '../records/results-folder';
import { runId } from '../records/run-id';
import { formatNumber, markdownTable } from '../report/markdown';
import { type PlannedRun, type RunOutcome, runSweep } from '../run-sweep';
import {
  type BenchmarkRegistries,
  type CriticContext,
  createBound,
  createCritic,
  type SpecInput,
  toPluginSpec,
  withDefaultRegistries,
} from '../specs';
import { finiteOrNull } from '../stats/bias-variance';

/**
 * A point of MINE §4 (Belghazi et al. 2018): a correlated Gaussian of component-wise correlation
 * ρ in d dimensions (Fig. 1), or X ~ U(−1, 1)ᵈ with Y = f(X) + σε (Fig. 2, equitability).
 */
export type MineEstimatesPoint =
  | { readonly task: 'correlation'; readonly rho: number; readonly dimension: number }
  | {
      readonly task: 'equitability';
      readonly fn: EquitabilityFunction;
      readonly sigma: number;
      readonly dimension: number;
    };

/** Options of {@link runMineEstimatesBenchmark}. */
export interface MineEstimatesOptions {
  /** `correlation` (Fig. 1) or `equitability` (Fig. 2). Default `correlation`. */
  readonly task?: 'correlation' | 'equitability';
  /** Fig. 1's correlations ρ ∈ (−1, 1). Default −0.99, −0.9, −0.5, 0, 0.25, 0.5, 0.75, 0.9, 0.99. */
  readonly rhos?: readonly number[];
  /** Fig. 1's dimensions d. Default 2 and 20. */
  readonly dimensions?: readonly number[];
  /** Fig. 2's maps f. Default x, x³, sin x. */
  readonly functions?: readonly EquitabilityFunction[];
  /** Fig. 2's noise scales σ. Default 0.05, 0.1, 0.2, 0.5, 1. */
  readonly sigmas?: readonly number[];
  /** Fig. 2's dimension ("2-dimensional random variables"). Default 2. */
  readonly equitabilityDimension?: number;
  /**
   * Neural estimators: bound specs trained with `critic`. Default `mine` (DV with the moving-average
   * gradient) and `nwj` (MINE-f) for Fig. 1, `mine` for Fig. 2.
   */
  readonly bounds?: readonly SpecInput[];
  /** Default `joint`; `hiddenUnits` reaches the built-in joint and separable critics. */
  readonly critic?: SpecInput;
  /** Default [256, 256]. */
  readonly hiddenUnits?: readonly number[];
  /** Default 64. */
  readonly batchSize?: number;
  /** Training steps per run, each on a fresh batch. Default 4000. */
  readonly steps?: number;
  /** Adam learning rate. Default 5e-4. */
  readonly learningRate?: number;
  /** `@mi/classical` estimators. Default `ksg` (Kraskov et al. 2004) for Fig. 1, none for Fig. 2. */
  readonly classical?: readonly string[];
  /** Pairs each classical estimate sees. Default 5000. */
  readonly samples?: number;
  /** Neighbours of the k-NN estimators. Default 3. */
  readonly k?: number;
  /** One run per estimator, point and seed. Default `[1]`. */
  readonly seeds?: readonly number[];
  readonly registries?: BenchmarkRegistries;
}

const MINE_ESTIMATES_DEFAULTS = {
  task: 'correlation',
  rhos: [-0.99, -0.9, -0.5, 0, 0.25, 0.5, 0.75, 0.9, 0.99],
  dimensions: [2, 20],
  functions: ['linear', 'cubic', 'sine'],
  sigmas: [0.05, 0.1, 0.2, 0.5, 1],
  equitabilityDimension: 2,
  critic: 'joint',
  hiddenUnits: [256, 256],
  batchSize: 64,
  steps: 4000,
  learningRate: 5e-4,
  samples: 5000,
  k: 3,
  seeds: [1],
} as const;

/** One run: a neural estimator trained at a point, or a classical estimate at a point. */
interface MineEstimatesRun extends PlannedRun {
  readonly point: MineEstimatesPoint;
  readonly seed: number;
  readonly estimator:
    | { readonly kind: 'neural'; readonly bound: PluginSpec }
    | {
        readonly kind: 'classical';
        readonly id: string;
      };
}

/** The points of a task, in the order of the paper's axes. */
function pointsOf(options: Required<Pick<MineEstimatesOptions, 'task'>> & MineEstimatesOptions) {
  const d = MINE_ESTIMATES_DEFAULTS;
  if (options.task === 'correlation') {
    return (options.dimensions ?? d.dimensions).flatMap((dimension) =>
      (options.rhos ?? d.rhos).map(
        (rho): MineEstimatesPoint => ({ task: 'correlation', rho, dimension }),
      ),
    );
  }
  const dimension = options.equitabilityDimension ?? d.equitabilityDimension;
  return (options.functions ?? d.functions).flatMap((fn) =>
    (options.sigmas ?? d.sigmas).map(
      (sigma): MineEstimatesPoint => ({ task: 'equitability', fn, sigma, dimension }),
    ),
  );
}

/** The task of a point as a sampler with its true MI. */
function mineEstimatesSampler(point: MineEstimatesPoint): SyntheticSampler & {
  readonly trueMI: number;
} {
  return point.task === 'correlation'
    ? correlatedGaussian({ dimension: point.dimension, rho: point.rho })
    : equitability({ fn: point.fn, sigma: point.sigma, dimension: point.dimension });
}

// Var f(X) for X ~ U(−1, 1): E[x²] = 1/3, E[x⁶] = 1/7, E[sin² x] = ½ − sin(2)/4 (all means 0).
const SIGNAL_VARIANCE: Readonly<Record<EquitabilityFunction, number>> = {
  linear: 1 / 3,
  cubic: 1 / 7,
  sine: 0.5 - Math.sin(2) / 4,
};

/**
 * The R² of a coordinate of the equitability task, the squared correlation between Y and f(X):
 * Var f(X) / (Var f(X) + σ²) (Kinney & Atwal 2014, the measure an R²-equitable statistic tracks).
 */
export function equitabilityRSquared(fn: EquitabilityFunction, sigma: number): number {
  const signal = SIGNAL_VARIANCE[fn];
  return signal / (signal + sigma * sigma);
}

/** A point as it is stored in a record's parameters. */
function pointParams(point: MineEstimatesPoint): Record<string, string | number> {
  return point.task === 'correlation'
    ? { task: 'correlation', rho: point.rho, dimension: point.dimension }
    : { task: 'equitability', fn: point.fn, sigma: point.sigma, dimension: point.dimension };
}

/**
 * MINE's §4 comparisons (Belghazi et al. 2018), which the paper shows as figures without stating
 * its protocol: Fig. 1, the estimate against the component-wise correlation ρ of two Gaussians in
 * d = 2 and 20 for MINE, MINE-f (our `nwj`) and Kraskov's k-NN estimator; Fig. 2, MINE on
 * X ~ U(−1, 1)², Y = f(X) + σε for f ∈ {x, x³, sin x} (equitability: the estimate should follow
 * the true MI whatever f). Our protocol, stated in the report: each neural run trains a joint
 * critic (256-256) with Adam 5·10⁻⁴ on fresh batches of 64 for 4000 steps, and its estimate is
 * the mean of the per-batch estimates over the last half; each classical estimate sees 5000
 * fresh pairs. Records (benchmark `mine-estimates`) resume, shards split the runs.
 */
export async function runMineEstimatesBenchmark(
  options: MineEstimatesOptions,
  context: BenchmarkContext,
) {
  const fn = 'mine-estimates benchmark';
  const d = MINE_ESTIMATES_DEFAULTS;
  const task = options.task ?? d.task;
  assertOneOf(fn, 'task', task, ['correlation', 'equitability']);
  const points = pointsOf({ ...options, task });
  const bounds = (options.bounds ?? (task === 'correlation' ? ['mine', 'nwj'] : ['mine'])).map(
    (spec) => toPluginSpec(spec, 'bound'),
  );
  const classical = options.classical ?? (task === 'correlation' ? ['ksg'] : []);
  const criticSpec = toPluginSpec(options.critic ?? d.critic, 'critic');
  const hiddenUnits = options.hiddenUnits ?? d.hiddenUnits;
  const batchSize = options.batchSize ?? d.batchSize;
  const steps = options.steps ?? d.steps;
  const learningRate = options.learningRate ?? d.learningRate;
  const samples = options.samples ?? d.samples;
  const k = options.k ?? d.k;
  const seeds = options.seeds ?? d.seeds;
  const registries = withDefaultRegistries(options.registries);
  assertNumber(fn, 'batchSize', batchSize, { min: 2, integer: true });
  assertPositiveInteger(fn, 'steps', steps);
  assertNumber(fn, 'learningRate', learningRate, { min: 0, minExclusive: true });
  assertNumber(fn, 'samples', samples, { min: k + 1, integer: true });
  for (const point of points) mineEstimatesSampler(point);
  for (const id of classical) getClassicalEstimator(id);
  const criticContext = (point: MineEstimatesPoint, seed: number): CriticContext => ({
    inputs: { kind: 'tabular', xFeatures: point.dimension, yFeatures: point.dimension },
    seed,
    builtinDefaults: { joint: { hiddenUnits }, separable: { hiddenUnits } },
  });
  for (const bound of bounds) createBound(registries.bounds, bound);
  if (points[0] !== undefined && bounds.length > 0)
    createCritic(registries.critics, criticSpec, criticContext(points[0], 0)).dispose();

  const neuralProtocol = { critic: criticSpec.label, hiddenUnits, batchSize, steps, learningRate };
  const runs: MineEstimatesRun[] = [];
  for (const point of points) {
    for (const seed of seeds) {
      const at = pointParams(point);
      const where = Object.values(at).join(' ');
      for (const bound of bounds) {
        const params = { kind: 'neural', ...at, estimator: bound.label, seed, ...neuralProtocol };
        runs.push({
          benchmark: 'mine-estimates',
          runId: runId('mine-estimates', params),
          params,
          label: `${where} ${bound.label} seed ${seed}`,
          steps,
          point,
          seed,
          estimator: { kind: 'neural', bound },
        });
      }
      for (const id of classical) {
        const params = { kind: 'classical', ...at, estimator: id, seed, samples, k };
        runs.push({
          benchmark: 'mine-estimates',
          runId: runId('mine-estimates', params),
          params,
          label: `${where} ${id} seed ${seed}`,
          steps: 1,
          point,
          seed,
          estimator: { kind: 'classical', id },
        });
      }
    }
  }
  await runSweep(runs, context, async (run): Promise<RunOutcome | undefined> => {
    const sampler = mineEstimatesSampler(run.point);
    if (run.estimator.kind === 'classical') {
      const started = performance.now();
      const estimate = classicalEstimateOn(
        run.estimator.id,
        sampler,
        samples,
        deriveRandom(run.seed, 'data'),
        k,
      );
      return {
        metrics: {
          trueMI: sampler.trueMI,
          estimate,
          seconds: (performance.now() - started) / 1000,
        },
      };
    }
    const critic = createCritic(registries.critics, criticSpec, criticContext(run.point, run.seed));
    try {
      const result = await train({
        critic,
        bound: createBound(registries.bounds, run.estimator.bound),
        data: sampler,
        steps,
        batchSize,
        seed: run.seed,
        optimizer: { kind: 'adam', learningRate },
        onNonFinite: 'skip',
        ...(context.signal ? { signal: context.signal } : {}),
        callbacks: { onStep: (report) => context.onStep?.(report) },
      });
      if (result.stopReason === 'aborted') return undefined;
      const estimates = result.traces.estimate;
      const half = Array.from(estimates.subarray(Math.floor(estimates.length / 2)));
      const mean = half.reduce((a, b) => a + b, 0) / Math.max(1, half.length);
      const variance = half.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, half.length);
      return {
        metrics: {
          trueMI: sampler.trueMI,
          estimate: finiteOrNull(mean),
          varianceEstimate: finiteOrNull(variance),
          seconds: result.seconds,
          msPerStep: (1000 * result.seconds) / Math.max(1, result.steps),
          skippedSteps: result.skippedSteps.length,
        },
      };
    } finally {
      critic.dispose();
    }
  });
  return writeMineEstimatesReport(context.folder);
}

/** One point of a task with every estimator's per-seed estimates. */
export interface MineEstimatesRow {
  readonly point: MineEstimatesPoint;
  readonly trueMI: number;
  /** Estimator label → seed → estimate (null where a run diverged). */
  readonly estimates: ReadonlyMap<string, ReadonlyMap<number, number | null>>;
}

/** The folder's `mine-estimates` records grouped by point, in the order they were planned. */
export function mineEstimatesRows(records: readonly BenchmarkRecord[]): MineEstimatesRow[] {
  const rows = new Map<
    string,
    {
      point: MineEstimatesPoint;
      trueMI: number;
      estimates: Map<string, Map<number, number | null>>;
    }
  >();
  for (const record of records) {
    if (record.benchmark !== 'mine-estimates') continue;
    const p = record.params;
    const point: MineEstimatesPoint =
      p['task'] === 'correlation'
        ? { task: 'correlation', rho: Number(p['rho']), dimension: Number(p['dimension']) }
        : {
            task: 'equitability',
            fn: p['fn'] as EquitabilityFunction,
            sigma: Number(p['sigma']),
            dimension: Number(p['dimension']),
          };
    const key = JSON.stringify(pointParams(point));
    const row = rows.get(key) ?? {
      point,
      trueMI: Number(record.metrics['trueMI']),
      estimates: new Map(),
    };
    rows.set(key, row);
    const estimator = String(p['estimator']);
    const bySeed = row.estimates.get(estimator) ?? new Map<number, number | null>();
    bySeed.set(Number(p['seed']), record.metrics['estimate'] ?? null);
    row.estimates.set(estimator, bySeed);
  }
  return [...rows.values()];
}

/** Mean over the seeds that did not diverge, or NaN. */
export function meanOfSeeds(values: Iterable<number | null> | undefined): number {
  const finite = [...(values ?? [])].filter((v): v is number => typeof v === 'number');
  return finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN;
}

/** The name of a point's panel in tables and figures: `d = 20` or `f = cubic`. */
function panelOf(point: MineEstimatesPoint): string {
  return point.task === 'correlation' ? `d = ${point.dimension}` : `f = ${point.fn}`;
}

/**
 * Writes `report.md` with a table per task (the true MI and each estimator's mean over seeds at
 * every point; R² for equitability) and the figures: `mine-correlation` (estimate against ρ, a
 * panel per d, MINE Fig. 1) and `mine-equitability` (estimate against the true MI, a line per f,
 * MINE Fig. 2).
 */
export async function writeMineEstimatesReport(folder: ResultsFolder) {
  const records = folder.all().filter((r) => r.benchmark === 'mine-estimates');
  const rows = mineEstimatesRows(records);
  const lines = ['# MINE §4: estimates against ρ, and equitability (Belghazi et al. 2018)', ''];
  const figures: string[] = [];
  for (const task of ['correlation', 'equitability'] as const) {
    const taskRows = rows.filter((r) => r.point.task === task);
    if (taskRows.length === 0) continue;
    const estimators = [...new Set(taskRows.flatMap((r) => [...r.estimates.keys()]))];
    lines.push(
      task === 'correlation'
        ? '## Fig. 1: two Gaussians with component-wise correlation ρ'
        : '## Fig. 2: Y = f(X) + σε, X ~ U(−1, 1)ᵈ',
      '',
      markdownTable(
        [
          ...(task === 'correlation' ? ['d', 'ρ'] : ['f', 'σ', 'R²']),
          'true MI',
          ...estimators.map((e) => `${e} (mean of seeds)`),
        ],
        taskRows.map((row) => [
          ...(row.point.task === 'correlation'
            ? [String(row.point.dimension), String(row.point.rho)]
            : [
                row.point.fn,
                String(row.point.sigma),
                formatNumber(equitabilityRSquared(row.point.fn, row.point.sigma)),
              ]),
          formatNumber(row.trueMI),
          ...estimators.map((e) => formatNumber(meanOfSeeds(row.estimates.get(e)?.values()))),
        ]),
      ),
      '',
    );
    const points: LinePoint[] = [];
    for (const row of taskRows) {
      const x = row.point.task === 'correlation' ? row.point.rho : row.trueMI;
      const panel = task === 'correlation' ? panelOf(row.point) : 'all f';
      points.push({ panel, x, series: 'true MI', value: row.trueMI });
      for (const [estimator, values] of row.estimates) {
        const value = meanOfSeeds(values.values());
        const series = task === 'correlation' ? estimator : `${estimator}, ${panelOf(row.point)}`;
        if (Number.isFinite(value)) points.push({ panel, x, series, value });
      }
    }
    const name = `mine-${task}`;
    const written = await writeFigure(
      folder,
      name,
      lineChart({
        points,
        title:
          task === 'correlation'
            ? 'MI estimates against the correlation ρ'
            : 'MI estimates against the true MI (equitability)',
        xTitle: task === 'correlation' ? 'ρ' : 'true MI (nats)',
        yTitle: 'MI (nats)',
        independentY: true,
      }),
    );
    figures.push(written.svg, written.png);
    lines.push(`![${task}](${name}.svg)`, '');
  }
  const report = await folder.write('report.md', `${lines.join('\n')}\n`);
  return { records, rows, report, figures };
}
