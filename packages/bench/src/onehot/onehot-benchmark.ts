import { type BoundRegistry, createBoundRegistry } from '@mi/bounds';
import { assertNumber, assertPositiveInteger } from '@mi/core';
import { onehotCritic } from '@mi/critics';
import { oneHot } from '@mi/datasets';
import type { BenchmarkRecord } from '@mi/spec';
import { train } from '@mi/train';
import type { BenchmarkContext } from '../benchmark-context';
import { createBoundFromSpec, parseBoundSpec } from '../bound-spec';
import { benchmarkEnvironment } from '../environment';
import { thin, type VegaLiteSpec, writeFigure } from '../figures/render-figure';
import { formatNumber } from '../gaussian/gaussian-report';
import { runId } from '../records/run-id';
import { selectShard } from '../records/shard';

/** Options of {@link runOnehotBenchmark}; defaults follow ReMINE §3.1. */
export interface OnehotBenchmarkOptions {
  /** N, classes of X ~ U(1, N); Y = X and I(X; Y) = log N. Default 16. */
  readonly classes?: number;
  /** Bounds compared. Default MINE, NWJ, ReMINE, ReNWJ. */
  readonly bounds?: readonly string[];
  /** Batch sizes of the drift runs (ReMINE Fig. 1: 100 and 10). */
  readonly driftBatchSizes?: readonly number[];
  /** Batch sizes of the variance sweep (ReMINE Fig. 2a: 100, 200, 400, 800; plus small ones). */
  readonly sweepBatchSizes?: readonly number[];
  /** Training steps per run. Default 3000 (ReMINE Fig. 1). */
  readonly steps?: number;
  /** SGD learning rate. Default 0.1 (ReMINE §3.1). */
  readonly learningRate?: number;
  readonly seeds?: readonly number[];
  readonly registry?: BoundRegistry;
}

/**
 * The one-hot experiments of ReMINE (2021, §3) and Choi & Lee (2022, §3): X uniform on
 * {1, …, 16} one-hot coded, Y = X, the 32 − 256 − 1 critic, SGD 0.1. Drift runs record both DV
 * terms (E_P[T] and log E_Q[e^T]) and the critic's mean output on joint pairs (same class) and
 * non-joint pairs at every observed step: MINE's terms drift together while its estimate looks
 * converged; the regularised bounds pin log E_Q[e^T] to C. The sweep reports the variance of the
 * estimate over the last half of training for each batch size.
 */
