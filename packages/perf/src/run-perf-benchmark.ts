import { rename, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { initBackend } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';
import { measureTrainingStep, visiblePeakBytes } from './measure-training-step';
import { type PerfCriticId, perfCase } from './perf-cases';
import {
  type PerfBackend,
  type PerfBenchmarkOptions,
  PYTORCH_BOUNDS,
  resolvePerfOptions,
  stepCounts,
} from './perf-options';
import {
  compareWithPytorch,
  type PerfCaseResult,
  type PerfReport,
  type PytorchEnvironmentReport,
} from './perf-report';
import {
  locatePeerScript,
  locateTorchScript,
  probeTorch,
  pytorchEnvironmentOf,
  runPeerTiming,
  runTorchCase,
  untunedTorchReason,
} from './pytorch-reference';

/** Notes printed under the table and stored in the JSON: what is measured and how. */
const PERF_NOTES: readonly string[] = [
  'ms/step: wall time of one full training step as train() runs it (createTrainStep from @mi/train): fresh batch, critic scores on all n² pairs, bound, tf.variableGrads, loss/estimate/terms read back, Adam (lr 5e-4) via optimizer.applyGradients; median over the timed steps, warm-up steps excluded.',
  'FLOPs/step = 3 × forward FLOPs of the matrix products and convolutions (2 per multiply-add); bias, activations, batch norm, bound and Adam are not counted (src/flop-count.ts). Joint (n=64, d=20, 256-256, first layer split as x·Wx + y·Wy): 1.621 GFLOP (the peer tiles the n² pairs in its first layer: 1.869 GFLOP). Separable (256-256→32): 61.3 MFLOP. CNN (n=16, MNIST, first conv split): 25.34 GFLOP. SLB batch 64: 6.44 GFLOP; CLB batch 64: 12.98 GFLOP; ResNet-18 pairs n=16: 850.7 GFLOP.',
  "Cases: cnn / cnn-n64 are the self-consistency critic (images stacked on channels, all n² pairs); slb-* the supervised step T = f(x)·onehot(y) and clb-64 the contrastive step T = f(x₁)·f(x₂) with the cnn critic's conv trunk (a harness-local critic: @mi/critics has SLB/CLB heads on ResNet-18 only); resnet18 the ResNet-18 pair critic (batch norm over the n² pairs). Synthetic batches of the papers' sizes (uniform images, one-hot labels, correlated Gaussians with MI = 6 nats).",
  "kernels/step, peak tensors and peak tensor MiB come from one extra untimed step under tf.profile (engine kernel invocations, nested ones included; most tensors/bytes alive after any kernel); RSS is the whole process after the case. A step run as a compiled graph (tfjs-node) is one or two kernels, and its intermediate tensors live in TensorFlow's allocator, which TF.js cannot see: its peak MiB is left out (–); RSS still counts it.",
  'PyTorch: ../shared/peers/torch_gaussian_staircase.py timing mode (joint, separable at n = 64; first 100 iterations untimed) and packages/perf/scripts/torch-timing.py (every other case: the same network, batch, dtype and bound), tuned glibc malloc, torch + OpenBLAS threads pinned to the same count as ours, inter-op 1, OMP_WAIT_POLICY=PASSIVE, OPENBLAS_CORETYPE chosen from the CPU flags before torch loads (SkylakeX with AVX-512, Haswell with AVX2) unless the environment set it.',
  'other load: cores kept busy by other processes while the case ran (/proc/stat); above ~0.3 the timing is disturbed on a 2-core machine.',
];

/** Why a case is not run on a backend with these options, or `undefined` when it is. */
export function skipReason(
  critic: PerfCriticId,
  backend: PerfBackend,
  options: { readonly cpuCnn: boolean; readonly heavyWasm: boolean; readonly threads: number },
): string | undefined {
  const setup = perfCase(critic);
  if (options.threads > 1 && backend === 'wasm') {
    return 'the wasm backend runs single-threaded in Node (its threaded build does not start there: PERFORMANCE.md)';
  }
  if (options.threads > 1 && backend === 'cpu')
    return 'the cpu backend is single-threaded JavaScript';
  if (backend === 'cpu' && (setup.heavy || critic !== 'cnn') && /cnn|slb|clb|resnet/.test(critic)) {
    return `pure-JS cpu backend: ${(setup.flops / 1e9).toFixed(0)} GFLOP/step at ~0.7 GFLOP/s, minutes per step`;
  }
  if (backend === 'cpu' && critic === 'cnn' && !options.cpuCnn) {
    return 'pure-JS cpu backend: ≈25 GFLOP/step at ~0.7 GFLOP/s ≈ 35 s/step (cpuCnn: true to run it)';
  }
  if (backend === 'wasm' && critic === 'resnet18') {
    // Measured 2026-12-01: the module aborts ("Aborted()") and every later wasm case fails with it.
    return 'its step holds ≈ 5.7 GB of tensors and the wasm heap stops at 4 GiB (wasm32): the module would abort; use tfjs-node';
  }
  if (backend === 'wasm' && setup.heavy && !options.heavyWasm) {
    return `${(setup.flops / 1e9).toFixed(0)} GFLOP/step at ≈ 16 GFLOP/s on wasm: ≈ 25 s per step (heavyWasm: true, --heavy-wasm, to run it)`;
  }
  return undefined;
}

/**
 * The performance benchmark: median milliseconds per training step of the joint critic (n = 64,
 * d = 20, 256-256, all n² pairs), the separable critic (256-256 → 32), the CNN self-consistency
 * critic (n = 16 and 64, MNIST size), the SLB step (CNN classifier, batch 64 and 256), the CLB
 * step (batch 64) and the ResNet-18 pair critic (n = 16, CIFAR size), on each installed TF.js
 * backend, with GFLOP/s from the stated FLOP count, kernels per step, peak tensor count and bytes
 * and process memory; and, when the Python interpreter has torch, the same cases measured with
 * PyTorch in the same run at the same thread count (the peer reference's `timing` mode for joint
 * and separable, this package's `scripts/torch-timing.py` for the others; OpenBLAS's kernel
 * family chosen from the CPU flags and the one that ran recorded), reported as ratios ours /
 * PyTorch against the targets (on wasm joint ≤ 4×, separable ≤ 3×, CNN ≤ 8×; on tensorflow joint
 * ≤ 1.5×, separable ≤ 2×, CNN ≤ 2×).
 *
 * Backends run one after the other in this process; PyTorch runs after them, never at the same
 * time. A backend that cannot start (tfjs-node not built: `pnpm setup:native`) is reported as
 * skipped, as are the image cases on `cpu` (the CNN unless `cpuCnn`), the heavy ones on wasm
 * unless `heavyWasm`, and wasm and cpu above one thread. Leaves the previously active backend
 * active.
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
      process.env['TF_NUM_INTEROP_THREADS'] ??= '-1'; // as initBackend: sessions run in the calling thread
      process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
      notes.push(
        loadedBefore
          ? 'tensorflow: tfjs-node was loaded before the benchmark started, so its thread pools are whatever TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS were then (TensorFlow default: all cores); set them before the first initBackend to compare on one thread.'
          : `tensorflow: TF_NUM_INTRAOP_THREADS=${process.env['TF_NUM_INTRAOP_THREADS']}, TF_NUM_INTEROP_THREADS=${process.env['TF_NUM_INTEROP_THREADS']}.`,
      );
    }
    const threads = backend === 'tensorflow' ? resolved.nativeThreads : 1;
    const runnable = resolved.critics.filter(
      (critic) => skipReason(critic, backend, resolved) === undefined,
    );
    for (const critic of resolved.critics) {
      const reason = skipReason(critic, backend, resolved);
      if (reason !== undefined) cases.push(skipped(critic, backend, reason, resolved.threads));
    }
    if (runnable.length === 0) continue;
    let backendStarted = false;
    try {
      const info = await initBackend(backend, { log: false });
      versions[info.packageName] = info.packageVersion ?? 'unknown';
      backendStarted = true;
    } catch (error) {
      const reason = `backend not available: ${firstLine(error)}`;
      progress(`${backend}: ${reason}`);
      for (const critic of runnable) cases.push(skipped(critic, backend, reason, resolved.threads));
    }
    if (!backendStarted) continue;
    for (const critic of runnable) {
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
          phases: !perfCase(critic).heavy,
          graph: resolved.graph,
        });
        progress(
          `${critic}/${backend}: ${result.medianMs?.toFixed(2)} ms/step (${executionSummary(result.details)})`,
        );
        cases.push({
          ...result,
          threads,
          ...peakMemoryOf(result),
        });
      } catch (error) {
        cases.push({
          critic,
          backend,
          status: 'failed',
          reason: firstLine(error),
          n: perfCase(critic).n,
          threads,
          flopsPerStep: perfCase(critic).flops,
        });
      }
    }
  }

  let pytorch: PytorchEnvironmentReport | undefined;
  if (resolved.pytorch) {
    const measured = await measurePytorch(resolved, versions, progress);
    cases.push(...measured.cases);
    pytorch = measured.environment;
    if (pytorch !== undefined) {
      notes.push(
        `PyTorch ${pytorch.torch}: OpenBLAS kernels ${pytorch.openblasCore ?? 'unknown (no Core: line)'} (OPENBLAS_VERBOSE=2 "Core:" line; OPENBLAS_CORETYPE=${pytorch.openblasCoretype ?? 'unset'}, chosen by ${pytorch.chosenBy ?? '?'}), ${resolved.torchThreads} thread(s).`,
      );
    }
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
    threads: [resolved.threads],
    ...(pytorch === undefined ? {} : { pytorch }),
    cases: orderCases(cases, resolved.critics),
    comparisons: compareWithPytorch(cases),
    notes,
  };
}

async function measurePytorch(
  resolved: ReturnType<typeof resolvePerfOptions>,
  versions: Record<string, string>,
  progress: (message: string) => void,
): Promise<{ cases: PerfCaseResult[]; environment?: PytorchEnvironmentReport }> {
  const results: PerfCaseResult[] = [];
  const threads = resolved.torchThreads;
  if (!PYTORCH_BOUNDS.includes(resolved.bound)) {
    const reason = `the PyTorch reference times ${PYTORCH_BOUNDS.join(' and ')} only, not ${resolved.bound}`;
    progress(`pytorch: ${reason}`);
    return { cases: resolved.critics.map((c) => skipped(c, 'pytorch', reason, threads)) };
  }
  const script = locateTorchScript();
  const torch = await probeTorch(resolved.python, script);
  if (!torch.ok) {
    progress(`pytorch: ${torch.reason}`);
    return { cases: resolved.critics.map((c) => skipped(c, 'pytorch', torch.reason, threads)) };
  }
  const untuned = untunedTorchReason(torch);
  if (untuned !== undefined) {
    progress(`pytorch: ${untuned}`);
    return { cases: resolved.critics.map((c) => skipped(c, 'pytorch', untuned, threads)) };
  }
  versions['torch'] = torch.version;
  const environment = pytorchEnvironmentOf(torch);
  progress(
    `pytorch: torch ${torch.version}, BLAS ${torch.blas}${torch.blasLibrary === undefined ? '' : ` (${torch.blasLibrary})`}, OpenBLAS core ${torch.openblasCore ?? 'unknown'}`,
  );
  const peerCritics = resolved.critics.filter(
    (c): c is 'joint' | 'separable' => perfCase(c).torch.kind === 'peer',
  );
  if (peerCritics.length > 0) {
    const peer = locatePeerScript(resolved.peerScript);
    if (peer === undefined) {
      const reason =
        'peer reference torch_gaussian_staircase.py not found (peerScript option or MI_TORCH_PEER)';
      results.push(...peerCritics.map((c) => skipped(c, 'pytorch', reason, threads)));
    } else {
      progress(
        `pytorch: ${peerCritics.join(', ')} via ${peer} (${resolved.torchIterations} iterations)`,
      );
      try {
        results.push(
          ...(await runPeerTiming({
            python: resolved.python,
            script: peer,
            critics: peerCritics,
            bound: resolved.bound,
            iterations: resolved.quick
              ? Math.max(110, Math.ceil(resolved.torchIterations / 2))
              : resolved.torchIterations,
            threads,
            torchVersion: torch.version,
            openblasCore: torch.openblasCore,
          })),
        );
      } catch (error) {
        results.push(...peerCritics.map((c) => failed(c, firstLine(error), threads)));
      }
    }
  }
  for (const critic of resolved.critics) {
    const setup = perfCase(critic);
    if (setup.torch.kind !== 'script') continue;
    if (script === undefined) {
      results.push(skipped(critic, 'pytorch', `scripts/torch-timing.py not found`, threads));
      continue;
    }
    const base = setup.steps.tensorflow;
    const timed = resolved.steps ?? (resolved.quick ? Math.max(1, Math.ceil(base / 3)) : base);
    progress(`pytorch: ${critic} via ${script} (${timed} timed steps)`);
    try {
      results.push(
        await runTorchCase({
          python: resolved.python,
          script,
          setup,
          bound: resolved.bound,
          warmupSteps: resolved.warmupSteps ?? setup.warmup,
          timedSteps: timed,
          threads,
          torchVersion: torch.version,
          openblasCore: torch.openblasCore,
        }),
      );
    } catch (error) {
      results.push(failed(critic, firstLine(error), threads));
    }
  }
  return { cases: results, environment };
}

function skipped(
  critic: PerfCriticId,
  backend: PerfBackend | 'pytorch',
  reason: string,
  threads: number,
): PerfCaseResult {
  const setup = perfCase(critic);
  return {
    critic,
    backend,
    status: 'skipped',
    reason,
    n: setup.n,
    threads,
    flopsPerStep: backend === 'pytorch' ? setup.pytorchFlops : setup.flops,
  };
}

function failed(critic: PerfCriticId, reason: string, threads: number): PerfCaseResult {
  const setup = perfCase(critic);
  return {
    critic,
    backend: 'pytorch',
    status: 'failed',
    reason,
    n: setup.n,
    threads,
    flopsPerStep: setup.pytorchFlops,
  };
}

function orderCases(
  cases: readonly PerfCaseResult[],
  critics: readonly PerfCriticId[],
): PerfCaseResult[] {
  return critics.flatMap((critic) => cases.filter((c) => c.critic === critic));
}

/** `peakMemoryBytes` of a case, where TF.js can measure it (see `visiblePeakBytes`). */
export function peakMemoryOf(result: PerfCaseResult): { peakMemoryBytes?: number } {
  const bytes = visiblePeakBytes(result);
  return bytes === undefined ? {} : { peakMemoryBytes: bytes };
}

/** How a case's step ran, in a few words (from `measureTrainingStep`'s details). */
function executionSummary(details: Readonly<Record<string, unknown>> | undefined): string {
  const execution = details?.['execution'];
  if (execution === 'graph') {
    const adam = details?.['optimizerInGraph'] ? 'Adam in the graph' : 'Adam eager';
    return `compiled graph of ${details?.['graphOps']} TensorFlow ops, ${adam}`;
  }
  const reason = details?.['eagerReason'];
  return `${String(execution)}${typeof reason === 'string' ? `: ${reason}` : ''}`;
}

export function firstLine(error: unknown): string {
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
