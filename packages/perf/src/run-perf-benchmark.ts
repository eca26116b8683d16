import { rename, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { initBackend } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';
import { measureTrainingStep, perfStepFlops } from './measure-training-step';
import {
  type PerfBackend,
  type PerfBenchmarkOptions,
  type PerfCriticId,
  PYTORCH_BOUNDS,
  resolvePerfOptions,
  stepCounts,
} from './perf-options';
import { compareWithPytorch, type PerfCaseResult, type PerfReport } from './perf-report';
import {
  locateCnnScript,
  locatePeerScript,
  probeTorch,
  pytorchStepFlops,
  runCnnTiming,
  runPeerTiming,
} from './pytorch-reference';

/** Notes printed under the table and stored in the JSON: what is measured and how. */
const PERF_NOTES: readonly string[] = [
  'ms/step: wall time of one full training step as train() runs it: fresh batch, critic scores on all n² pairs, bound, tf.variableGrads, loss/estimate/terms read back, Adam (lr 5e-4) via optimizer.applyGradients; median over the timed steps, warm-up steps excluded.',
  'FLOPs/step = 3 × forward FLOPs of the matrix products and convolutions (2 per multiply-add); bias, activations, bound and Adam are not counted. Joint (n=64, d=20, 256-256, first layer split as x·Wx + y·Wy): 3 × 540.3 M = 1.621 GFLOP (PyTorch tiles the n² pairs in its first layer: 3 × 622.9 M = 1.869 GFLOP). Separable (256-256→32): 3 × 20.45 M = 61.3 MFLOP. CNN (n=16, MNIST, first conv split): 3 × 8.447 G = 25.34 GFLOP.',
  'kernels/step, peak tensors and peak tensor MiB come from one extra untimed step under tf.profile (engine kernel invocations, most tensors/bytes alive after any kernel); RSS is the whole process after the case.',
  'PyTorch: ../shared/peers/torch_gaussian_staircase.py timing mode (joint, separable; first 100 iterations untimed) and packages/perf/scripts/torch-cnn-timing.py (CNN), tuned glibc malloc, torch + OpenBLAS threads pinned, inter-op 1, OMP_WAIT_POLICY=PASSIVE.',
  'other load: cores kept busy by other processes while the case ran (/proc/stat); above ~0.3 the timing is disturbed on a 2-core machine.',
];

/**
 * The performance benchmark: median milliseconds per training step of the joint
 * critic (n = 64, d = 20, 256-256, all n² pairs), the separable critic (256-256 → 32) and the CNN
 * critic (n = 16, MNIST size), on each installed TF.js backend, with GFLOP/s from the stated FLOP
 * count, kernels per step, peak tensor count and bytes and process memory; and, when the Python
 * interpreter has torch, the same three measured with PyTorch in the same run (the peer reference's
 * `timing` mode for joint and separable, this package's `scripts/torch-cnn-timing.py` for the CNN),
 * reported as ratios ours / PyTorch against the targets (on wasm joint
 * ≤ 4×, separable ≤ 3×, CNN ≤ 8×; on tensorflow joint ≤ 1.5×, separable ≤ 2×, CNN ≤ 2×).
 *
 * Backends run one after the other in this process; PyTorch runs after them, never at the same
 * time. A backend that cannot start (tfjs-node not built: `pnpm setup:native`) is reported as
 * skipped, as is the CNN on `cpu` unless `cpuCnn`. Leaves the previously active backend active.
 *
 * @example
 * ```ts
 * const report = await runPerfBenchmark({ backends: ['wasm'], quick: true });
 * console.log(formatPerfTable(report));
 * ```
 * @throws InvalidArgumentError for an unknown option, critic or backend; the bound registry's
 * errors for an unknown bound or bad bound options.
 */
export async function runPerfBenchmark(options: PerfBenchmarkOptions = {}): Promise<PerfReport> {
  const resolved = resolvePerfOptions(options);
  const progress = options.onProgress ?? (() => {});
  const startedAt = new Date();
  const started = performance.now();
  const previousBackend = tf.engine().backendName;
  const cases: PerfCaseResult[] = [];
  const versions: Record<string, string> = { '@tensorflow/tfjs-core': tf.version_core };
  const notes = [...PERF_NOTES];

  for (const backend of resolved.backends) {
    if (backend === 'tensorflow') {
      // Read by the TensorFlow runtime when tfjs-node creates its context (its first import), so
      // they only take effect if nothing has loaded tfjs-node in this process yet.
      const loadedBefore = tf.engine().registryFactory['tensorflow'] !== undefined;
      process.env['TF_NUM_INTRAOP_THREADS'] ??= String(resolved.nativeThreads);
      process.env['TF_NUM_INTEROP_THREADS'] ??= '1';
      process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
      notes.push(
        loadedBefore
          ? 'tensorflow: tfjs-node was loaded before the benchmark started, so its thread pools are whatever TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS were then (TensorFlow default: all cores); set them before the first initBackend to compare on one thread.'
          : `tensorflow: TF_NUM_INTRAOP_THREADS=${process.env['TF_NUM_INTRAOP_THREADS']}, TF_NUM_INTEROP_THREADS=${process.env['TF_NUM_INTEROP_THREADS']}.`,
      );
    }
    let backendStarted = false;
    try {
      const info = await initBackend(backend, { log: false });
      versions[info.packageName] = info.packageVersion ?? 'unknown';
      backendStarted = true;
    } catch (error) {
      const reason = `backend not available: ${firstLine(error)}`;
      progress(`${backend}: ${reason}`);
      for (const critic of resolved.critics) cases.push(skipped(critic, backend, reason));
    }
    if (!backendStarted) continue;
    for (const critic of resolved.critics) {
      if (backend === 'cpu' && critic === 'cnn' && !resolved.cpuCnn) {
        cases.push(
          skipped(
            critic,
            backend,
            'pure-JS cpu backend: ≈25 GFLOP/step at ~0.7 GFLOP/s ≈ 35 s/step (cpuCnn: true to run it)',
          ),
        );
        continue;
      }
      const { warmup, timed } = stepCounts(resolved, critic, backend);
      progress(`${critic}/${backend}: ${warmup} warm-up + ${timed} timed steps`);
      try {
        const result = await measureTrainingStep({
          critic,
          backend,
          bound: resolved.bound,
          registries: resolved.registries,
          warmupSteps: warmup,
          timedSteps: timed,
          seed: resolved.seed,
        });
        progress(`${critic}/${backend}: ${result.medianMs?.toFixed(2)} ms/step`);
        cases.push(result);
      } catch (error) {
        cases.push({
          critic,
          backend,
          status: 'failed',
          reason: firstLine(error),
          flopsPerStep: perfStepFlops(critic),
        });
      }
    }
  }

  if (resolved.pytorch) {
    cases.push(...(await measurePytorch(resolved, versions, progress)));
  }
  if (previousBackend && tf.engine().backendName !== previousBackend) {
    await tf.setBackend(previousBackend);
  }

  const cpuList = cpus();
  return {
    kind: 'mi-perf-benchmark',
    version: 1,
    startedAt: startedAt.toISOString(),
    seconds: (performance.now() - started) / 1000,
    bound: resolved.bound,
    machine: {
      cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
      cpus: cpuList.length,
      platform: `${platform()} ${release()}`,
      node: process.version,
      totalMemoryBytes: totalmem(),
    },
    versions,
    cases: orderCases(cases, resolved.critics),
    comparisons: compareWithPytorch(cases),
    notes,
  };
}

async function measurePytorch(
  resolved: ReturnType<typeof resolvePerfOptions>,
  versions: Record<string, string>,
  progress: (message: string) => void,
): Promise<PerfCaseResult[]> {
  const results: PerfCaseResult[] = [];
  if (!PYTORCH_BOUNDS.includes(resolved.bound)) {
    const reason = `the PyTorch reference times ${PYTORCH_BOUNDS.join(' and ')} only, not ${resolved.bound}`;
    progress(`pytorch: ${reason}`);
    return resolved.critics.map((c) => skipped(c, 'pytorch', reason));
  }
  const torch = await probeTorch(resolved.python);
  if (!torch.ok) {
    progress(`pytorch: ${torch.reason}`);
    return resolved.critics.map((c) => skipped(c, 'pytorch', torch.reason));
  }
  versions['torch'] = torch.version;
  const dense = resolved.critics.filter(
    (c): c is 'joint' | 'separable' => c === 'joint' || c === 'separable',
  );
  if (dense.length > 0) {
    const script = locatePeerScript(resolved.peerScript);
    if (script === undefined) {
      const reason =
        'peer reference torch_gaussian_staircase.py not found (peerScript option or MI_TORCH_PEER)';
      results.push(...dense.map((c) => skipped(c, 'pytorch', reason)));
    } else {
      progress(
        `pytorch: ${dense.join(', ')} via ${script} (${resolved.torchIterations} iterations)`,
      );
      try {
        results.push(
          ...(await runPeerTiming({
            python: resolved.python,
            script,
            critics: dense,
            bound: resolved.bound,
            iterations: resolved.quick
              ? Math.max(110, Math.ceil(resolved.torchIterations / 2))
              : resolved.torchIterations,
            threads: resolved.torchThreads,
            torchVersion: torch.version,
          })),
        );
      } catch (error) {
        results.push(...dense.map((c) => failed(c, firstLine(error))));
      }
    }
  }
  if (resolved.critics.includes('cnn')) {
    const script = locateCnnScript();
    if (script === undefined) {
      results.push(skipped('cnn', 'pytorch', 'scripts/torch-cnn-timing.py not found'));
    } else {
      const timed = resolved.steps ?? (resolved.quick ? 5 : 20);
      progress(`pytorch: cnn via ${script} (${timed} timed steps)`);
      try {
        results.push(
          await runCnnTiming({
            python: resolved.python,
            script,
            bound: resolved.bound,
            warmupSteps: resolved.warmupSteps ?? 3,
            timedSteps: timed,
            threads: resolved.torchThreads,
            torchVersion: torch.version,
          }),
        );
      } catch (error) {
        results.push(failed('cnn', firstLine(error)));
      }
    }
  }
  return results;
}

function skipped(
  critic: PerfCriticId,
  backend: PerfBackend | 'pytorch',
  reason: string,
): PerfCaseResult {
  return {
    critic,
    backend,
    status: 'skipped',
    reason,
    flopsPerStep: backend === 'pytorch' ? pytorchStepFlops(critic) : perfStepFlops(critic),
  };
}

function failed(critic: PerfCriticId, reason: string): PerfCaseResult {
  return {
    critic,
    backend: 'pytorch',
    status: 'failed',
    reason,
    flopsPerStep: pytorchStepFlops(critic),
  };
}

function orderCases(
  cases: readonly PerfCaseResult[],
  critics: readonly PerfCriticId[],
): PerfCaseResult[] {
  return critics.flatMap((critic) => cases.filter((c) => c.critic === critic));
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/**
 * Writes a report as JSON atomically (a temporary file beside it, then a rename), so that a
 * reader never sees half a file.
 */
export async function writePerfReport(report: PerfReport, path: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(report, null, 2)}\n`);
  await rename(temporary, path);
}
