import { assertNumber, assertPositiveInteger } from '@mi/core';
import { oneHot } from '@mi/datasets';
import type { BenchmarkRecord, PluginSpec } from '@mi/spec';
import { train } from '@mi/train';
import type { BenchmarkContext } from '../benchmark-context';
import { type VegaLiteSpec, writeFigure } from '../figures/render-figure';
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

/** Options of {@link runOnehotBenchmark}; defaults follow ReMINE §3.1. */
export interface OnehotBenchmarkOptions {
  /** N, classes of X ~ U(1, N); Y = X and I(X; Y) = log N. Default 16. */
  readonly classes?: number;
  /** Bounds compared. Default MINE, NWJ, ReMINE, ReNWJ. */
  readonly bounds?: readonly SpecInput[];
  /**
   * The critic, a spec the critic registry resolves. Default `onehot`, the paper's 32 − 256 − 1
   * network. Rows are one-hot codes of N classes: a plugin critic gets `xFeatures = yFeatures = N`
   * and `seed`.
   */
  readonly critic?: SpecInput;
  /** Batch sizes of the drift runs (ReMINE Fig. 1: 100 and 10). */
  readonly driftBatchSizes?: readonly number[];
  /** Batch sizes of the variance sweep (ReMINE Fig. 2a: 100, 200, 400, 800; plus small ones). */
  readonly sweepBatchSizes?: readonly number[];
  /** Training steps per run. Default 3000 (ReMINE Fig. 1). */
  readonly steps?: number;
  /** SGD learning rate. Default 0.1 (ReMINE §3.1). */
  readonly learningRate?: number;
  /** One sweep per seed. Default `[1]`. */
  readonly seeds?: readonly number[];
  /** Where bound and critic names are looked up (built-ins plus plugins). Default: the built-ins. */
  readonly registries?: BenchmarkRegistries;
}

/** The defaults of {@link OnehotBenchmarkOptions}: ReMINE's protocol. */
const ONEHOT_DEFAULTS = {
  classes: 16,
  bounds: ['mine', 'nwj', 'remine', 'renwj'],
  critic: 'onehot',
  driftBatchSizes: [100, 10],
  sweepBatchSizes: [2, 4, 8, 16, 32, 64, 100, 200, 400, 800],
  steps: 3000,
  learningRate: 0.1,
  seeds: [1],
} as const satisfies OnehotBenchmarkOptions;

/**
 * Presets of {@link runOnehotBenchmark} that override some defaults.
 *
 * `quick`: MINE and ReMINE, 300 steps, drift at n = 100 and 10, sweep over 4, 16, 64.
 */
export const onehotPresets = {
  quick: {
    bounds: ['mine', 'remine'],
    steps: 300,
    driftBatchSizes: [100, 10],
    sweepBatchSizes: [4, 16, 64],
  },
} as const satisfies Record<string, OnehotBenchmarkOptions>;

/** One planned run: a drift run (traces kept) or a point of the batch-size sweep. */
interface OnehotRun extends PlannedRun {
  readonly kind: 'drift' | 'sweep';
  readonly bound: PluginSpec;
  readonly batchSize: number;
  readonly seed: number;
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
  const d = ONEHOT_DEFAULTS;
  const classes = options.classes ?? d.classes;
  assertPositiveInteger(fn, 'classes', classes);
  const steps = options.steps ?? d.steps;
  assertPositiveInteger(fn, 'steps', steps);
  const learningRate = options.learningRate ?? d.learningRate;
  assertNumber(fn, 'learningRate', learningRate, { min: 0, minExclusive: true });
  const registries = withDefaultRegistries(options.registries);
  const bounds = (options.bounds ?? d.bounds).map((spec) => toPluginSpec(spec, 'bound'));
  const criticSpec = toPluginSpec(options.critic ?? d.critic, 'critic');
  const criticContext = (seed: number): CriticContext => ({
    inputs: { kind: 'tabular', xFeatures: classes, yFeatures: classes },
    seed,
  });
  for (const bound of bounds) createBound(registries.bounds, bound);
  createCritic(registries.critics, criticSpec, criticContext(0)).dispose();
  const driftSizes = options.driftBatchSizes ?? d.driftBatchSizes;
  const sweepSizes = options.sweepBatchSizes ?? d.sweepBatchSizes;
  for (const n of [...driftSizes, ...sweepSizes])
    assertNumber(fn, 'batch size', n, { min: 2, integer: true });
  const seeds = options.seeds ?? d.seeds;
  const data = oneHot({ classes });

