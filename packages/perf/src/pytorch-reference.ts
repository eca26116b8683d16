import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError } from '@mi/spec';
import { gflopsPerSecond } from './flop-count';
import { type PerfCase, type PerfCriticId, perfCase } from './perf-cases';
import type { PerfCaseResult, PytorchEnvironmentReport } from './perf-report';

/** File name of the peer reference that times the joint and separable critics. */
const PEER_SCRIPT_NAME = 'torch_gaussian_staircase.py';
/** File name of this package's PyTorch timing of every other case. */
export const TORCH_SCRIPT_NAME = 'torch-timing.py';

/** The OpenBLAS kernel families the reference selects, fastest first. */
export type OpenblasCore = 'SkylakeX' | 'Haswell';

/**
 * The OpenBLAS kernel family for a CPU's flags (`/proc/cpuinfo`): SkylakeX with AVX-512 (F, VL,
 * BW, DQ), Haswell with AVX2 and FMA, none otherwise (OpenBLAS's own detection). Debian's
 * OpenBLAS 0.3.21 falls back to its generic kernels on CPUs it does not recognise, 2–3.5× slower
 * (measured in PERFORMANCE.md); the PyTorch scripts apply the same rule before torch loads.
 */
export function chooseOpenblasCore(flags: ReadonlySet<string>): OpenblasCore | undefined {
  if (['avx512f', 'avx512vl', 'avx512bw', 'avx512dq'].every((f) => flags.has(f))) {
    return 'SkylakeX';
  }
  if (flags.has('avx2') && flags.has('fma')) return 'Haswell';
  return undefined;
}

/** The flags of the first CPU in a `/proc/cpuinfo` text (empty when there is none). */
export function cpuFlags(cpuinfo: string): Set<string> {
  const line = cpuinfo.split('\n').find((l) => /^flags\s*:/.test(l));
  return new Set(line === undefined ? [] : line.split(':')[1]!.trim().split(/\s+/));
}

/**
 * What OpenBLAS reports it runs, from its `OPENBLAS_VERBOSE=2` output: the last `Core: <name>`
 * line, and the requested family when it printed `Core not found: <name>` (an unknown
 * `OPENBLAS_CORETYPE`, after which it uses its own detection).
 */
export function parseOpenblasCore(output: string): { core?: string; notFound?: string } {
  let core: string | undefined;
  let notFound: string | undefined;
  for (const line of output.split('\n')) {
    const missing = /^Core not found:\s*(\S+)/.exec(line.trim());
    if (missing) {
      notFound = missing[1];
      continue;
    }
    const match = /^Core:\s*(\S+)/.exec(line.trim());
    if (match) core = match[1];
  }
  return {
    ...(core === undefined ? {} : { core }),
    ...(notFound === undefined ? {} : { notFound }),
  };
}

/**
 * Environment of every PyTorch run: passive OpenMP waiting, as the peer reference recommends
 * (with busy-waiting OpenMP workers, OpenBLAS's threads are starved), and the OpenBLAS kernel
 * family of {@link chooseOpenblasCore} unless `env` already sets `OPENBLAS_CORETYPE`. Both must
 * be set before torch is imported, hence in the environment (the scripts choose the family
 * themselves too, when run by hand).
 */
export function pytorchEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cpuinfo: string | undefined = readCpuinfo(),
): Record<string, string> {
  const chosen = env['OPENBLAS_CORETYPE'] || chooseOpenblasCore(cpuFlags(cpuinfo ?? ''));
  return { OMP_WAIT_POLICY: 'PASSIVE', ...(chosen ? { OPENBLAS_CORETYPE: chosen } : {}) };
}

function readCpuinfo(): string | undefined {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
}

/** FLOPs of one PyTorch training step of a table case (the peer tiles the joint critic's pairs). */
export function pytorchStepFlops(critic: PerfCriticId): number {
  return perfCase(critic).pytorchFlops;
}

