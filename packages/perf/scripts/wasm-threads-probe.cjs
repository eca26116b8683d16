// Does tfjs-backend-wasm's threaded SIMD build run in Node, and does it help? Evidence for
// PERFORMANCE.md ("Threads on wasm"); not part of the package. From the repository root:
//
//   node packages/perf/scripts/wasm-threads-probe.cjs            # stock: what tfjs does in Node
//   node packages/perf/scripts/wasm-threads-probe.cjs shim 2     # with the workarounds, 2 threads
//   node packages/perf/scripts/wasm-threads-probe.cjs shim 0     # the same process setup, 1 thread
//
// What stands in the way, in order (tfjs-backend-wasm 4.22.0, Node 20):
//   1. WASM_HAS_MULTITHREAD_SUPPORT is false whenever IS_NODE (tfjs issue #3830), so the
//      threaded .wasm (shipped: dist/tfjs-backend-wasm-threaded-simd.wasm) is never chosen;
//   2. forced on, Emscripten starts its pthread pool with `new Worker(blob:...)`: Node's
//      worker_threads refuses blob URLs (ERR_WORKER_PATH);
//   3. with a Worker that loads a file instead, each worker evals the stringified factory of the
//      threaded module, which refers to names of the bundle's own scope (require$$0, require$$1,
//      require$$3, require$$4, commonjsGlobal): ReferenceError unless the worker defines them;
//   4. XNNPACK's pool is capped at emscripten_num_logical_cores() / 2 = os.cpus().length / 2, so
//      on a 2-vCPU machine it stays at 1 thread unless os.cpus() is made to report more.
// `shim` works around all four (wasm-threads-worker.cjs is the pthread worker). It depends on
// names inside the bundle, which is why the project does not ship it.
const path = require('node:path');
const os = require('node:os');
const { Worker: NodeWorker } = require('node:worker_threads');

const mode = process.argv[2] ?? 'stock';
const threads = Number(process.argv[3] ?? 2);
if (mode === 'shim') {
  class FileWorker extends NodeWorker {
    constructor(url, options) {
      super(
        String(url).startsWith('blob:') ? path.join(__dirname, 'wasm-threads-worker.cjs') : url,
        options,
      );
    }
  }
  // The module assigns global.Worker = worker_threads.Worker on load: keep ours.
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => FileWorker,
    set: () => {},
  });
}
const realCpus = os.cpus;
if (mode === 'shim') os.cpus = () => [...realCpus(), ...realCpus()];
const tf = require('@tensorflow/tfjs-core');
const wasm = require('@tensorflow/tfjs-backend-wasm');

(async () => {
  if (mode === 'stock' || threads > 0) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(Math.max(1, threads));
  }
  let started = false;
  try {
    started = await tf.setBackend('wasm');
    await tf.ready();
  } catch (error) {
    console.log(`setBackend('wasm') threw: ${String(error?.message ?? error).split('\n')[0]}`);
  }
  os.cpus = realCpus;
  if (!started || tf.getBackend() !== 'wasm') {
    console.log(`the threaded wasm backend did not start (active: ${tf.getBackend()})`);
    process.exit(0);
  }
  console.log(`mode ${mode}: wasm started, XNNPACK threads ${wasm.getThreadsCount()}`);
  const time = (f, reps) => {
    f().dataSync();
    const start = performance.now();
    for (let i = 0; i < reps; i++) tf.tidy(() => f().dataSync());
    return (performance.now() - start) / reps;
  };
  for (const n of [256, 1024]) {
    const a = tf.randomNormal([n, n]);
    const ms = time(() => tf.matMul(a, a), n < 512 ? 50 : 5);
    console.log(
      `matMul ${n}×${n}: ${ms.toFixed(2)} ms, ${((2 * n ** 3) / ms / 1e6).toFixed(1)} GFLOP/s`,
    );
    a.dispose();
  }
  const x = tf.randomNormal([256, 18, 18, 64]);
  const f = tf.randomNormal([5, 5, 64, 128]);
  console.log(
    `conv2d 256×18×18×64 * 5×5×64×128 s2: ${time(() => tf.conv2d(x, f, 2, 'valid'), 3).toFixed(1)} ms`,
  );
  process.exit(0);
})();
