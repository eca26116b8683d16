import { mine, minee } from '@mi/bounds';
import { assertNumber, assertPositiveInteger } from '@mi/core';
import { jointCritic, mineeCritic } from '@mi/critics';
import { highDimensionalGaussian, mixedGaussian, sampleDataset } from '@mi/datasets';
import type { BenchmarkRecord } from '@mi/spec';
import { train } from '@mi/train';
import type { BenchmarkContext } from '../benchmark-context';
import { benchmarkEnvironment } from '../environment';
import { thin, writeFigure } from '../figures/render-figure';
import { formatNumber } from '../gaussian/gaussian-report';
import { runId } from '../records/run-id';
import { selectShard } from '../records/shard';

/** One MI-NEE task of Chan et al. (2019) §4. */
export interface MineeTask {
  /** `mg` (mixed Gaussian MG(ρ)) or `hg` (HG(ρ, d)). */
  readonly kind: 'mg' | 'hg';
  readonly rho: number;
  /** d for HG. */
  readonly dimension?: number;
  /** Adam learning rate: 1e-4 for MG(0.9), 5e-5 for HG(0.9, 6) in the paper. */
  readonly learningRate: number;
  /** Reference batch = factor × batch: 10 for MG, 300 for HG in the paper. */
  readonly referenceFactor: number;
}

/** Options of {@link runMineeBenchmark}; defaults are the paper's. */
export interface MineeBenchmarkOptions {
  readonly tasks?: readonly MineeTask[];
  /** Samples in the fixed dataset. Default 400. */
  readonly sampleSize?: number;
  /** Default 100. */
  readonly batchSize?: number;
  /** Training steps per run. Default 30 000. */
  readonly steps?: number;
  /** Hidden widths of every network (MI-NEE's three heads and MINE's critic). Default [100, 100]. */
  readonly hiddenUnits?: readonly number[];
  readonly seeds?: readonly number[];
  /** Which estimators: MI-NEE and/or MINE (moving average 0.01). */
  readonly methods?: readonly ('minee' | 'mine')[];
}

const PAPER_TASKS: readonly MineeTask[] = [
  { kind: 'mg', rho: 0.9, learningRate: 1e-4, referenceFactor: 10 },
  { kind: 'hg', rho: 0.9, dimension: 6, learningRate: 5e-5, referenceFactor: 300 },
];

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
 * truth (the paper: about 2·10⁴ for MI-NEE and 7·10⁴ for MINE on MG(0.9)).
 */
export async function runMineeBenchmark(options: MineeBenchmarkOptions, context: BenchmarkContext) {
  const fn = 'minee benchmark';
  const tasks = options.tasks ?? PAPER_TASKS;
  const sampleSize = options.sampleSize ?? 400;
  const batchSize = options.batchSize ?? 100;
  const steps = options.steps ?? 30_000;
  const hiddenUnits = options.hiddenUnits ?? [100, 100];
  const seeds = options.seeds ?? [1];
  const methods = options.methods ?? ['minee', 'mine'];
  assertPositiveInteger(fn, 'sampleSize', sampleSize);
  assertNumber(fn, 'batchSize', batchSize, { min: 2, max: sampleSize, integer: true });
  assertPositiveInteger(fn, 'steps', steps);
  for (const task of tasks) {
    assertNumber(fn, 'rho', task.rho, { min: 0, max: 1, maxExclusive: true });
    assertNumber(fn, 'learningRate', task.learningRate, { min: 0, minExclusive: true });
    assertPositiveInteger(fn, 'referenceFactor', task.referenceFactor);
  }
  const planned = tasks.flatMap((task) =>
    methods.flatMap((method) => seeds.map((seed) => ({ task, method, seed }))),
  );
  const runs = selectShard(planned, context.shard);
  let index = 0;
  for (const { task, method, seed } of runs) {
    if (context.signal?.aborted) break;
    const taskName =
      task.kind === 'mg' ? `MG(${task.rho})` : `HG(${task.rho}, ${task.dimension ?? 6})`;
    const params = {
      task: taskName,
      method,
      seed,
      sampleSize,
      batchSize,
      steps,
      hiddenUnits,
      learningRate: task.learningRate,
      referenceFactor: task.referenceFactor,
    };
    const id = runId('minee', params);
    const label = `${taskName} ${method} seed ${seed}`;
    if (context.folder.has(id)) {
      context.onRunSkipped?.({ runId: id, label });
      index += 1;
      continue;
    }
    context.onRunStart?.({ runId: id, label, index, total: runs.length, steps });
    const sampler =
      task.kind === 'mg'
        ? mixedGaussian({ rho: task.rho })
        : highDimensionalGaussian({ rho: task.rho, dimension: task.dimension ?? 6 });
    const dataset = sampleDataset(sampler, { size: sampleSize, seed });
    const features = sampler.shape.x[0] as number;
    const critic =
      method === 'minee'
        ? mineeCritic({ xFeatures: features, yFeatures: features, hiddenUnits, seed })
        : jointCritic({ xFeatures: features, yFeatures: features, hiddenUnits, seed });
    try {
      const result = await train({
        critic,
        bound: method === 'minee' ? minee.create() : mine.create({ decay: 0.01 }),
        data: dataset,
        steps,
        batchSize,
        seed,
        emaDecay: 0.99,
        referenceFactor: task.referenceFactor,
        optimizer: { kind: 'adam', learningRate: task.learningRate },
        onNonFinite: 'skip',
        ...(context.signal ? { signal: context.signal } : {}),
        callbacks: { onStep: (report) => context.onStep?.(report) },
      });
      if (result.stopReason === 'aborted') break;
      const truth = sampler.trueMI as number;
      const reached = convergenceSteps(result.traces.step, result.traces.ema, truth);
      const record: BenchmarkRecord = {
        benchmark: 'minee',
        runId: id,
        params,
        metrics: {
          trueMI: truth,
          finalEma: result.estimates.ema,
          firstWithin10Percent: reached.first ?? null,
          settledWithin10Percent: reached.settled ?? null,
          msPerStep: (1000 * result.seconds) / Math.max(1, result.steps),
          skippedSteps: result.skippedSteps.length,
        },
        environment: benchmarkEnvironment(),
        finishedAt: new Date().toISOString(),
      };
      await context.folder.writeTrace(id, {
        step: result.traces.step,
        estimate: result.traces.estimate,
        ema: result.traces.ema,
        trueMI: truth,
      });
      await context.folder.append(record);
      context.onRunEnd?.({ runId: id, label, record });
    } finally {
      critic.dispose();
    }
    index += 1;
  }
  return writeMineeReport(context.folder);
}