export async function runOnehotBenchmark(
  options: OnehotBenchmarkOptions,
  context: BenchmarkContext,
) {
  const fn = 'onehot benchmark';
  const classes = options.classes ?? 16;
  assertPositiveInteger(fn, 'classes', classes);
  const steps = options.steps ?? 3000;
  assertPositiveInteger(fn, 'steps', steps);
  const learningRate = options.learningRate ?? 0.1;
  assertNumber(fn, 'learningRate', learningRate, { min: 0, minExclusive: true });
  const registry = options.registry ?? createBoundRegistry();
  const bounds = (options.bounds ?? ['mine', 'nwj', 'remine', 'renwj']).map(parseBoundSpec);
  for (const bound of bounds) createBoundFromSpec(registry, bound);
  const driftSizes = options.driftBatchSizes ?? [100, 10];
  const sweepSizes = options.sweepBatchSizes ?? [2, 4, 8, 16, 32, 64, 100, 200, 400, 800];
  for (const n of [...driftSizes, ...sweepSizes])
    assertNumber(fn, 'batch size', n, { min: 2, integer: true });
  const seeds = options.seeds ?? [1];
  const data = oneHot({ classes });

  type Run = {
    kind: 'drift' | 'sweep';
    bound: (typeof bounds)[number];
    batchSize: number;
    seed: number;
  };
  const planned: Run[] = [];
  for (const bound of bounds) {
    for (const seed of seeds) {
      for (const batchSize of driftSizes) planned.push({ kind: 'drift', bound, batchSize, seed });
      for (const batchSize of sweepSizes) planned.push({ kind: 'sweep', bound, batchSize, seed });
    }
  }
  const runs = selectShard(planned, context.shard);
  let index = 0;
  for (const run of runs) {
    if (context.signal?.aborted) break;
    const params = {
      kind: run.kind,
      classes,
      bound: run.bound.label,
      batchSize: run.batchSize,
      seed: run.seed,
      steps,
      learningRate,
    };
    const id = runId('onehot', params);
    const label = `onehot ${run.kind} ${run.bound.label} n=${run.batchSize} seed ${run.seed}`;
    if (context.folder.has(id)) {
      context.onRunSkipped?.({ runId: id, label });
      index += 1;
      continue;
    }
    context.onRunStart?.({ runId: id, label, index, total: runs.length, steps });
    const critic = onehotCritic({ xClasses: classes, seed: run.seed });
    const observeEvery = Math.max(1, Math.floor(steps / 300));
    const outputs: { step: number; joint: number; nonJoint: number }[] = [];
    try {
      const result = await train({
        critic,
        bound: createBoundFromSpec(registry, run.bound),
        data,
        steps,
        batchSize: run.batchSize,
        seed: run.seed,
        optimizer: { kind: 'sgd', learningRate },
        onNonFinite: 'skip',
        ...(context.signal ? { signal: context.signal } : {}),
        callbacks: { onStep: (report) => context.onStep?.(report) },
        ...(run.kind === 'drift'
          ? {
              observe: {
                every: observeEvery,
                callback: (o) => {
                  const classOf = (rows: Float32Array, i: number) =>
                    rows.subarray(i * classes, (i + 1) * classes).indexOf(1);
                  let jointSum = 0;
                  let jointCount = 0;
                  let otherSum = 0;
                  let otherCount = 0;
                  for (let i = 0; i < o.n; i++) {
                    for (let j = 0; j < o.n; j++) {
                      const v = o.scores[i * o.n + j] as number;
                      if (classOf(o.x, i) === classOf(o.y, j)) {
                        jointSum += v;
                        jointCount += 1;
                      } else {
                        otherSum += v;
                        otherCount += 1;
                      }
                    }
                  }
                  outputs.push({
                    step: o.step,
                    joint: jointSum / Math.max(1, jointCount),
                    nonJoint: otherCount > 0 ? otherSum / otherCount : Number.NaN,
                  });
                },
              },
            }
          : {}),
      });
      if (result.stopReason === 'aborted') break;
      const estimates = result.traces.estimate;
      const half = estimates.subarray(Math.floor(estimates.length / 2));
      const mean = half.reduce((a, b) => a + b, 0) / Math.max(1, half.length);
      const variance = half.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, half.length);
      const last = outputs.at(-1);
      const record: BenchmarkRecord = {
        benchmark: 'onehot',
        runId: id,
        params,
        metrics: {
          trueMI: Math.log(classes),
          meanEstimate: mean,
          varianceEstimate: variance,
          finalJointTerm: result.traces.joint.at(-1) ?? null,
          finalLogPartition: result.traces.logPartition.at(-1) ?? null,
          finalJointOutput: last?.joint ?? null,
          finalNonJointOutput: Number.isFinite(last?.nonJoint) ? (last?.nonJoint as number) : null,
          skippedSteps: result.skippedSteps.length,
        },
        environment: benchmarkEnvironment(),
        finishedAt: new Date().toISOString(),
      };
      if (run.kind === 'drift') {
        await context.folder.writeTrace(id, {
          step: result.traces.step,
          estimate: result.traces.estimate,
          joint: result.traces.joint,
          logPartition: result.traces.logPartition,
          outputStep: outputs.map((o) => o.step),
          jointOutput: outputs.map((o) => o.joint),
          nonJointOutput: outputs.map((o) => o.nonJoint),
        });
      }
      await context.folder.append(record);
      context.onRunEnd?.({ runId: id, label, record });
    } finally {
      critic.dispose();
    }
    index += 1;
  }
  return writeOnehotReport(context.folder);
}