function run(
  file: string,
  args: readonly string[],
  timeoutMs: number,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      file,
      [...args],
      {
        env: { ...process.env, ...pytorchEnvironment(), ...extraEnv },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          const tail = String(stderr).trim().split('\n').slice(-3).join(' | ');
          reject(
            new BackendUnavailableError({
              backend: 'pytorch',
              packageName: 'python3-torch',
              detail: `${file} ${args.join(' ')} failed: ${error.message} ${tail}`,
              cause: error,
            }),
          );
        } else {
          resolvePromise({ stdout: String(stdout), stderr: String(stderr) });
        }
      },
    );
  });
}

/**
 * The BLAS torch's products run on, as the probe found it: `mkl` (torch built with MKL),
 * `openblas`, `reference` (a plain libblas such as Debian's netlib fallback, which
 * `python3-torch` gets when no optimised BLAS is installed: 10–50× slower) or `unknown`.
 */
export type TorchBlas = 'mkl' | 'openblas' | 'reference' | 'unknown';

/** What the probe found: torch's version, its BLAS and the OpenBLAS kernels it runs. */
export interface TorchProbe {
  readonly ok: true;
  readonly version: string;
  readonly blas: TorchBlas;
  /** The library that provides torch's `sgemm_`, where one does. */
  readonly blasLibrary: string | undefined;
  /** OpenBLAS's own `Core:` line under `OPENBLAS_VERBOSE=2` (e.g. `SkylakeX`). */
  readonly openblasCore: string | undefined;
  /** `OPENBLAS_CORETYPE` as the scripts ran it, and who chose it. */
  readonly openblasCoretype: string | undefined;
  readonly chosenBy: string;
}

/**
 * torch's version under `python` and the OpenBLAS kernel family it runs: imports torch once
 * through `scripts/torch-timing.py probe` with `OPENBLAS_VERBOSE=2` and the environment of every
 * timing run, and parses the `Core:` line OpenBLAS prints. Or why torch cannot be used.
 */
export async function probeTorch(
  python: string,
  script: string | undefined = locateTorchScript(),
): Promise<TorchProbe | { ok: false; reason: string }> {
  if (!existsSync(python)) return { ok: false, reason: `no Python at ${python}` };
  if (script === undefined) return { ok: false, reason: `scripts/${TORCH_SCRIPT_NAME} not found` };
  try {
    const { stdout, stderr } = await run(python, [script, 'probe'], 120_000, {
      OPENBLAS_VERBOSE: '2',
    });
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]!) as {
      torch_version: string;
      blas?: TorchBlas;
      blas_library?: string | null;
      openblas_coretype_env: string | null;
      openblas_coretype_chosen_by: string;
    };
    // The harness passes its choice in the environment; the script then reports 'environment'.
    const chosenBy = process.env['OPENBLAS_CORETYPE']
      ? 'environment'
      : result.openblas_coretype_env
        ? 'cpu flags'
        : result.openblas_coretype_chosen_by;
    return {
      ok: true,
      version: result.torch_version,
      blas: result.blas ?? 'unknown',
      blasLibrary: result.blas_library ?? undefined,
      openblasCore: parseOpenblasCore(`${stderr}\n${stdout}`).core,
      openblasCoretype: result.openblas_coretype_env ?? undefined,
      chosenBy,
    };
  } catch {
    return {
      ok: false,
      reason: `${python} has no torch (Debian: apt-get install python3-torch python3-numpy libopenblas0-pthread)`,
    };
  }
}

/**
 * Why torch, as probed, is no reference to compare against, or undefined when it is: a
 * reference (netlib) BLAS runs torch's products 10–50× slower than an optimised one, and
 * ratios against it would flatter us by as much.
 */
export function untunedTorchReason(
  probe: Pick<TorchProbe, 'blas' | 'blasLibrary'>,
): string | undefined {
  if (probe.blas !== 'reference') return undefined;
  return `torch's BLAS is a reference implementation (${probe.blasLibrary ?? 'libblas'}), not an optimised one; ratios against it would flatter us 10–50× (Debian: apt-get install libopenblas0-pthread)`;
}

