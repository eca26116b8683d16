// The pthread worker of tfjs-backend-wasm's threaded build, for Node's worker_threads: the job of
// the worker script the package embeds as a string and starts from a blob: URL (which Node
// refuses), written for `wasm-threads-probe.cjs`. Not part of the package.
//
// Protocol (Emscripten 3.x pthreads): 'load' brings the compiled module, the shared memory and the
// main script (a Blob with the factory `WasmBackendModuleThreadedSimd`); 'run' starts a thread;
// 'cancel' ends it; 'processProxyingQueue' runs calls proxied from the main thread.
const fs = require('node:fs');
const { parentPort } = require('node:worker_threads');

// The factory is the source text of a function from the package's bundle: it refers to names of
// the bundle's module scope, which must exist here as globals.
Object.assign(globalThis, {
  require$$0: fs,
  require$$1: require('node:path'),
  require$$3: require('node:perf_hooks'),
  require$$4: require('node:os'),
  commonjsGlobal: globalThis,
  self: globalThis,
  location: { href: __filename },
  postMessage: (message) => parentPort.postMessage(message),
  require,
  __dirname,
  __filename,
});

let Module = {};
let initialized = false;
let pendingQueues = [];
const printError = (...parts) => fs.writeSync(2, `${parts.join(' ')}\n`);

Module.instantiateWasm = (info, receiveInstance) => {
  const instance = new WebAssembly.Instance(Module.wasmModule, info);
  receiveInstance(instance);
  Module.wasmModule = null;
  return instance.exports;
};
globalThis.startWorker = (instance) => {
  Module = instance;
  parentPort.postMessage({ cmd: 'loaded' });
};

async function load(data) {
  Module.wasmModule = data.wasmModule;
  for (const handler of data.handlers) {
    Module[handler] = (...args) => parentPort.postMessage({ cmd: 'callHandler', handler, args });
  }
  Module.wasmMemory = data.wasmMemory;
  Module.buffer = Module.wasmMemory.buffer;
  Module.ENVIRONMENT_IS_PTHREAD = true;
  const source =
    typeof data.urlOrBlob === 'string'
      ? fs.readFileSync(data.urlOrBlob, 'utf8')
      : await data.urlOrBlob.text();
  // Defines WasmBackendModuleThreadedSimd in this worker's global scope, as importScripts would.
  const factory = new Function(`${source}; return WasmBackendModuleThreadedSimd;`)();
  factory(Module);
}

function run(data) {
  Module.__emscripten_thread_init(data.pthread_ptr, 0, 0, 1);
  Module.establishStackSpace();
  Module.PThread.receiveObjectTransfer(data);
  Module.PThread.threadInitTLS();
  if (!initialized) {
    for (const queue of pendingQueues) Module.executeNotifiedProxyingQueue(queue);
    pendingQueues = [];
    initialized = true;
  }
  try {
    Module.invokeEntryPoint(data.start_routine, data.arg);
  } catch (error) {
    if (error === 'unwind') return;
    if (!(error instanceof Module.ExitStatus)) throw error;
    if (!Module.keepRuntimeAlive()) Module.__emscripten_thread_exit(error.status);
  }
}

async function handle(data) {
  try {
    if (data.cmd === 'load') await load(data);
    else if (data.cmd === 'run') run(data);
    else if (data.cmd === 'cancel') {
      if (Module._pthread_self()) Module.__emscripten_thread_exit(-1);
    } else if (data.cmd === 'processProxyingQueue') {
      if (initialized) Module.executeNotifiedProxyingQueue(data.queue);
      else pendingQueues.push(data.queue);
    } else if (data.cmd) printError(`worker received unknown command ${data.cmd}`);
  } catch (error) {
    Module.__emscripten_thread_crashed?.();
    throw error;
  }
}

// One message at a time, in order ('load' awaits the script).
let queue = Promise.resolve();
parentPort.on('message', (data) => {
  queue = queue.then(() => handle(data));
});
