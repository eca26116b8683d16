import { assertPositiveInteger } from '@mi/core';
import type { BenchmarkRecord } from '@mi/spec';
import type { BenchmarkContext } from '../benchmark-context';
import { estimateInterval } from '../estimate/estimate-interval';
import {
  type EstimateOptions,
  estimateMutualInformation,
} from '../estimate/estimate-mutual-information';
import { runId } from '../records/run-id';
import { formatNumber, markdownTable } from '../report/markdown';
import { type PlannedRun, runSweep } from '../run-sweep';
import type { BenchmarkRegistries } from '../specs';
import { type EstimationTask, selectTasks } from './tasks';

/** A candidate default of `mi estimate`: a name and the estimator options it sets. */
export interface EstimatorConfig {
  readonly name: string;
  readonly options: Pick<
    EstimateOptions,
    | 'bound'
    | 'critic'
    | 'hiddenUnits'
    | 'learningRate'
    | 'steps'
    | 'patience'
    | 'evaluateEvery'
    | 'marginals'
  >;
}

/** Options of {@link runEstimateDefaultsBenchmark}. */
export interface EstimateDefaultsOptions {
  /** Task ids (default: every task of the suite). */
  readonly tasks?: readonly string[];
  /** Rows per data set. Default 500, 2000, 10 000. */
  readonly sizes?: readonly number[];
  /** Candidate configurations. Default: {@link ESTIMATOR_CONFIGS}. */
  readonly configs?: readonly EstimatorConfig[];
  /** Independent data sets per task and size (coverage needs several). Default 2. */
  readonly replicates?: number;
  /** Seeds of each estimate (its interval is over them). Default [1, 2, 3]. */
  readonly seeds?: readonly number[];
  readonly registries?: BenchmarkRegistries;
}

/** What every candidate shares unless it says otherwise: the bound and standardised columns. */
export const SUITE_BASE_OPTIONS = {
  bound: 'smile:tau=5',
  marginals: 'standardize',
} as const satisfies EstimatorConfig['options'];

/**
 * The candidates: SMILE (τ = 5) with the separable critic at two widths and learning rates and
 * the joint critic, on standardised columns; and the separable and joint critics on the normal
 * scores of the columns' ranks (`marginals: 'rank'`). "auto" (each seed keeps whichever of the
 * separable and the joint critic validates better) is derived in the report from the two runs,
 * which share seeds and splits.
 */
export const ESTIMATOR_CONFIGS: readonly EstimatorConfig[] = [
  {
    name: 'separable-256',
    options: { critic: 'separable', hiddenUnits: [256, 256], learningRate: 5e-4 },
  },
  {
    name: 'separable-64-lr2e-3',
    options: { critic: 'separable', hiddenUnits: [64, 64], learningRate: 2e-3 },
  },
  { name: 'joint-256', options: { critic: 'joint', hiddenUnits: [256, 256], learningRate: 5e-4 } },
  {
    name: 'separable-256-rank',
    options: {
      critic: 'separable',
      hiddenUnits: [256, 256],
      learningRate: 5e-4,
      marginals: 'rank',
    },
  },
  {
    name: 'joint-256-rank',
    options: { critic: 'joint', hiddenUnits: [256, 256], learningRate: 5e-4, marginals: 'rank' },
  },
];

/**
 * Presets of {@link runEstimateDefaultsBenchmark}.
 *
 * `quick`: three tasks at 500 rows, one data set, the first configuration, 300 steps: a smoke test
 * of the suite in about a minute, not a measurement.
 */
export const estimateDefaultsPresets = {
  quick: {
    tasks: ['gaussian-1d', 'x0-plus-noise-5d', 'independent-3d'],
    sizes: [500],
    replicates: 1,
    seeds: [1, 2],
    configs: [{ name: 'separable-256-quick', options: { critic: 'separable', steps: 300 } }],
  },
} as const satisfies Record<string, EstimateDefaultsOptions>;