/** Writes `report.md` and `minee-convergence.svg/png` from every MI-NEE record in the folder. */
export async function writeMineeReport(folder: BenchmarkContext['folder']) {
  const records = folder.all().filter((r) => r.benchmark === 'minee');
  const lines = ['# MI-NEE vs MINE (Chan et al. 2019, §4)', ''];
  lines.push(
    'Steps until the EMA (rate 0.01) of the estimate is within 10% of the truth: first entry, and the step from which it stays within until the end. Paper, MG(0.9): MI-NEE ≈ 2·10⁴, MINE ≈ 7·10⁴; HG(0.9, 6): MI-NEE ≈ 6·10³, MINE not within 2.5·10⁴.',
    '',
  );
  lines.push(
    '| task | method | seed | steps | true MI | final EMA | first within 10% | settled within 10% | ms/step |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of records) {
    const m = r.metrics;
    const step = (v: unknown) => (typeof v === 'number' ? String(v) : 'never');
    lines.push(
      `| ${r.params['task']} | ${r.params['method']} | ${r.params['seed']} | ${r.params['steps']} | ${formatNumber(m['trueMI'])} | ${formatNumber(m['finalEma'])} | ${step(m['firstWithin10Percent'])} | ${step(m['settledWithin10Percent'])} | ${formatNumber(m['msPerStep'])} |`,
    );
  }
  const points: Record<string, unknown>[] = [];
  for (const r of records) {
    const trace = await folder.readTrace(r.runId);
    if (!trace) continue;
    const panel = String(r.params['task']);
    const steps = trace['step'] as number[];
    for (const k of thin([...steps.keys()], 800)) {
      points.push({
        panel,
        step: steps[k],
        series: `${r.params['method']} (raw)`,
        value: (trace['estimate'] as number[])[k],
      });
      points.push({
        panel,
        step: steps[k],
        series: `${r.params['method']} (EMA)`,
        value: (trace['ema'] as number[])[k],
      });
      points.push({ panel, step: steps[k], series: 'true MI', value: trace['trueMI'] });
    }
  }
  const figures: string[] = [];
  if (points.length > 0) {
    const written = await writeFigure(folder, 'minee-convergence', {
      data: { values: points },
      facet: { field: 'panel', type: 'nominal', title: null },
      columns: 2,
      spec: {
        width: 340,
        height: 220,
        mark: { type: 'line', strokeWidth: 1.2 },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'training step' },
          y: { field: 'value', type: 'quantitative', title: 'MI (nats)' },
          color: { field: 'series', type: 'nominal', title: null },
        },
      },
      resolve: { scale: { y: 'independent' } },
      title: 'MI-NEE and MINE estimates against training steps',
    });
    figures.push(written.svg, written.png);
    lines.push('', '![convergence](minee-convergence.svg)');
  }
  const report = await folder.write('report.md', `${lines.join('\n')}\n`);
  return { records, report, figures };
}