  const runs: OnehotRun[] = [];
  const plan = (kind: 'drift' | 'sweep', bound: PluginSpec, batchSize: number, seed: number) => {
    const params = {
      kind,
      classes,
      bound: bound.label,
      batchSize,
      seed,
      steps,
      learningRate,
      // Named only when it is not the paper's, so the default sweep keeps its run ids.
      ...(criticSpec.label === d.critic ? {} : { critic: criticSpec.label }),
    };
    const critic = criticSpec.label === d.critic ? '' : ` ${criticSpec.label} critic`;
    runs.push({
      benchmark: 'onehot',
      runId: runId('onehot', params),
      params,
      label: `onehot ${kind} ${bound.label}${critic} n=${batchSize} seed ${seed}`,
      steps,
      kind,
      bound,
      batchSize,
      seed,
    });
  };
  for (const bound of bounds) {
    for (const seed of seeds) {
      for (const batchSize of driftSizes) plan('drift', bound, batchSize, seed);
      for (const batchSize of sweepSizes) plan('sweep', bound, batchSize, seed);
    }
  }
  await runSweep(runs, context, async (run) => {
    const critic = createCritic(registries.critics, criticSpec, criticContext(run.seed));
    const observeEvery = Math.max(1, Math.floor(steps / 300));
    const outputs: { step: number; joint: number; nonJoint: number }[] = [];
    try {
      const result = await train({
        critic,
        bound: createBound(registries.bounds, run.bound),
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
      if (result.stopReason === 'aborted') return undefined;
      const estimates = result.traces.estimate;
      const half = estimates.subarray(Math.floor(estimates.length / 2));
      const mean = half.reduce((a, b) => a + b, 0) / Math.max(1, half.length);
      const variance = half.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, half.length);
      const last = outputs.at(-1);
      return {
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
        ...(run.kind === 'drift'
          ? {
              trace: {
                step: result.traces.step,
                estimate: result.traces.estimate,
                joint: result.traces.joint,
                logPartition: result.traces.logPartition,
                outputStep: outputs.map((o) => o.step),
                jointOutput: outputs.map((o) => o.joint),
                nonJointOutput: outputs.map((o) => o.nonJoint),
              },
            }
          : {}),
      };
    } finally {
      critic.dispose();
    }
  });
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
  const sorted = [...records].sort(
    (a, b) =>
      String(a.params['kind']).localeCompare(String(b.params['kind'])) ||
      estimator(a).localeCompare(estimator(b)) ||
      Number(a.params['batchSize']) - Number(b.params['batchSize']),
  );
  lines.push(
    markdownTable(
      [
        'run',
        'bound',
        'n',
        'mean estimate (last half)',
        'variance',
        'E_P[T] (end)',
        'log E_Q[e^T] (end)',
        'T joint (end)',
        'T non-joint (end)',
      ],
      sorted.map((r) => {
        const m = r.metrics;
        return [
          String(r.params['kind']),
          estimator(r),
          String(r.params['batchSize']),
          ...[
            'meanEstimate',
            'varianceEstimate',
            'finalJointTerm',
            'finalLogPartition',
            'finalJointOutput',
            'finalNonJointOutput',
          ].map((key) => formatNumber(m[key])),
        ];
      }),
    ),
  );
  const figures: string[] = [];
  const drift: StepPoint[] = [];
  const outputs: StepPoint[] = [];
  for (const r of records.filter((x) => x.params['kind'] === 'drift')) {
    const trace = await folder.readTrace(r.runId);
    if (!trace) continue;
    const panel = `${estimator(r)}, n = ${r.params['batchSize']}`;
    drift.push(
      ...tracePoints(
        panel,
        trace['step'] as number[],
        {
          'E_P[T]': trace['joint'] as number[],
          'log E_Q[e^T]': trace['logPartition'] as number[],
          estimate: trace['estimate'] as number[],
        },
        600,
      ),
    );
    outputs.push(
      ...tracePoints(panel, trace['outputStep'] as number[], {
        joint: trace['jointOutput'] as number[],
        'non-joint': trace['nonJointOutput'] as (number | null)[],
      }),
    );
  }
  const chart = (points: StepPoint[], title: string): VegaLiteSpec =>
    stepChart({
      points,
      title,
      columns: 2,
      width: 300,
      height: 180,
      xTitle: 'step',
      yTitle: null,
      independentY: true,
    });
  if (drift.length > 0) {
    const a = await writeFigure(
      folder,
      'onehot-drift',
      chart(drift, 'The two DV terms during training'),
    );
    const b = await writeFigure(
      folder,
      'onehot-outputs',
      chart(outputs, 'Mean critic output on joint and non-joint pairs'),
    );
    figures.push(a.svg, a.png, b.svg, b.png);
    lines.push('', '![drift](onehot-drift.svg)', '', '![outputs](onehot-outputs.svg)');
  }
  const sweep = records
    .filter(
      (r) => r.params['kind'] === 'sweep' && typeof r.metrics['varianceEstimate'] === 'number',
    )
    .map((r) => ({
      bound: estimator(r),
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

/** The bound of a record, with its critic when the run did not use the paper's. */
function estimator(record: BenchmarkRecord): string {
  const critic = record.params['critic'];
  return `${record.params['bound']}${critic === undefined ? '' : ` (${critic} critic)`}`;
}
