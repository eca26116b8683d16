import type { PerfCriticId, ScalingCriticId } from './perf-cases';
import type { PerfBackend } from './perf-options';

/** Time spent in one kernel name during the profiled step. */
export interface KernelTime {
  /** Kernel name (`MatMul`, `_FusedMatMul`, `Conv2DBackpropInput`, …). */
  readonly name: string;
  /** Invocations in one step. */
  readonly count: number;
  /** Wall time summed over the invocations, ms (nested kernels are counted in their caller too). */
  readonly milliseconds: number;
}

/** What one profiled training step (`tf.profile`) showed. */
export interface StepProfile {
  /** Engine kernel invocations in one step: forward, backward and Adam. */
  readonly kernels: number;
  /** Most tensors alive at once during the step (`tf.memory().numTensors` after each kernel). */
  readonly peakTensors: number;
  /** Most tensor bytes alive at once during the step (`tf.memory().numBytes`). */
  readonly peakTensorBytes: number;
  /** The kernels that took the most time, longest first. */
  readonly topKernels: readonly KernelTime[];
}

/** Wall time (fastest repetition) and kernel count of one phase of the step. */
export interface PhaseCost {
  readonly milliseconds: number;
  readonly kernels: number;
}

/**
 * A step split into phases, measured apart after the timed steps: `forward` (scores and bound
 * without a tape), `backward` (tf.variableGrads minus the forward) and `optimizer`
 * (`applyGradients`: Adam's element-wise update of every variable).
 */
export interface StepPhases {
  readonly forward: PhaseCost;
  readonly backward: PhaseCost;
  readonly optimizer: PhaseCost;
  /** Repetitions behind each median. */
  readonly repetitions: number;
}

