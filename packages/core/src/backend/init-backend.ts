import { createRequire } from 'node:module';
import {
  type BackendInfo,
  type BackendName,
  type BackendPreference,
  BackendUnavailableError,
  InvalidArgumentError,
} from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { registerTensorflowTrainingKernels } from '../kernels/register-tensorflow-training-kernels';
import { registerWasmTrainingKernels } from '../wasm/register-wasm-training-kernels';
import { BACKEND_ORDER, BACKEND_PREFERENCES, type BackendCandidate } from './backend-catalogue';
import { registerGradients } from './register-gradients';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Where the one-line "backend: …" message goes. Defaults to `console.error` (stderr, so that
   * `--json` output on stdout stays clean); `false` silences it.
   */
  readonly log?: ((message: string) => void) | false;
  /** Environment to read `MI_BACKEND` from; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Starts a TensorFlow.js backend and registers the gradients training needs.
 *
 * With `auto` (the default) it tries, in order, `tensorflow-gpu` (`@tensorflow/tfjs-node-gpu`),
 * `tensorflow` (`@tensorflow/tfjs-node`), `wasm` (`@tensorflow/tfjs-backend-wasm`) and `cpu`
 * (`@tensorflow/tfjs-backend-cpu`), and keeps the first that starts. The preference comes from the
 * argument, else from the `MI_BACKEND` environment variable, else `auto`. A forced backend
 * that cannot start throws {@link BackendUnavailableError} naming the package to install.
 *
 * tfjs can fall back silently when `setBackend` fails, so the active backend is checked with
 * `tf.getBackend()` after start-up.
 *
 * @example
 * ```ts
 * const backend = await initBackend();        // or initBackend('wasm')
 * console.log(backend.name);                  // 'wasm' on a machine without tfjs-node
 * ```
 */
export async function initBackend(
  preference?: BackendPreference,
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  const env = options.env ?? process.env;
  const requested = preference ?? (env['MI_BACKEND'] || 'auto');
  if (!BACKEND_PREFERENCES.includes(requested)) {
    throw new InvalidArgumentError({
      functionName: 'initBackend',
      parameter: preference === undefined ? 'MI_BACKEND' : 'preference',
      value: requested,
      expected: `one of ${BACKEND_PREFERENCES.join(', ')}`,
    });
  }
  const candidates =
    requested === 'auto' ? BACKEND_ORDER : BACKEND_ORDER.filter((b) => b.name === requested);

  const skipped: { name: BackendName; reason: string }[] = [];
  for (const candidate of candidates) {
    const outcome = await tryStart(candidate);
    if (outcome.ok) {
      await registerGradients();
      const kernels = trainingKernelsFor(candidate.name);
      if (kernels === 'wasm') registerWasmTrainingKernels();
      if (kernels === 'tensorflow-cpu') registerTensorflowTrainingKernels();
      const info: BackendInfo = {
        name: candidate.name,
        tfjsName: tf.getBackend(),
        packageName: candidate.packageName,
        packageVersion: packageVersion(candidate.packageName),
        skipped,
      };
      silenceNodeBanner();
      if (options.log !== false) {
        const native = candidate.name === 'wasm' || candidate.name === 'cpu';
        (options.log ?? ((m: string) => console.error(m)))(
          `backend: ${info.name} (${info.packageName}${info.packageVersion ? `@${info.packageVersion}` : ''})${
            native && requested === 'auto'
              ? '; the native backend is 3–5× faster: `pnpm setup:native` builds it without a download'
              : ''
          }`,
        );
      }
      return info;
    }
    if (requested !== 'auto') {
      throw new BackendUnavailableError({
        backend: candidate.name,
        packageName: candidate.packageName,
        detail: outcome.reason,
        cause: outcome.cause,
      });
    }
    skipped.push({ name: candidate.name, reason: outcome.reason });
  }
  throw new BackendUnavailableError({
    backend: 'auto',
    packageName: BACKEND_ORDER.map((b) => b.packageName).join(', '),
    detail: `no backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`,
  });
}

