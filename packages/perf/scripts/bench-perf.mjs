#!/usr/bin/env node
// `pnpm bench:perf`: the performance benchmark from the built package (the root script builds
// @mi/perf and its dependencies first): ms per training step against PyTorch and the targets.
//
//   pnpm bench:perf                         # every installed backend + PyTorch, human table
//   pnpm bench:perf --json --out perf.json  # JSON on stdout, and written atomically to perf.json
//   pnpm bench:perf --backends wasm --critics joint,separable --quick --no-pytorch
import { parseArgs } from 'node:util';

let parsed;
try {
  parsed = parseArgs({
    options: {
      critics: { type: 'string' },
      backends: { type: 'string' },
      bound: { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'cpu-cnn': { type: 'boolean', default: false },
      'no-pytorch': { type: 'boolean', default: false },
      python: { type: 'string' },
      peer: { type: 'string' },
      'torch-iterations': { type: 'string' },
      'native-threads': { type: 'string' },
      'torch-threads': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      kernels: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
} catch (error) {
  console.error(`${error.message} (pnpm bench:perf --help lists the options)`);
  process.exit(2);
}
const { values } = parsed;

if (values.help) {
  console.log(`usage: pnpm bench:perf [options]
  --critics joint,separable,cnn   critics to time (default: all)
  --backends tensorflow,wasm,cpu  backends to time (default: all; missing ones are reported as skipped)
  --bound SPEC                    bound trained in each step (default infonce; PyTorch times infonce and nwj)
  --steps N / --warmup N          timed / warm-up steps per case (default: per case)
  --quick                         fewer steps (well under a minute without the CNN)
  --cpu-cnn                       also time the CNN on the pure-JS cpu backend (~35 s/step)
  --no-pytorch                    skip the PyTorch reference
  --python PATH                   Python with torch (default /usr/bin/python3)
  --peer PATH                     torch_gaussian_staircase.py (default: ../shared/peers/ or $MI_TORCH_PEER)
  --torch-iterations N            iterations of the peer's timing mode (default 400, first 100 untimed)
  --native-threads N              TF_NUM_INTRAOP_THREADS for tfjs-node (default 1)
  --torch-threads N               PyTorch threads (default 1)
  --seed N                        seed of weights and batches (default 1)
  --kernels                       also print the slowest kernels of each case
  --json                          print the report as JSON instead of the table
  --out FILE                      also write the JSON report to FILE (atomically)`);
  process.exit(0);
}

const list = (text) => (text === undefined ? undefined : text.split(',').map((s) => s.trim()));
const integer = (text) => (text === undefined ? undefined : Number(text));

const bench = await import('../dist/index.js');
const options = {
  critics: list(values.critics),
  backends: list(values.backends),
  bound: values.bound,
  steps: integer(values.steps),
  warmupSteps: integer(values.warmup),
  quick: values.quick,
  cpuCnn: values['cpu-cnn'],
  pytorch: !values['no-pytorch'],
  python: values.python,
  peerScript: values.peer,
  torchIterations: integer(values['torch-iterations']),
  nativeThreads: integer(values['native-threads']),
  torchThreads: integer(values['torch-threads']),
  seed: integer(values.seed),
  onProgress: (message) => console.error(message),
};
for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];

try {
  const report = await bench.runPerfBenchmark(options);
  if (values.out) await bench.writePerfReport(report, values.out);
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(bench.formatPerfTable(report));
    if (values.kernels) console.log(`\n${bench.formatKernelSummary(report)}`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
