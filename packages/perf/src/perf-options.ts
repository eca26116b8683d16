import { createBoundRegistry } from '@mi/bounds';
import {
  type BackendName,
  InvalidArgumentError,
  type PluginSpec,
  parsePluginSpec,
  pluginSpecLabel,
} from '@mi/spec';
import type { PerfRegistries } from './measure-training-step';
import { PERF_CRITICS, type PerfCriticId, perfCase } from './perf-cases';

export type { PerfCriticId } from './perf-cases';

/** The backends the performance benchmark can time (tfjs-node-gpu is left out: CPU machines). */
export type PerfBackend = Extract<BackendName, 'tensorflow' | 'wasm' | 'cpu'>;
/** All backends, in the order they are tried (the order of `initBackend('auto')`). */
const PERF_BACKENDS: readonly PerfBackend[] = ['tensorflow', 'wasm', 'cpu'];
/** The bounds the PyTorch reference can time (its objectives); others skip the PyTorch cases. */
export const PYTORCH_BOUNDS: readonly string[] = ['infonce', 'nwj'];

/** Options of {@link runPerfBenchmark}. */
export interface PerfBenchmarkOptions {
  /**
   * Cases to time. Default: all of them — `joint`, `separable`, `cnn` (the targets' sizes) and
   * the image benchmarks' steps `cnn-n64`, `slb-64`, `slb-256`, `clb-64`, `resnet18`.
   */
  readonly critics?: readonly PerfCriticId[];
  /**
   * Backends to time. Default: `tensorflow`, `wasm`, `cpu`; a backend that is not installed is
   * reported as skipped with the reason (tfjs-node comes from `pnpm setup:native`).
   */
  readonly backends?: readonly PerfBackend[];
  /**
   * Bound trained in each step, a spec the bound registry resolves (`infonce`, `nwj`,
   * `smile:tau=5`). PyTorch trains the same one where its reference has it (`infonce`, `nwj`).
   * Default `infonce`.
   */
  readonly bound?: string | PluginSpec;
  /** Registries the bound and critics are resolved through. Default: the built-ins. */
  readonly registries?: PerfRegistries;
  /**
   * Timed steps per case. Default: per case, enough for a stable median in a few seconds
   * (joint 20, separable 50, CNN 5 on wasm and 10 on tensorflow; on `cpu`: 3, 10, 1).
   */
  readonly steps?: number;
  /**
   * Untimed steps before the timed ones (kernel set-up, allocator warm-up). Default 3 (CNN 2, cpu
   * 1); at least 4 on tfjs-node with `graph`, where the compiled step is built and checked on the
   * first four.
   */
  readonly warmupSteps?: number;
  /** Fewer steps everywhere, for a run in well under a minute. Default `false`. */
  readonly quick?: boolean;
  /**
   * Time the CNN critic on the `cpu` backend too (≈25 GFLOP per step at ~0.7 GFLOP/s: about 35 s
   * a step). Default `false`: reported as skipped. The heavier image cases are never run on cpu.
   */
  readonly cpuCnn?: boolean;
  /**
   * Time the heavy CNN case (`cnn-n64`, ≈ 25 s a step) on wasm too. Default `false`: reported as
   * skipped with the reason. `resnet18` is always skipped on wasm: its step holds ≈ 5.7 GB of
   * tensors, beyond the 4 GiB the wasm heap can grow to.
   */
  readonly heavyWasm?: boolean;
  /**
   * Threads on both sides: TF_NUM_INTRAOP_THREADS of tfjs-node, and torch + OpenBLAS threads of
   * the PyTorch reference (`nativeThreads` and `torchThreads` override one side). The wasm
   * backend runs single-threaded in Node and the cpu backend is plain JavaScript: both are
   * reported as skipped above one thread. Default 1. (`pnpm bench:perf --threads 1,2` runs one
   * process per count and merges the reports.)
   */
  readonly threads?: number;
  /**
   * Measure the PyTorch reference in the same run when `python` has torch. Default `true`.
   * `false` skips it.
   */
  readonly pytorch?: boolean;
  /** Python interpreter with torch. Default `/usr/bin/python3` (Debian's python3-torch). */
  readonly python?: string;
  /**
   * The peer reference script that times the joint and separable critics
   * (`torch_gaussian_staircase.py`). Default: `$MI_TORCH_PEER`, else
   * `../shared/peers/torch_gaussian_staircase.py` next to the repository root.
   */
  readonly peerScript?: string;
  /** Iterations of the peer's `timing` mode per critic (its first 100 are not timed). Default 400. */
  readonly torchIterations?: number;
  /**
   * Intra-op threads of the native TensorFlow runtime (`TF_NUM_INTRAOP_THREADS`), set before
   * tfjs-node loads. Default 1, as PyTorch and wasm run on one thread. Ignored when the
   * environment already sets it.
   */
  readonly nativeThreads?: number;
  /** PyTorch threads (torch and OpenBLAS). Default 1. */
  readonly torchThreads?: number;
  /** Seed of the critics' weights and of the batches. Default 1. */
  readonly seed?: number;
  /**
   * Train steps as createTrainStep runs them by default: on tfjs-node one compiled TensorFlow
   * graph per step once checked against the eager step. Default `true`; `false` times the eager
   * step (op by op), for a side-by-side comparison.
   */
  readonly graph?: boolean;
  /** Progress lines (stderr in the CLI). Default: none. */
  readonly onProgress?: (message: string) => void;
}