/**
 * Which of `@mi/core`'s kernel replacements {@link initBackend} installs for a backend:
 * `'wasm'` ({@link registerWasmTrainingKernels}: the missing filter gradient of conv2d and the
 * faster Sum, Conv2DBackpropInput and Identity), `'tensorflow-cpu'`
 * ({@link registerTensorflowTrainingKernels}: `Step` as a comparison, tuned on TensorFlow's CPU
 * kernels), or `'none'`. The GPU build of tfjs-node registers itself under the same tfjs name
 * (`tensorflow`), so the decision goes by the package that started, not by `tf.getBackend()`:
 * `tensorflow-gpu` gets none of the CPU-tuned replacements (they were measured on CPU only and
 * would add host-side ops around CUDA kernels); `cpu` needs none.
 */
export function trainingKernelsFor(backend: BackendName): 'wasm' | 'tensorflow-cpu' | 'none' {
  switch (backend) {
    case 'wasm':
      return 'wasm';
    case 'tensorflow':
      return 'tensorflow-cpu';
    default:
      return 'none';
  }
}

type StartOutcome = { ok: true } | { ok: false; reason: string; cause?: unknown };

async function tryStart(candidate: BackendCandidate): Promise<StartOutcome> {
  // The TensorFlow C library logs its CPU features on load; errors still print.
  if (candidate.tfjsName === 'tensorflow' && process.env['TF_CPP_MIN_LOG_LEVEL'] === undefined) {
    process.env['TF_CPP_MIN_LOG_LEVEL'] = '2';
  }
  // A negative inter-op count makes TensorFlow run each graph session in the calling thread (the
  // compiled training step's Session::Run calls) instead of handing it to a pool thread and
  // waiting: measured 0.17 → 0.007 ms per run on one core. Eager ops run in the calling thread
  // either way. Read once, when the first session is made; a value the user set is kept. CPU
  // build only: the GPU build was not measured.
  if (candidate.name === 'tensorflow' && process.env['TF_NUM_INTEROP_THREADS'] === undefined) {
    process.env['TF_NUM_INTEROP_THREADS'] = '-1';
  }
  try {
    // A variable specifier keeps bundlers and the type checker from requiring optional peers.
    const specifier = candidate.packageName;
    await import(/* @vite-ignore */ specifier);
  } catch (cause) {
    const missing = isModuleNotFound(cause, candidate.packageName);
    return {
      ok: false,
      reason: missing
        ? `the package ${candidate.packageName} is not installed (add it with: pnpm add ${candidate.packageName})`
        : `${candidate.packageName} failed to load: ${errorMessage(cause)}`,
      cause,
    };
  }
  if (tf.engine().registryFactory[candidate.tfjsName] === undefined) {
    return {
      ok: false,
      reason: `${candidate.packageName} loaded but registered no '${candidate.tfjsName}' backend (is it a copy with a different @tensorflow/tfjs-core?)`,
    };
  }
  let started = false;
  try {
    started = await tf.setBackend(candidate.tfjsName);
    await tf.ready();
  } catch (cause) {
    return {
      ok: false,
      reason: `tf.setBackend('${candidate.tfjsName}') threw: ${errorMessage(cause)}`,
      cause,
    };
  }
  // setBackend can report success and still leave another backend active.
  if (!started || tf.getBackend() !== candidate.tfjsName) {
    return {
      ok: false,
      reason: `tf.setBackend('${candidate.tfjsName}') left '${tf.getBackend()}' active`,
    };
  }
  return { ok: true };
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    errorMessage(error).includes(packageName)
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

function packageVersion(packageName: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${packageName}/package.json`) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * TF.js's cpu backend prints a banner recommending tfjs-node on its first tensor in Node (every
 * test file, every CLI run); `initBackend` says what helps in its own words instead. The cpu
 * backend is the fallback of every other backend, so it is silenced whichever one is active.
 */
function silenceNodeBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu !== null && 'firstUse' in cpu) cpu.firstUse = false;
}
