import { assertNumber, assertPositiveInteger } from '@mi/core';
import { oneHot } from '@mi/datasets';
import type { BenchmarkRecord, PluginSpec } from '@mi/spec';
import { train } from '@mi/train';
import type { BenchmarkContext } from '../benchmark-context';
import { lineChart } from '../figures/line-chart';
import { thin, type VegaLiteSpec, writeFigure } from '../figures/render-figure';
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
import { finiteOrNull } from '../stats/bias-variance';

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
    const samples = new OutputSamples(histogramCheckpoints(steps, observeEvery));
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
                  const sampling = samples.at(o.step);
                  for (let i = 0; i < o.n; i++) {
                    for (let j = 0; j < o.n; j++) {
                      const v = o.scores[i * o.n + j] as number;
                      const joint = classOf(o.x, i) === classOf(o.y, j);
                      if (joint) {
                        jointSum += v;
                        jointCount += 1;
                      } else {
                        otherSum += v;
                        otherCount += 1;
                      }
                      sampling?.add(joint, v);
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
          seconds: result.seconds,
          trueMI: Math.log(classes),
          meanEstimate: mean,
          varianceEstimate: variance,
          finalJointTerm: result.traces.joint.at(-1) ?? null,
          finalLogPartition: result.traces.logPartition.at(-1) ?? null,
          finalJointOutput: last?.joint ?? null,
          finalNonJointOutput: Number.isFinite(last?.nonJoint) ? (last?.nonJoint as number) : null,
          jointTermDrift: finiteOrNull(drift(result.traces.joint)),
          logPartitionDrift: finiteOrNull(drift(result.traces.logPartition)),
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
                ...samples.trace(),
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
  const histograms: { outputs: HistogramValue[]; estimates: HistogramValue[] } = {
    outputs: [],
    estimates: [],
  };
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
    const sampleOutput = (trace['sampleOutput'] as number[] | undefined) ?? [];
    sampleOutput.forEach((value, k) => {
      const step = (trace['sampleStep'] as number[])[k] as number;
      histograms.outputs.push({
        row: panel,
        column: `step ${step}`,
        order: step,
        group: (trace['sampleJoint'] as number[])[k] === 1 ? 'joint' : 'non-joint',
        value,
      });
    });
    if (sampleOutput.length > 0) {
      for (const value of (trace['estimate'] as number[]).slice(-ESTIMATE_HISTOGRAM_STEPS)) {
        if (Number.isFinite(value))
          histograms.estimates.push({
            row: 'estimate',
            column: panel,
            order: 0,
            group: 'estimate',
            value,
          });
      }
    }
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
  if (histograms.outputs.length > 0) {
    const h = await writeFigure(
      folder,
      'onehot-output-histograms',
      histogramChart(histograms.outputs, 'Critic outputs on joint and non-joint pairs', 'T'),
    );
    const e = await writeFigure(
      folder,
      'onehot-estimate-histograms',
      histogramChart(
        histograms.estimates,
        `Estimates of the last ${ESTIMATE_HISTOGRAM_STEPS} steps`,
        'estimate (nats)',
      ),
    );
    figures.push(h.svg, h.png, e.svg, e.png);
    lines.push(
      '',
      '![output histograms](onehot-output-histograms.svg)',
      '',
      '![estimate histograms](onehot-estimate-histograms.svg)',
    );
  }
  const sweep = records
    .filter(
      (r) => r.params['kind'] === 'sweep' && typeof r.metrics['varianceEstimate'] === 'number',
    )
    .map((r) => ({
      panel: 'all bounds',
      series: estimator(r),
      x: Number(r.params['batchSize']),
      value: Math.max(1e-8, r.metrics['varianceEstimate'] as number),
    }));
  if (sweep.length > 0) {
    const c = await writeFigure(
      folder,
      'onehot-batch-sweep',
      lineChart({
        points: sweep,
        title: 'Variance of the estimate against batch size',
        xTitle: 'batch size',
        yTitle: 'variance of the estimate (last half)',
        columns: 1,
        width: 420,
        height: 260,
        logX: true,
        logY: true,
      }),
    );
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

/** The observed steps nearest a quarter, half, three quarters and the end of training. */
function histogramCheckpoints(steps: number, every: number): number[] {
  const observed = (target: number) => Math.max(0, Math.floor(target / every) * every);
  return [...new Set([0.25, 0.5, 0.75, 1].map((f) => observed(Math.ceil(f * steps) - 1)))];
}

/** At most this many critic outputs of each kind (joint, non-joint) per checkpoint in a trace. */
const SAMPLES_PER_KIND = 1000;

/**
 * Critic outputs on joint pairs (same class) and non-joint pairs at a few steps, for the output
 * histograms of ReMINE Fig. 2b and Choi & Lee Fig. 2: every output is kept while the step is
 * observed, then thinned to an evenly spaced subset for the trace.
 */
class OutputSamples {
  readonly #values = new Map<number, { joint: number[]; nonJoint: number[] }>();

  constructor(steps: readonly number[]) {
    for (const step of steps) this.#values.set(step, { joint: [], nonJoint: [] });
  }

  /** The collector of a checkpoint step, or undefined at other steps. */
  at(step: number): { add(joint: boolean, value: number): void } | undefined {
    const values = this.#values.get(step);
    if (values === undefined) return undefined;
    return {
      add: (joint, value) => {
        if (Number.isFinite(value)) (joint ? values.joint : values.nonJoint).push(value);
      },
    };
  }

  /** Parallel series: the step, the kind (1 joint, 0 non-joint) and the output of each sample. */
  trace(): { sampleStep: number[]; sampleJoint: number[]; sampleOutput: number[] } {
    const out = { sampleStep: [] as number[], sampleJoint: [] as number[], sampleOutput: [] };
    for (const [step, values] of this.#values) {
      for (const [kind, list] of [
        [1, values.joint],
        [0, values.nonJoint],
      ] as const) {
        for (const value of thin(list, SAMPLES_PER_KIND)) {
          out.sampleStep.push(step);
          out.sampleJoint.push(kind);
          (out.sampleOutput as number[]).push(value);
        }
      }
    }
    return out;
  }
}

/**
 * How far a DV term moved after the estimate settled: its mean over the last tenth of training
 * minus its mean over the tenth around the middle (ReMINE Fig. 1a: both terms drift in parallel
 * while the estimate stays).
 */
function drift(values: ArrayLike<number>): number {
  const n = values.length;
  const meanOver = (from: number, to: number) => {
    let sum = 0;
    let count = 0;
    for (let k = Math.floor(from * n); k < Math.floor(to * n); k++) {
      const v = values[k] as number;
      if (Number.isFinite(v)) {
        sum += v;
        count += 1;
      }
    }
    return count > 0 ? sum / count : Number.NaN;
  };
  return meanOver(0.9, 1) - meanOver(0.45, 0.55);
}

/** ReMINE Fig. 2a: the histogram of the estimates of the final 1000 batches. */
const ESTIMATE_HISTOGRAM_STEPS = 1000;

/** One value of a histogram panel (row × column), coloured by group. */
interface HistogramValue {
  readonly row: string;
  readonly column: string;
  /** Columns are ordered by it (the step), then by name. */
  readonly order: number;
  readonly group: string;
  readonly value: number;
}

/** Overlaid histograms (30 bins, counts), one panel per row × column, independent x scales. */
function histogramChart(values: readonly HistogramValue[], title: string, xTitle: string) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: {
      row: { field: 'row', type: 'nominal', title: null },
      column: {
        field: 'column',
        type: 'nominal',
        title: null,
        sort: { field: 'order', op: 'min' },
      },
    },
    spec: {
      width: 180,
      height: 110,
      mark: { type: 'bar', opacity: 0.6 },
      encoding: {
        x: { field: 'value', type: 'quantitative', bin: { maxbins: 30 }, title: xTitle },
        y: { aggregate: 'count', type: 'quantitative', title: 'count', stack: null },
        color: { field: 'group', type: 'nominal', title: null },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    title,
  };
}