/** Writes `report.md` and the drift, outputs and sweep figures from every one-hot record in the folder. */
export async function writeOnehotReport(folder: BenchmarkContext['folder']) {
  const records = folder.all().filter((r) => r.benchmark === 'onehot');
  const lines: string[] = [
    '# One-hot drift and batch-size experiments (ReMINE §3, Choi & Lee §3)',
    '',
  ];
  lines.push(
    `True MI = log N = ${formatNumber(Number(records[0]?.metrics['trueMI'] ?? Number.NaN))} nats.`,
    '',
  );
  lines.push(
    '| run | bound | n | mean estimate (last half) | variance | E_P[T] (end) | log E_Q[e^T] (end) | T joint (end) | T non-joint (end) |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  const sorted = [...records].sort(
    (a, b) =>
      String(a.params['kind']).localeCompare(String(b.params['kind'])) ||
      String(a.params['bound']).localeCompare(String(b.params['bound'])) ||
      Number(a.params['batchSize']) - Number(b.params['batchSize']),
  );
  for (const r of sorted) {
    const m = r.metrics;
    lines.push(
      `| ${r.params['kind']} | ${r.params['bound']} | ${r.params['batchSize']} | ${formatNumber(m['meanEstimate'])} | ${formatNumber(m['varianceEstimate'])} | ${formatNumber(m['finalJointTerm'])} | ${formatNumber(m['finalLogPartition'])} | ${formatNumber(m['finalJointOutput'])} | ${formatNumber(m['finalNonJointOutput'])} |`,
    );
  }
  const figures: string[] = [];
  const drift: Record<string, unknown>[] = [];
  const outputs: Record<string, unknown>[] = [];
  for (const r of records.filter((x) => x.params['kind'] === 'drift')) {
    const trace = await folder.readTrace(r.runId);
    if (!trace) continue;
    const panel = `${r.params['bound']}, n = ${r.params['batchSize']}`;
    const steps = trace['step'] as number[];
    for (const k of thin([...steps.keys()], 600)) {
      drift.push({ panel, step: steps[k], term: 'E_P[T]', value: (trace['joint'] as number[])[k] });
      drift.push({
        panel,
        step: steps[k],
        term: 'log E_Q[e^T]',
        value: (trace['logPartition'] as number[])[k],
      });
      drift.push({
        panel,
        step: steps[k],
        term: 'estimate',
        value: (trace['estimate'] as number[])[k],
      });
    }
    const outputSteps = trace['outputStep'] as number[];
    outputSteps.forEach((step, k) => {
      outputs.push({ panel, step, pairs: 'joint', value: (trace['jointOutput'] as number[])[k] });
      const other = (trace['nonJointOutput'] as (number | null)[])[k];
      if (typeof other === 'number')
        outputs.push({ panel, step, pairs: 'non-joint', value: other });
    });
  }
  const facetLines = (
    values: Record<string, unknown>[],
    colorField: string,
    title: string,
  ): VegaLiteSpec => ({
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null },
    columns: 2,
    spec: {
      width: 300,
      height: 180,
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: {
        x: { field: 'step', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: colorField, type: 'nominal', title: null },
      },
    },
    resolve: { scale: { y: 'independent' } },
    title,
  });
  if (drift.length > 0) {
    const a = await writeFigure(
      folder,
      'onehot-drift',
      facetLines(drift, 'term', 'The two DV terms during training'),
    );
    const b = await writeFigure(
      folder,
      'onehot-outputs',
      facetLines(outputs, 'pairs', 'Mean critic output on joint and non-joint pairs'),
    );
    figures.push(a.svg, a.png, b.svg, b.png);
    lines.push('', '![drift](onehot-drift.svg)', '', '![outputs](onehot-outputs.svg)');
  }
  const sweep = records
    .filter(
      (r) => r.params['kind'] === 'sweep' && typeof r.metrics['varianceEstimate'] === 'number',
    )
    .map((r) => ({
      bound: r.params['bound'],
      batchSize: r.params['batchSize'],
      variance: Math.max(1e-8, r.metrics['varianceEstimate'] as number),
    }));
  if (sweep.length > 0) {
    const c = await writeFigure(folder, 'onehot-batch-sweep', {
      data: { values: sweep },
      width: 420,
      height: 260,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'batchSize',
          type: 'quantitative',
          scale: { type: 'log' },
          title: 'batch size',
        },
        y: {
          field: 'variance',
          type: 'quantitative',
          scale: { type: 'log' },
          title: 'variance of the estimate (last half)',
        },
        color: { field: 'bound', type: 'nominal' },
      },
      title: 'Variance of the estimate against batch size',
    });
    figures.push(c.svg, c.png);
    lines.push('', '![sweep](onehot-batch-sweep.svg)');
  }
  const report = await folder.write('report.md', `${lines.join('\n')}\n`);
  return { records, report, figures };
}
