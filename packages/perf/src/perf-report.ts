import type { PerfBackend, PerfCriticId } from './perf-options';

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
  readonly critic: PerfCriticId;
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
  readonly critic: PerfCriticId;
  readonly backend: PerfBackend;
  readonly oursMs: number;
  readonly pytorchMs: number;
  /** oursMs / pytorchMs. */
  readonly ratio: number;
  readonly target?: number;
  /** ratio ≤ target, when a target is set. */
  readonly meetsTarget?: boolean;
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
  readonly cases: readonly PerfCaseResult[];
  readonly comparisons: readonly PerfComparison[];
  /** How FLOPs are counted and what each case runs. */
  readonly notes: readonly string[];
}

/**
 * The targets, as ratios of our ms/step to PyTorch's, one thread each: on wasm joint ≤ 4×,
 * separable ≤ 3×, CNN ≤ 8×; on tensorflow (tfjs-node) joint ≤ 1.5×, separable ≤ 2×, CNN ≤ 2×.
 */
const PERF_TARGETS: readonly PerfTarget[] = [
  { critic: 'joint', backend: 'wasm', maxRatio: 4 },
  { critic: 'separable', backend: 'wasm', maxRatio: 3 },
  { critic: 'cnn', backend: 'wasm', maxRatio: 8 },
  { critic: 'joint', backend: 'tensorflow', maxRatio: 1.5 },
  { critic: 'separable', backend: 'tensorflow', maxRatio: 2 },
  { critic: 'cnn', backend: 'tensorflow', maxRatio: 2 },
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
      (c) => c.backend === 'pytorch' && c.critic === ours.critic && c.status === 'measured',
    );
    if (torch?.medianMs === undefined || torch.medianMs <= 0) continue;
    const ratio = ours.medianMs / torch.medianMs;
    const target = targets.find((t) => t.critic === ours.critic && t.backend === ours.backend);
    comparisons.push({
      critic: ours.critic,
      backend: ours.backend,
      oursMs: ours.medianMs,
      pytorchMs: torch.medianMs,
      ratio,
      ...(target ? { target: target.maxRatio, meetsTarget: ratio <= target.maxRatio } : {}),
    });
  }
  return comparisons;
}
