import { mkdir, rename, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@mi/core';
import { InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { formatMebibytes, formatMilliseconds, formatRatio } from './format-perf-table';
import { measureTrainingStep } from './measure-training-step';
import {
  SCALING_BATCH_SIZES,
  SCALING_NEGATIVES,
  type ScalingCriticId,
  scalingCase,
} from './perf-cases';
import { GRAPH_WARMUP_STEPS } from './perf-options';
import type { PerfCaseResult, PytorchEnvironmentReport } from './perf-report';
import {
  locateTorchScript,
  probeTorch,
  pytorchEnvironmentOf,
  runTorchCase,
  untunedTorchReason,
} from './pytorch-reference';
import { firstLine, peakMemoryOf } from './run-perf-benchmark';

/** Where a scaling point runs: the native and wasm backends, and PyTorch. */
export type ScalingBackend = 'tensorflow' | 'wasm' | 'pytorch';

/** Options of {@link runPerfScaling}. */
export interface PerfScalingOptions {
  /** Batch sizes. Default 32, 64, 128, 256, 512, 1024. */
  readonly batchSizes?: readonly number[];
  /**
   * Cases. Default all: `joint` (all n² pairs), `joint-k64` (each row's pair and 64 shifted
   * partners) and `separable`.
   */
  readonly critics?: readonly ScalingCriticId[];
  /** Default: tensorflow, wasm, pytorch (a backend that is not installed is reported as skipped). */
  readonly backends?: readonly ScalingBackend[];
  /** Timed steps per point; default per case, fewer as n grows. */
  readonly steps?: number;
  /** Threads on both sides (tfjs-node intra-op, torch + OpenBLAS). Default 1. */
  readonly threads?: number;
  /** Python with torch. Default `/usr/bin/python3`. */
  readonly python?: string;
  readonly seed?: number;
  /** Most tensor memory a wasm step may need (the 32-bit heap is 4 GiB). Default 3 GiB. */
  readonly wasmMemoryBytes?: number;
  readonly onProgress?: (message: string) => void;
}

/** One point of the sweep, planned: run it, or why not. */
export interface ScalingPlanEntry {
  readonly critic: ScalingCriticId;
  readonly n: number;
  readonly backend: ScalingBackend;
  readonly warmup: number;
  readonly timed: number;
  /** Why the point is not run. */
  readonly skip?: string;
}

/** The scaling sweep's result. */
export interface PerfScalingReport {
  readonly kind: 'mi-perf-scaling';
  readonly version: 1;
  readonly startedAt: string;
  readonly seconds: number;
  readonly machine: {
    readonly cpuModel: string;
    readonly cpus: number;
    readonly platform: string;
    readonly node: string;
    readonly totalMemoryBytes: number;
  };
  readonly versions: Readonly<Record<string, string>>;
  readonly threads: number;
  readonly pytorch?: PytorchEnvironmentReport;
  readonly points: readonly PerfCaseResult[];
  readonly notes: readonly string[];
}

const SCALING_CRITICS: readonly ScalingCriticId[] = ['joint', 'joint-k64', 'separable'];
const SCALING_BACKENDS: readonly ScalingBackend[] = ['tensorflow', 'wasm', 'pytorch'];

/**
 * Tensor bytes a training step of a scaling case keeps alive at its peak, roughly: the all-pairs
 * joint critic holds about three 4-byte copies of each of its two 256-wide hidden layers per pair
 * (activation, saved input, gradient): 6 KiB per pair, 6 GiB at n = 1024. Measured peaks (the
 * `peak MiB` column) come out within a factor of two of this.
 */
export function estimatedStepBytes(critic: ScalingCriticId, n: number): number {
  const pairs =
    critic === 'joint' ? n * n : critic === 'joint-k64' ? n * (SCALING_NEGATIVES + 1) : n;
  return pairs * (256 + 256) * 4 * 3;
}

/**
 * The points of the sweep, in the order they run (backend by backend, small n first), with the
 * steps each gets and the reason a point is skipped: `joint-k64` needs n > 64 (64 negatives per
 * row), and wasm cannot hold a step that needs more than `wasmMemoryBytes` of tensors.
 */
export function planScaling(options: PerfScalingOptions = {}): ScalingPlanEntry[] {
  const batchSizes = options.batchSizes ?? SCALING_BATCH_SIZES;
  if (
    !Array.isArray(batchSizes) ||
    batchSizes.length === 0 ||
    batchSizes.some((n) => !Number.isInteger(n) || n < 2)
  ) {
    throw new InvalidArgumentError({
      functionName: 'runPerfScaling',
      parameter: 'batchSizes',
      value: batchSizes,
      expected: 'a non-empty list of integers ≥ 2',
    });
  }
  const critics = options.critics ?? SCALING_CRITICS;
  const backends = options.backends ?? SCALING_BACKENDS;
  for (const [parameter, list, known] of [
    ['critics', critics, SCALING_CRITICS],
    ['backends', backends, SCALING_BACKENDS],
  ] as const) {
    if (list.length === 0 || list.some((v) => !(known as readonly string[]).includes(v))) {
      throw new InvalidArgumentError({
        functionName: 'runPerfScaling',
        parameter,
        value: list,
        expected: `a non-empty list of ${known.join(', ')}`,
      });
    }
  }
  const wasmLimit = options.wasmMemoryBytes ?? 3 * 2 ** 30;
  const plan: ScalingPlanEntry[] = [];
  for (const backend of backends) {
    for (const critic of critics) {
      for (const n of [...batchSizes].sort((a, b) => a - b)) {
        const setup = scalingCase(critic, n);
        const base = backend === 'pytorch' ? setup.steps.tensorflow : setup.steps[backend];
        const timed = options.steps ?? base;
        let skip: string | undefined;
        if (critic === 'joint-k64' && n <= SCALING_NEGATIVES) {
          skip = `${SCALING_NEGATIVES} negatives per row need n > ${SCALING_NEGATIVES} (at n = ${n} the all-pairs joint has ${n - 1})`;
        } else if (backend === 'wasm' && estimatedStepBytes(critic, n) > wasmLimit) {
          skip = `needs ≈ ${(estimatedStepBytes(critic, n) / 2 ** 30).toFixed(1)} GiB of tensors; the wasm heap is 32-bit (4 GiB)`;
        }
        // On tfjs-node the compiled step is built and checked on the first four steps.
        const warmup =
          backend === 'tensorflow' && setup.step === 'train-step'
            ? Math.max(setup.warmup, GRAPH_WARMUP_STEPS)
            : setup.warmup;
        plan.push({ critic, n, backend, warmup, timed, ...(skip ? { skip } : {}) });
      }
    }
  }
  return plan;
}

/**
 * The scaling sweep (`pnpm bench:perf --scaling`): ms/step and peak step memory of the joint
 * critic (all n² pairs, and 64 sampled negatives per row) and the separable critic against the
 * batch size, on tfjs-node and wasm beside PyTorch at the same n and thread count. Long: the
 * all-pairs joint critic at n = 1024 scores a million pairs a step.
 */
export async function runPerfScaling(options: PerfScalingOptions = {}): Promise<PerfScalingReport> {
  const plan = planScaling(options);
  const progress = options.onProgress ?? (() => {});
  const threads = options.threads ?? 1;
  const seed = options.seed ?? 1;
  const python = options.python ?? '/usr/bin/python3';
  const startedAt = new Date();
  const started = performance.now();
  const versions: Record<string, string> = { '@tensorflow/tfjs-core': tf.version_core };
  const points: PerfCaseResult[] = [];
  const notes: string[] = [
    'ms/step: median wall time of a full training step (createTrainStep: all n² pairs, InfoNCE, Adam); joint-k64: each row against its own y and 64 shifted partners, InfoNCE over the 65 (the harness step: @mi/bounds takes square score matrices).',
    "peak MiB: TF.js the most tensor bytes alive during one profiled step (not measured, –, where tfjs-node runs the step as a compiled graph: its intermediate tensors live in TensorFlow's allocator); PyTorch the resident memory its training added (VmHWM − the resident size before the first step).",
    "PyTorch runs packages/perf/scripts/torch-timing.py with the joint critic's first layer split as ours (x·Wx + y·Wy + b), one process per point.",
  ];
  const skipped = (entry: ScalingPlanEntry, reason: string): PerfCaseResult => {
    const setup = scalingCase(entry.critic, entry.n);
    return {
      critic: entry.critic,
      backend: entry.backend,
      status: 'skipped',
      reason,
      n: entry.n,
      threads,
      flopsPerStep: entry.backend === 'pytorch' ? setup.pytorchFlops : setup.flops,
    };
  };
  for (const backend of ['tensorflow', 'wasm'] as const) {
    const entries = plan.filter((e) => e.backend === backend);
    if (entries.length === 0) continue;
    if (backend === 'tensorflow') {
      process.env['TF_NUM_INTRAOP_THREADS'] ??= String(threads);
      process.env['TF_NUM_INTEROP_THREADS'] ??= '-1'; // as initBackend: sessions run in the calling thread
      process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
    }
    if (backend === 'wasm' && threads > 1) {
      for (const e of entries)
        points.push(skipped(e, 'the wasm backend runs single-threaded in Node'));
      continue;
    }
    try {
      const info = await initBackend(backend, { log: false });
      versions[info.packageName] = info.packageVersion ?? 'unknown';
    } catch (error) {
      for (const e of entries)
        points.push(skipped(e, `backend not available: ${firstLine(error)}`));
      continue;
    }
    for (const entry of entries) {
      if (entry.skip) {
        points.push(skipped(entry, entry.skip));
        continue;
      }
      progress(
        `scaling ${entry.critic} n=${entry.n}/${backend}: ${entry.warmup} + ${entry.timed} steps`,
      );
      try {
        const result = await measureTrainingStep({
          critic: entry.critic,
          n: entry.n,
          backend,
          bound: 'infonce',
          warmupSteps: entry.warmup,
          timedSteps: entry.timed,
          seed,
          phases: false,
        });
        points.push({
          ...result,
          threads: backend === 'tensorflow' ? threads : 1,
          ...peakMemoryOf(result),
        });
        progress(`  ${formatMilliseconds(result.medianMs)} ms/step`);
      } catch (error) {
        points.push({ ...skipped(entry, firstLine(error)), status: 'failed' });
      }
    }
  }
  let pytorch: PytorchEnvironmentReport | undefined;
  const torchEntries = plan.filter((e) => e.backend === 'pytorch');
  if (torchEntries.length > 0) {
    const script = locateTorchScript();
    const torch = await probeTorch(python, script);
    const refused = !torch.ok
      ? torch.reason
      : script === undefined
        ? 'scripts/torch-timing.py not found'
        : untunedTorchReason(torch);
    if (refused !== undefined) {
      for (const e of torchEntries) points.push(skipped(e, refused));
    } else if (torch.ok && script !== undefined) {
      versions['torch'] = torch.version;
      pytorch = pytorchEnvironmentOf(torch);
      notes.push(
        `PyTorch ${torch.version}: OpenBLAS kernels ${torch.openblasCore ?? 'unknown'} (OPENBLAS_VERBOSE=2 "Core:" line), ${threads} thread(s).`,
      );
      for (const entry of torchEntries) {
        if (entry.skip) {
          points.push(skipped(entry, entry.skip));
          continue;
        }
        progress(`scaling ${entry.critic} n=${entry.n}/pytorch`);
        try {
          points.push(
            await runTorchCase({
              python,
              script,
              setup: { ...scalingCase(entry.critic, entry.n) },
              bound: 'infonce',
              warmupSteps: entry.warmup,
              timedSteps: entry.timed,
              threads,
              torchVersion: torch.version,
              openblasCore: torch.openblasCore,
            }),
          );
        } catch (error) {
          points.push({ ...skipped(entry, firstLine(error)), status: 'failed' });
        }
      }
    }
  }
  const cpuList = cpus();
  return {
    kind: 'mi-perf-scaling',
    version: 1,
    startedAt: startedAt.toISOString(),
    seconds: (performance.now() - started) / 1000,
    machine: {
      cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
      cpus: cpuList.length,
      platform: `${platform()} ${release()}`,
      node: process.version,
      totalMemoryBytes: totalmem(),
    },
    versions,
    threads,
    ...(pytorch === undefined ? {} : { pytorch }),
    points,
    notes,
  };
}

const CASE_LABELS: Record<ScalingCriticId, string> = {
  joint: 'joint, all n² pairs',
  'joint-k64': `joint, ${SCALING_NEGATIVES} negatives per row`,
  separable: 'separable',
};

/**
 * The sweep as a Vega-Lite chart: one column per case, ms/step (top) and peak step memory
 * (bottom) against n on log–log axes, one line per backend.
 */
export function scalingFigureSpec(report: PerfScalingReport): Record<string, unknown> {
  const values = report.points
    .filter((p) => p.status === 'measured' && p.medianMs !== undefined)
    .map((p) => ({
      case: CASE_LABELS[p.critic as ScalingCriticId] ?? p.critic,
      n: p.n,
      backend: p.backend,
      ms: p.medianMs,
      mib: p.peakMemoryBytes === undefined ? null : p.peakMemoryBytes / 2 ** 20,
    }));
  const sizes = [...new Set(values.map((v) => v.n))].sort((a, b) => (a ?? 0) - (b ?? 0));
  const order = Object.values(CASE_LABELS);
  const panel = (field: 'ms' | 'mib', title: string) => ({
    facet: { column: { field: 'case', type: 'nominal', title: null, sort: order } },
    spec: {
      width: 220,
      height: 180,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'n',
          type: 'quantitative',
          scale: { type: 'log', base: 2 },
          axis: { values: sizes, format: 'd' },
          title: 'batch size n',
        },
        y: { field, type: 'quantitative', scale: { type: 'log' }, title },
        color: { field: 'backend', type: 'nominal', title: 'backend' },
      },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Training step against batch size (${report.threads} thread${report.threads > 1 ? 's' : ''})`,
    data: { values },
    vconcat: [panel('ms', 'ms / step'), panel('mib', 'peak step memory (MiB)')],
  };
}

/** Renders the chart to SVG (vega) and PNG (resvg, 2×) in `directory`, atomically. */
export async function writeScalingFigure(
  report: PerfScalingReport,
  directory: string,
  name = 'scaling',
): Promise<{ svg: string; png: string }> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vegaLite.compile(scalingFigureSpec(report) as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const { Resvg } = await import('@resvg/resvg-js');
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true },
  })
    .render()
    .asPng();
  await mkdir(directory, { recursive: true });
  const write = async (file: string, content: string | Uint8Array) => {
    const path = join(directory, file);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, content);
    await rename(temporary, path);
    return path;
  };
  return { svg: await write(`${name}.svg`, svg), png: await write(`${name}.png`, png) };
}

/** The sweep as a Markdown table: one row per case and n, ms/step and peak MiB per backend. */
export function formatScalingTable(report: PerfScalingReport): string {
  const backends: ScalingBackend[] = ['tensorflow', 'wasm', 'pytorch'];
  const lines = [
    `Scaling: training step against batch size, ${report.threads} thread(s); ${report.machine.cpuModel}, ${report.machine.cpus} CPUs`,
    ...(report.pytorch
      ? [
          `pytorch: torch ${report.pytorch.torch}, OpenBLAS kernels ${report.pytorch.openblasCore ?? 'unknown'}`,
        ]
      : []),
    '',
    '| case | n | tensorflow ms | wasm ms | PyTorch ms | tensorflow / PyTorch | wasm / PyTorch | tensorflow MiB | wasm MiB | PyTorch MiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const keys = [...new Set(report.points.map((p) => `${p.critic}|${p.n}`))];
  for (const key of keys) {
    const [critic, n] = key.split('|');
    const at = (backend: ScalingBackend) =>
      report.points.find((p) => p.critic === critic && String(p.n) === n && p.backend === backend);
    const ms = (backend: ScalingBackend) => {
      const p = at(backend);
      if (p === undefined) return '';
      return p.status === 'measured'
        ? formatMilliseconds(p.medianMs)
        : `${p.status}: ${p.reason ?? ''}`;
    };
    const ratio = (backend: ScalingBackend) => {
      const ours = at(backend)?.medianMs;
      const torch = at('pytorch')?.medianMs;
      return ours !== undefined && torch !== undefined ? formatRatio(ours / torch) : '';
    };
    const mib = (backend: ScalingBackend) => {
      const p = at(backend);
      return p?.status === 'measured' ? formatMebibytes(p.peakMemoryBytes) : '';
    };
    lines.push(
      `| ${CASE_LABELS[critic as ScalingCriticId] ?? critic} | ${n} | ${backends.map(ms).join(' | ')} | ${ratio('tensorflow')} | ${ratio('wasm')} | ${backends.map(mib).join(' | ')} |`,
    );
  }
  lines.push('');
  for (const note of report.notes) lines.push(`- ${note}`);
  return lines.join('\n');
}