/** {@link PerfBenchmarkOptions} with defaults applied. */
export interface ResolvedPerfOptions {
  readonly critics: readonly PerfCriticId[];
  readonly backends: readonly PerfBackend[];
  /** The bound's canonical spec (`infonce`, `smile:tau=5`). */
  readonly bound: string;
  readonly registries: PerfRegistries;
  readonly steps: number | undefined;
  readonly warmupSteps: number | undefined;
  readonly quick: boolean;
  readonly cpuCnn: boolean;
  readonly heavyWasm: boolean;
  readonly threads: number;
  readonly pytorch: boolean;
  readonly python: string;
  readonly peerScript: string | undefined;
  readonly torchIterations: number;
  readonly nativeThreads: number;
  readonly torchThreads: number;
  readonly seed: number;
  readonly graph: boolean;
}

const OPTION_NAMES = [
  'critics',
  'backends',
  'bound',
  'registries',
  'steps',
  'warmupSteps',
  'quick',
  'cpuCnn',
  'heavyWasm',
  'threads',
  'pytorch',
  'python',
  'peerScript',
  'torchIterations',
  'nativeThreads',
  'torchThreads',
  'seed',
  'graph',
  'onProgress',
];

const FN = 'runPerfBenchmark';

/**
 * Applies the defaults of {@link PerfBenchmarkOptions} and validates every field; throws
 * `InvalidArgumentError` naming the option, what it accepts and what it received.
 */