interface SuiteRun extends PlannedRun {
  readonly task: EstimationTask;
  readonly rows: number;
  readonly replicate: number;
  readonly config: EstimatorConfig;
}

/**
 * Measures candidate defaults of `mi estimate` on tasks with known MI: for each task, data-set size
 * and replicate (an independent data set), runs the full estimator (its seeds, splits, early
 * stopping and interval) with each configuration and records the estimate, the interval, whether
 * it covers the truth, and the time. The report ranks the configurations by RMSE against the
 * truth and gives the interval's coverage, overall and per task.
 */
export async function runEstimateDefaultsBenchmark(
  options: EstimateDefaultsOptions,
  context: BenchmarkContext,
) {
  const fn = 'estimate-defaults benchmark';
  const tasks = selectTasks(options.tasks);
  const sizes = options.sizes ?? [500, 2000, 10_000];
  for (const size of sizes) assertPositiveInteger(fn, 'sizes', size);
  const replicates = options.replicates ?? 2;
  assertPositiveInteger(fn, 'replicates', replicates);
  const configs = options.configs ?? ESTIMATOR_CONFIGS;
  const seeds = options.seeds ?? [1, 2, 3];
  const runs: SuiteRun[] = [];
  // Configurations innermost: a partial sweep compares every configuration on the same data.
  for (const rows of sizes) {
    for (let replicate = 1; replicate <= replicates; replicate++) {
      for (const task of tasks) {
        for (const config of configs) {
          const params = {
            task: task.id,
            rows,
            replicate,
            config: config.name,
            ...config.options,
            seeds,
          };
          runs.push({
            benchmark: 'estimate-defaults',
            runId: runId('estimate-defaults', params),
            params,
            label: `${config.name} on ${task.id}, ${rows} rows, data set ${replicate}`,
            steps: (config.options.steps ?? 2000) * seeds.length,
            task,
            rows,
            replicate,
            config,
          });
        }
      }
    }
  }
  // The report is rewritten after every run: the sweep takes hours and resumes across sessions.
  const reporting: BenchmarkContext = {
    ...context,
    onRunEnd: async (run) => {
      await context.onRunEnd?.(run);
      await writeEstimateDefaultsReport(context.folder);
    },
  };
  await runSweep(runs, reporting, async (run) => {
    // Data sets are seeded by task, size and replicate only: every configuration sees the same data.
    const data = run.task.draw(run.rows, 1000 * run.replicate + run.rows);
    const started = performance.now();
    let step = 0;
    // The suite pins what the configurations leave open, so a change of `mi estimate`'s defaults
    // neither changes nor re-runs (run ids hash the options) the candidates measured before it.
    const result = await estimateMutualInformation(data, {
      ...SUITE_BASE_OPTIONS,
      ...run.config.options,
      seeds,
      ...(options.registries ? { registries: options.registries } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      onProgress: (progress) => {
        step += 1;
        context.onStep?.({
          step,
          estimate: progress.heldOut ?? Number.NaN,
          loss: Number.NaN,
          terms: {},
          stepsPerSecond: Number.NaN,
          etaSeconds: undefined,
          trueMI: run.task.trueMI,
        });
      },
    });
    if (context.signal?.aborted) return undefined;
    const [low, high] = result.interval;
    const metrics: Record<string, number | null> = {
      trueMI: run.task.trueMI,
      estimate: result.estimate,
      low,
      high,
      covered:
        low === null || high === null
          ? null
          : Number(low <= run.task.trueMI && run.task.trueMI <= high),
      seconds: (performance.now() - started) / 1000,
    };
    result.perSeed.forEach((s, k) => {
      metrics[`seed${k}.estimate`] = s.estimate;
      metrics[`seed${k}.standardError`] = s.standardError;
      metrics[`seed${k}.validationBest`] = s.validationBest;
      metrics[`seed${k}.steps`] = s.steps;
    });
    return { metrics };
  });
  return writeEstimateDefaultsReport(context.folder);
}

/** RMSE, coverage and run count per configuration and data-set size. */
function bySizeTable(rows: readonly Row[], configs: readonly string[]): string {
  const sizes = [...new Set(rows.map((r) => r.rows))].sort((a, b) => a - b);
  return markdownTable(
    ['configuration', ...sizes.map((size) => `${size} rows`)],
    configs.map((config) => [
      config,
      ...sizes.map((size) => {
        const here = rows.filter((r) => r.config === config && r.rows === size);
        if (here.length === 0) return '–';
        const rmse = Math.sqrt(
          here.reduce((a, r) => a + (r.estimate - r.trueMI) ** 2, 0) / here.length,
        );
        const judged = here.filter((r) => r.covered !== null);
        const covered = judged.filter((r) => r.covered === 1).length;
        return `${formatNumber(rmse)}, ${covered}/${judged.length} covered (${here.length})`;
      }),
    ]),
  );
}

interface Row {
  readonly config: string;
  readonly task: string;
  readonly rows: number;
  readonly replicate: number;
  readonly trueMI: number;
  readonly estimate: number;
  readonly covered: number | null;
  readonly seconds: number;
}

/** Each seed's test estimate and validation value from a record's metrics. */
function seedsOf(record: BenchmarkRecord) {
  const seeds: { estimate: number; standardError: number | undefined; validation: number }[] = [];
  for (let k = 0; record.metrics[`seed${k}.estimate`] !== undefined; k++) {
    seeds.push({
      estimate: Number(record.metrics[`seed${k}.estimate`]),
      standardError: (record.metrics[`seed${k}.standardError`] as number | null) ?? undefined,
      validation: Number(record.metrics[`seed${k}.validationBest`] ?? Number.NEGATIVE_INFINITY),
    });
  }
  return seeds;
}

/** "auto": per seed, the test estimate of whichever of two configurations validated better. */
function deriveAuto(records: readonly BenchmarkRecord[], a: string, b: string): Row[] {
  const key = (r: BenchmarkRecord) =>
    `${r.params['task']}|${r.params['rows']}|${r.params['replicate']}`;
  const second = new Map(records.filter((r) => r.params['config'] === b).map((r) => [key(r), r]));
  const rows: Row[] = [];
  for (const first of records.filter((r) => r.params['config'] === a)) {
    const other = second.get(key(first));
    if (other === undefined) continue;
    const left = seedsOf(first);
    const right = seedsOf(other);
    if (left.length !== right.length) continue;
    const chosen = left.map((s, k) =>
      s.validation >= (right[k] as typeof s).validation ? s : right[k]!,
    );
    const interval = estimateInterval(chosen);
    const truth = Number(first.metrics['trueMI']);
    const [low, high] = interval.bounds;
    rows.push({
      config: `auto (${a} or ${b})`,
      task: String(first.params['task']),
      rows: Number(first.params['rows']),
      replicate: Number(first.params['replicate']),
      trueMI: truth,
      estimate: interval.mean,
      covered: low === null || high === null ? null : Number(low <= truth && truth <= high),
      seconds: Number(first.metrics['seconds']) + Number(other.metrics['seconds']),
    });
  }
  return rows;
}

/** Writes `report.md`: configurations ranked by RMSE, coverage, time, and a per-task table. */
export async function writeEstimateDefaultsReport(folder: BenchmarkContext['folder']) {
  const records = folder.all().filter((r) => r.benchmark === 'estimate-defaults');
  const rows: Row[] = records.map((r) => ({
    config: String(r.params['config']),
    task: String(r.params['task']),
    rows: Number(r.params['rows']),
    replicate: Number(r.params['replicate']),
    trueMI: Number(r.metrics['trueMI']),
    estimate: Number(r.metrics['estimate']),
    covered: r.metrics['covered'] as number | null,
    seconds: Number(r.metrics['seconds']),
  }));
  rows.push(...deriveAuto(records, 'separable-256', 'joint-256'));
  rows.push(...deriveAuto(records, 'separable-256-rank', 'joint-256-rank'));
  const configs = [...new Set(rows.map((r) => r.config))];
  const summary = configs
    .map((config) => {
      const mine = rows.filter((r) => r.config === config);
      const errors = mine.map((r) => r.estimate - r.trueMI);
      const covered = mine.filter((r) => r.covered !== null);
      const seconds = [...mine.map((r) => r.seconds)].sort((a, b) => a - b);
      return {
        config,
        runs: mine.length,
        rmse: Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length),
        meanError: errors.reduce((a, e) => a + e, 0) / errors.length,
        coverage:
          covered.length === 0
            ? Number.NaN
            : covered.reduce((a, r) => a + (r.covered as number), 0) / covered.length,
        medianSeconds: seconds[Math.floor(seconds.length / 2)] ?? Number.NaN,
      };
    })
    .sort((a, b) => a.rmse - b.rmse);
  const lines = [
    '# `mi estimate` defaults on tasks with known MI',
    '',
    `${records.length} runs; backend ${[...new Set(records.map((r) => String(r.environment?.['backend'] ?? '?')))].join(', ')}; ${formatNumber(rows.filter((r) => !r.config.startsWith('auto')).reduce((a, r) => a + r.seconds, 0) / 3600)} hours of estimation in all; seeds 1, 2, 3 per estimate; data sets seeded by task, size and replicate. SMILE (τ = 5), batch 64, at most 2000 steps per seed, early stopping on validation (patience 10 evaluations, one every 50 steps).`,
    '',
    'Each run is one full `mi estimate` (its seeds, 60/20/20 train/validation/test splits, early stopping on validation, the test estimate of the best-validation weights, and the 95% t interval) on one data set drawn from a task with known MI. "auto" picks, per seed, whichever of separable-256 and joint-256 has the better validation value (derived from those two runs, which share seeds and splits). Error = estimate − truth.',
    '',
    markdownTable(
      [
        'configuration',
        'runs',
        'RMSE (nats)',
        'mean error',
        'interval coverage (nominal 95%)',
        'median seconds per estimate',
      ],
      summary.map((s) => [
        s.config,
        s.runs,
        formatNumber(s.rmse),
        formatNumber(s.meanError),
        Number.isFinite(s.coverage) ? `${(100 * s.coverage).toFixed(0)}%` : '–',
        formatNumber(s.medianSeconds),
      ]),
    ),
    '',
    '## By size',
    '',
    'Not every size ran every configuration: the larger sizes ran fewer data sets and configurations (the sweep is labelled by what it holds, per cell: RMSE, interval coverage, runs).',
    '',
    bySizeTable(
      rows,
      summary.map((s) => s.config),
    ),
    '',
    '## Per task and size (mean estimate over data sets; truth in the header)',
    '',
  ];
  const tasks = [...new Set(rows.map((r) => `${r.task}|${r.rows}`))];
  lines.push(
    markdownTable(
      ['task', 'rows', 'truth', ...summary.map((s) => s.config)],
      tasks.map((key) => {
        const [task, size] = key.split('|') as [string, string];
        const here = rows.filter((r) => r.task === task && r.rows === Number(size));
        return [
          task,
          size,
          formatNumber(here[0]?.trueMI),
          ...summary.map((s) => {
            const mine = here.filter((r) => r.config === s.config);
            if (mine.length === 0) return '–';
            const mean = mine.reduce((a, r) => a + r.estimate, 0) / mine.length;
            const covered = mine.filter((r) => r.covered === 1).length;
            return `${formatNumber(mean)} (${covered}/${mine.length} covered)`;
          }),
        ];
      }),
    ),
  );
  const report = await folder.write('report.md', `${lines.join('\n')}\n`);
  return { report, summary };
}