/** The report's record of the PyTorch that was measured, from its probe. */
export function pytorchEnvironmentOf(probe: TorchProbe): PytorchEnvironmentReport {
  return {
    torch: probe.version,
    blas: probe.blas,
    ...(probe.blasLibrary === undefined ? {} : { blasLibrary: probe.blasLibrary }),
    ...(probe.openblasCore === undefined ? {} : { openblasCore: probe.openblasCore }),
    ...(probe.openblasCoretype === undefined ? {} : { openblasCoretype: probe.openblasCoretype }),
    chosenBy: probe.chosenBy,
  };
}

/** Walks up from `start` and returns the first `<dir>/<relative>` that exists. */
function findUpwards(start: string, relative: string, levels = 8): string | undefined {
  let dir = resolve(start);
  for (let i = 0; i < levels; i++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function moduleDirectory(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/**
 * The peer reference script: the given path, else `$MI_TORCH_PEER`, else
 * `shared/peers/torch_gaussian_staircase.py` in the working directory's parent folders (the
 * project keeps it at `../shared/peers/` from the repository root).
 */
export function locatePeerScript(explicit?: string): string | undefined {
  if (explicit !== undefined) return existsSync(explicit) ? resolve(explicit) : undefined;
  const fromEnv = process.env['MI_TORCH_PEER'];
  if (fromEnv) return existsSync(fromEnv) ? resolve(fromEnv) : undefined;
  const relative = join('shared', 'peers', PEER_SCRIPT_NAME);
  return findUpwards(process.cwd(), relative) ?? findUpwards(moduleDirectory(), relative);
}

/** This package's PyTorch timing script (`scripts/torch-timing.py`), from src or dist. */
export function locateTorchScript(): string | undefined {
  return findUpwards(moduleDirectory(), join('scripts', TORCH_SCRIPT_NAME), 4);
}

interface PeerTimingRow {
  readonly critic: string;
  readonly objective: string;
  readonly median_ms: number;
  readonly p10_ms: number;
  readonly p90_ms: number;
  readonly n_timed: number;
  readonly torch_num_threads?: number;
  readonly openblas_threads?: number | null;
  readonly other_processes_busy_cores?: number | null;
  readonly loadavg_after?: readonly string[] | null;
}

/**
 * Runs the peer's `timing` mode (tuned malloc, torch and OpenBLAS at `threads`, passive OpenMP,
 * the OpenBLAS kernels of {@link pytorchEnvironment}) for the joint and/or separable critic at
 * n = 64 and returns one case per critic.
 */
export async function runPeerTiming(options: {
  readonly python: string;
  readonly script: string;
  readonly critics: readonly ('joint' | 'separable')[];
  /** One of the peer's objectives: `infonce` or `nwj`. */
  readonly bound: string;
  readonly iterations: number;
  readonly threads: number;
  readonly torchVersion: string;
  readonly openblasCore?: string | undefined;
}): Promise<PerfCaseResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mi-perf-'));
  const out = join(dir, 'timing.json');
  try {
    await run(
      options.python,
      [
        options.script,
        'timing',
        '--critics',
        options.critics.join(','),
        '--objectives',
        options.bound,
        '--threads-list',
        String(options.threads),
        '--timing-iters',
        String(options.iterations),
        '--out',
        out,
      ],
      30 * 60_000,
    );
    const parsed = JSON.parse(await readFile(out, 'utf8')) as { results?: PeerTimingRow[] };
    return options.critics.map((critic): PerfCaseResult => {
      const row = parsed.results?.find((r) => r.critic === critic && r.objective === options.bound);
      const flopsPerStep = pytorchStepFlops(critic);
      if (!row) {
        return {
          critic,
          backend: 'pytorch',
          status: 'failed',
          reason: `the peer's timing output has no row for ${critic}/${options.bound}`,
          flopsPerStep,
        };
      }
      return {
        critic,
        backend: 'pytorch',
        status: 'measured',
        n: 64,
        threads: options.threads,
        warmupSteps: 100,
        timedSteps: row.n_timed,
        medianMs: row.median_ms,
        p10Ms: row.p10_ms,
        p90Ms: row.p90_ms,
        flopsPerStep,
        gflops: gflopsPerSecond(flopsPerStep, row.median_ms),
        ...(typeof row.other_processes_busy_cores === 'number'
          ? { otherLoadCores: row.other_processes_busy_cores }
          : {}),
        ...(row.loadavg_after?.[0] === undefined
          ? {}
          : { loadAverage: Number(row.loadavg_after[0]) }),
        details: {
          script: options.script,
          torch: options.torchVersion,
          torchThreads: row.torch_num_threads,
          openblasThreads: row.openblas_threads,
          openblasCore: options.openblasCore,
          firstLayer: critic === 'joint' ? 'tiled (n² concatenated pairs)' : undefined,
          env: pytorchEnvironment(),
          malloc: 'tuned',
        },
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The JSON line `scripts/torch-timing.py` prints. */
interface TorchTimingResult {
  readonly median_ms: number;
  readonly p10_ms: number;
  readonly p90_ms: number;
  readonly steps: number;
  readonly warmup: number;
  readonly detail: string;
  readonly parameters: number;
  readonly peak_training_bytes: number | null;
  readonly peak_rss_bytes: number;
  readonly other_processes_busy_cores?: number | null;
  readonly loadavg_after?: number;
  readonly env: {
    readonly torch_num_threads: number;
    readonly openblas_coretype: string | null;
    readonly blas_threads: {
      readonly openblas_get_num_threads?: number | null;
      readonly openblas_get_corename?: string | null;
    };
  };
}

/**
 * Times one case with `scripts/torch-timing.py` (the case's own arguments: network and batch
 * size), with the peer's settings, and returns it as a PyTorch case of the report.
 */
export async function runTorchCase(options: {
  readonly python: string;
  readonly script: string;
  readonly setup: PerfCase;
  /** `infonce` or `nwj` (sampled steps always train InfoNCE over their negatives). */
  readonly bound: string;
  readonly warmupSteps: number;
  readonly timedSteps: number;
  readonly threads: number;
  readonly torchVersion: string;
  readonly openblasCore?: string | undefined;
}): Promise<PerfCaseResult> {
  const { setup } = options;
  if (setup.torch.kind !== 'script') {
    throw new TypeError(`runTorchCase: ${setup.id} is timed by the peer reference`);
  }
  const { stdout } = await run(
    options.python,
    [
      options.script,
      ...setup.torch.args,
      '--bound',
      options.bound,
      '--warmup',
      String(options.warmupSteps),
      '--steps',
      String(options.timedSteps),
      '--threads',
      String(options.threads),
    ],
    60 * 60_000,
  );
  const lines = stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!) as TorchTimingResult;
  const flopsPerStep = setup.pytorchFlops;
  return {
    critic: setup.id,
    backend: 'pytorch',
    status: 'measured',
    n: setup.n,
    threads: options.threads,
    warmupSteps: result.warmup,
    timedSteps: result.steps,
    medianMs: result.median_ms,
    p10Ms: result.p10_ms,
    p90Ms: result.p90_ms,
    flopsPerStep,
    gflops: gflopsPerSecond(flopsPerStep, result.median_ms),
    ...(result.peak_training_bytes === null ? {} : { peakMemoryBytes: result.peak_training_bytes }),
    maxRssBytes: result.peak_rss_bytes,
    ...(typeof result.other_processes_busy_cores === 'number'
      ? { otherLoadCores: result.other_processes_busy_cores }
      : {}),
    ...(result.loadavg_after === undefined ? {} : { loadAverage: result.loadavg_after }),
    details: {
      script: options.script,
      torch: options.torchVersion,
      torchThreads: result.env.torch_num_threads,
      openblasThreads: result.env.blas_threads.openblas_get_num_threads,
      openblasCore: options.openblasCore ?? result.env.blas_threads.openblas_get_corename,
      openblasCoretype: result.env.openblas_coretype,
      network: result.detail,
      parameters: result.parameters,
      env: pytorchEnvironment(),
      malloc: 'tuned',
    },
  };
}