/** One critic × backend (or PyTorch) measurement. */
export interface PerfCaseResult {
  /** The case (a table case, or a scaling case with its `n`). */
  readonly critic: PerfCriticId | ScalingCriticId;
  /** Batch size (n² pairs for the all-pairs critics). */
  readonly n?: number;
  /** Threads the case ran with (tfjs-node intra-op threads; torch and OpenBLAS threads). */
  readonly threads?: number;
  /** A TF.js backend, or `pytorch`. */
  readonly backend: PerfBackend | 'pytorch';
  /** `measured`, or why not: `skipped` (not installed, or not asked for) or `failed`. */
  readonly status: 'measured' | 'skipped' | 'failed';
  /** Why a case was skipped or failed. */
  readonly reason?: string;
  readonly warmupSteps?: number;
  readonly timedSteps?: number;
  /** Median wall time of one full training step, ms. */
  readonly medianMs?: number;
  readonly p10Ms?: number;
  readonly p90Ms?: number;
  /** FLOPs of one step by the stated formula (3 × forward products). */
  readonly flopsPerStep: number;
  /** flopsPerStep / median step time. */
  readonly gflops?: number;
  readonly profile?: StepProfile;
  /** Forward / backward / optimizer split of the step (TF.js cases). */
  readonly phases?: StepPhases;
  /** `tf.memory()` after the timed steps. */
  readonly tensorsAfter?: number;
  readonly tensorBytesAfter?: number;
  /** Tensors left behind per timed step (0 when the step frees what it makes). */
  readonly leakedTensorsPerStep?: number;
  /**
   * Peak memory of a training step: TF.js the most tensor bytes alive at once (`tf.profile`),
   * PyTorch the resident memory its training added (VmHWM minus the size before the first
   * step).
   */
  readonly peakMemoryBytes?: number;
  /** Process resident set size after the case, bytes. */
  readonly rssBytes?: number;
  /** Largest resident set size of the process so far, bytes. */
  readonly maxRssBytes?: number;
  /** Cores kept busy by other processes while the case ran (Linux), to judge the timing. */
  readonly otherLoadCores?: number;
  /** 1-minute load average at the end of the case (runnable processes; 2 cores here). */
  readonly loadAverage?: number;
  /** Free-form details: thread settings, first-layer mode, package versions. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The target for a ratio ours / PyTorch, where one is set (see {@link PERF_TARGETS}). */
export interface PerfTarget {
  readonly critic: PerfCriticId;
  readonly backend: PerfBackend;
  /** Largest acceptable ratio of our ms/step to PyTorch's. */
  readonly maxRatio: number;
}

/** Our step time against PyTorch's for one critic and backend. */
export interface PerfComparison {
  readonly critic: PerfCriticId | ScalingCriticId;
  readonly backend: PerfBackend;
  readonly n?: number;
  readonly threads?: number;
  readonly oursMs: number;
  readonly pytorchMs: number;
  /** oursMs / pytorchMs. */
  readonly ratio: number;
  readonly target?: number;
  /** ratio ≤ target, when a target is set. */
  readonly meetsTarget?: boolean;
}

/** What the PyTorch probe found (see `probeTorch`). */
export interface PytorchEnvironmentReport {
  readonly torch: string;
  /** The BLAS torch's products ran on (`openblas`, `mkl`, `unknown`), and its library. */
  readonly blas?: string;
  readonly blasLibrary?: string;
  /** OpenBLAS's own `Core:` line under OPENBLAS_VERBOSE=2 (the kernels it runs). */
  readonly openblasCore?: string;
  /** OPENBLAS_CORETYPE as the scripts ran, and whether the environment or the CPU flags chose it. */
  readonly openblasCoretype?: string;
  readonly chosenBy?: string;
}

/** The performance benchmark's result: see {@link runPerfBenchmark}. */
export interface PerfReport {
  readonly kind: 'mi-perf-benchmark';
  readonly version: 1;
  readonly startedAt: string;
  readonly seconds: number;
  /** The bound trained in every step, as its canonical spec. */
  readonly bound: string;
  readonly machine: {
    readonly cpuModel: string;
    readonly cpus: number;
    readonly platform: string;
    readonly node: string;
    readonly totalMemoryBytes: number;
  };
  /** Package versions (tfjs-core, backends, torch). */
  readonly versions: Readonly<Record<string, string>>;
  /** Thread counts the cases ran with (one process per count). */
  readonly threads?: readonly number[];
  /** The PyTorch reference as probed: torch's version and the OpenBLAS kernels it runs. */
  readonly pytorch?: PytorchEnvironmentReport;
  readonly cases: readonly PerfCaseResult[];
  readonly comparisons: readonly PerfComparison[];
  /** How FLOPs are counted and what each case runs. */
  readonly notes: readonly string[];
}

/**
 * The targets, as ratios of our ms/step to PyTorch's, one thread each (PyTorch tuned as the
 * peers' README says): on tensorflow (tfjs-node) joint ≤ 1.0×, separable ≤ 1.5×, CNN ≤ 1.0×; on
 * wasm, the default on a fresh machine, joint ≤ 3×, separable ≤ 3×, CNN ≤ 4×.
 */
const PERF_TARGETS: readonly PerfTarget[] = [
  { critic: 'joint', backend: 'wasm', maxRatio: 3 },
  { critic: 'separable', backend: 'wasm', maxRatio: 3 },
  { critic: 'cnn', backend: 'wasm', maxRatio: 4 },
  { critic: 'joint', backend: 'tensorflow', maxRatio: 1 },
  { critic: 'separable', backend: 'tensorflow', maxRatio: 1.5 },
  { critic: 'cnn', backend: 'tensorflow', maxRatio: 1 },
];

/**
 * Pairs every measured TF.js case with the measured PyTorch case of the same critic: ratio =
 * our median ms/step ÷ PyTorch's, with the target where one is set.
 */
export function compareWithPytorch(
  cases: readonly PerfCaseResult[],
  targets: readonly PerfTarget[] = PERF_TARGETS,
): PerfComparison[] {
  const comparisons: PerfComparison[] = [];
  for (const ours of cases) {
    if (ours.backend === 'pytorch' || ours.status !== 'measured' || ours.medianMs === undefined) {
      continue;
    }
    const torch = cases.find(
      (c) =>
        c.backend === 'pytorch' &&
        c.critic === ours.critic &&
        c.status === 'measured' &&
        (c.n ?? 0) === (ours.n ?? 0) &&
        (c.threads ?? 1) === (ours.threads ?? 1),
    );
    if (torch?.medianMs === undefined || torch.medianMs <= 0) continue;
    const ratio = ours.medianMs / torch.medianMs;
    // The targets are set on one thread.
    const target =
      (ours.threads ?? 1) === 1
        ? targets.find((t) => t.critic === ours.critic && t.backend === ours.backend)
        : undefined;
    comparisons.push({
      critic: ours.critic,
      backend: ours.backend,
      ...(ours.n === undefined ? {} : { n: ours.n }),
      ...(ours.threads === undefined ? {} : { threads: ours.threads }),
      oursMs: ours.medianMs,
      pytorchMs: torch.medianMs,
      ratio,
      ...(target ? { target: target.maxRatio, meetsTarget: ratio <= target.maxRatio } : {}),
    });
  }
  return comparisons;
}

/**
 * Joins the reports of one run per thread count (`pnpm bench:perf --threads 1,2`): the cases
 * and comparisons of all, the first report's machine and versions, the thread counts, and the
 * notes without repeats.
 */
export function mergePerfReports(reports: readonly PerfReport[]): PerfReport {
  const [first] = reports;
  if (first === undefined) throw new TypeError('mergePerfReports: no reports to merge');
  const cases = reports.flatMap((r) => r.cases);
  return {
    ...first,
    seconds: reports.reduce((sum, r) => sum + r.seconds, 0),
    versions: Object.assign({}, ...reports.map((r) => r.versions)),
    threads: [...new Set(reports.flatMap((r) => r.threads ?? [1]))],
    cases,
    comparisons: reports.flatMap((r) => r.comparisons),
    notes: [...new Set(reports.flatMap((r) => r.notes))],
  };
}
