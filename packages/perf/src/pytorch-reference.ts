import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError } from '@mi/spec';
import {
  CNN_BENCH_SHAPE,
  cnnCriticForwardFlops,
  gflopsPerSecond,
  JOINT_BENCH_SHAPE,
  jointCriticForwardFlops,
  SEPARABLE_BENCH_SHAPE,
  separableCriticForwardFlops,
  trainingStepFlops,
} from './flop-count';
import type { PerfCriticId } from './perf-options';
import type { PerfCaseResult } from './perf-report';

/** File name of the peer reference that times the joint and separable critics. */
const PEER_SCRIPT_NAME = 'torch_gaussian_staircase.py';
/** File name of this package's PyTorch timing of the CNN critic. */
export const CNN_SCRIPT_NAME = 'torch-cnn-timing.py';

/**
 * Environment of every PyTorch run: passive OpenMP waiting, as the peer reference recommends
 * (with busy-waiting OpenMP workers, OpenBLAS's threads are starved). It must be set before torch
 * is imported, hence on the command line.
 */
export const PYTORCH_ENV: Readonly<Record<string, string>> = { OMP_WAIT_POLICY: 'PASSIVE' };

/**
 * FLOPs of one PyTorch training step. The peer reference's joint critic multiplies the n² tiled
 * pairs in its first layer (83.9 MFLOP more than our split layer); the CNN script splits the first
 * convolution as `cnnCritic` does.
 */
export function pytorchStepFlops(critic: PerfCriticId): number {
  switch (critic) {
    case 'joint':
      return trainingStepFlops(jointCriticForwardFlops(JOINT_BENCH_SHAPE, 'tiled'));
    case 'separable':
      return trainingStepFlops(separableCriticForwardFlops(SEPARABLE_BENCH_SHAPE));
    case 'cnn':
      return trainingStepFlops(cnnCriticForwardFlops(CNN_BENCH_SHAPE, 'split'));
  }
}

function run(
  file: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      file,
      [...args],
      { env: { ...process.env, ...PYTORCH_ENV }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
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

/** torch's version under `python`, or why it cannot be used. */
export async function probeTorch(
  python: string,
): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  if (!existsSync(python)) return { ok: false, reason: `no Python at ${python}` };
  try {
    const { stdout } = await run(python, ['-c', 'import torch; print(torch.__version__)'], 60_000);
    return { ok: true, version: stdout.trim() };
  } catch {
    return {
      ok: false,
      reason: `${python} has no torch (Debian: apt-get install python3-torch python3-numpy libopenblas0-pthread)`,
    };
  }
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

/** This package's CNN timing script (`scripts/torch-cnn-timing.py`), from src or dist. */
export function locateCnnScript(): string | undefined {
  return findUpwards(moduleDirectory(), join('scripts', CNN_SCRIPT_NAME), 4);
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
 * Runs the peer's `timing` mode (tuned malloc, torch and OpenBLAS at `threads`, passive OpenMP)
 * for the joint and/or separable critic and returns one case per critic.
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
          firstLayer: critic === 'joint' ? 'tiled (n² concatenated pairs)' : undefined,
          env: PYTORCH_ENV,
          malloc: 'tuned',
        },
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `scripts/torch-cnn-timing.py` with the peer's settings and returns the CNN case. */
export async function runCnnTiming(options: {
  readonly python: string;
  readonly script: string;
  /** `infonce` or `nwj`. */
  readonly bound: string;
  readonly warmupSteps: number;
  readonly timedSteps: number;
  readonly threads: number;
  readonly torchVersion: string;
}): Promise<PerfCaseResult> {
  const { stdout } = await run(
    options.python,
    [
      options.script,
      '--bound',
      options.bound,
      '--warmup',
      String(options.warmupSteps),
      '--steps',
      String(options.timedSteps),
      '--threads',
      String(options.threads),
    ],
    30 * 60_000,
  );
  const lines = stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!) as {
    median_ms: number;
    p10_ms: number;
    p90_ms: number;
    steps: number;
    warmup: number;
    first_layer: string;
    other_processes_busy_cores?: number | null;
    loadavg_after?: number;
    env: { torch_num_threads: number; blas_threads: { openblas_get_num_threads?: number | null } };
  };
  const flopsPerStep = pytorchStepFlops('cnn');
  return {
    critic: 'cnn',
    backend: 'pytorch',
    status: 'measured',
    warmupSteps: result.warmup,
    timedSteps: result.steps,
    medianMs: result.median_ms,
    p10Ms: result.p10_ms,
    p90Ms: result.p90_ms,
    flopsPerStep,
    gflops: gflopsPerSecond(flopsPerStep, result.median_ms),
    ...(typeof result.other_processes_busy_cores === 'number'
      ? { otherLoadCores: result.other_processes_busy_cores }
      : {}),
    ...(result.loadavg_after === undefined ? {} : { loadAverage: result.loadavg_after }),
    details: {
      script: options.script,
      torch: options.torchVersion,
      torchThreads: result.env.torch_num_threads,
      openblasThreads: result.env.blas_threads.openblas_get_num_threads,
      firstLayer: result.first_layer,
      env: PYTORCH_ENV,
      malloc: 'tuned',
    },
  };
}