export function resolvePerfOptions(options: PerfBenchmarkOptions = {}): ResolvedPerfOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError({
      functionName: FN,
      parameter: 'options',
      value: options,
      expected: 'an options object',
    });
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new InvalidArgumentError({
        functionName: FN,
        parameter: key,
        value: (options as Record<string, unknown>)[key],
        expected: `no such option (known: ${OPTION_NAMES.join(', ')})`,
      });
    }
  }
  const critics = checkList('critics', options.critics ?? PERF_CRITICS, PERF_CRITICS);
  const backends = checkList('backends', options.backends ?? PERF_BACKENDS, PERF_BACKENDS);
  const registries = options.registries ?? {};
  const boundSpec = options.bound ?? 'infonce';
  // Resolving the bound once checks its id and options before any backend starts.
  (registries.bounds ?? createBoundRegistry()).resolve(boundSpec);
  const bound =
    typeof boundSpec === 'string'
      ? parsePluginSpec(boundSpec, 'bound').label
      : pluginSpecLabel(boundSpec.id, boundSpec.options);
  if (options.steps !== undefined) checkInteger('steps', options.steps, 1);
  if (options.warmupSteps !== undefined) checkInteger('warmupSteps', options.warmupSteps, 0);
  const torchIterations = options.torchIterations ?? 400;
  // The peer skips its first 100 iterations; at least 10 must remain timed.
  checkInteger('torchIterations', torchIterations, 110);
  const threads = options.threads ?? 1;
  checkInteger('threads', threads, 1);
  const nativeThreads = options.nativeThreads ?? threads;
  checkInteger('nativeThreads', nativeThreads, 1);
  const torchThreads = options.torchThreads ?? threads;
  checkInteger('torchThreads', torchThreads, 1);
  const seed = options.seed ?? 1;
  checkInteger('seed', seed, 0);
  for (const key of ['quick', 'cpuCnn', 'heavyWasm', 'pytorch', 'graph'] as const) {
    const value = options[key];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new InvalidArgumentError({
        functionName: FN,
        parameter: key,
        value,
        expected: 'true or false',
      });
    }
  }
  for (const key of ['python', 'peerScript'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new InvalidArgumentError({
        functionName: FN,
        parameter: key,
        value,
        expected: 'a non-empty path',
      });
    }
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new InvalidArgumentError({
      functionName: FN,
      parameter: 'onProgress',
      value: options.onProgress,
      expected: 'a function (message: string) => void',
    });
  }
  return {
    critics,
    backends,
    bound,
    registries,
    steps: options.steps,
    warmupSteps: options.warmupSteps,
    quick: options.quick ?? false,
    cpuCnn: options.cpuCnn ?? false,
    heavyWasm: options.heavyWasm ?? false,
    threads,
    pytorch: options.pytorch ?? true,
    python: options.python ?? '/usr/bin/python3',
    peerScript: options.peerScript,
    torchIterations,
    nativeThreads,
    torchThreads,
    seed,
    graph: options.graph ?? true,
  };
}

/** Warm-up and timed steps of one case, from the options and the per-case defaults. */
export function stepCounts(
  options: Pick<ResolvedPerfOptions, 'steps' | 'warmupSteps' | 'quick'> &
    Partial<Pick<ResolvedPerfOptions, 'graph'>>,
  critic: PerfCriticId,
  backend: PerfBackend,
): { readonly warmup: number; readonly timed: number } {
  const setup = perfCase(critic);
  const base = setup.steps[backend];
  const timed = options.steps ?? (options.quick ? Math.max(1, Math.ceil(base / 3)) : base);
  const warmup =
    options.warmupSteps ??
    (backend === 'cpu' || (options.quick && setup.warmup < 3) ? 1 : setup.warmup);
  // On tfjs-node the compiled step is built on steps 2–3 and its Adam checked on step 4: the
  // warm-up covers them, so that the timed steps are the ones a long run repeats.
  const graphWarmup =
    backend === 'tensorflow' && (options.graph ?? true) && setup.step === 'train-step'
      ? GRAPH_WARMUP_STEPS
      : 0;
  return { warmup: options.warmupSteps ?? Math.max(warmup, graphWarmup), timed };
}

/** Steps before a compiled training step runs as it will from then on (see `stepCounts`). */
export const GRAPH_WARMUP_STEPS = 4;

function checkList<T extends string>(
  parameter: string,
  value: readonly T[],
  known: readonly T[],
): readonly T[] {
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => known.includes(v)) &&
    new Set(value).size === value.length;
  if (!valid) {
    throw new InvalidArgumentError({
      functionName: FN,
      parameter,
      value,
      expected: `a non-empty list without repeats of ${known.join(', ')}`,
    });
  }
  return [...value];
}

function checkInteger(parameter: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError({
      functionName: FN,
      parameter,
      value,
      expected: `an integer ≥ ${min}`,
    });
  }
}
