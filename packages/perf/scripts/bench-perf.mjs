#!/usr/bin/env node
// `pnpm bench:perf`: the performance benchmark from the built package (the root script builds
// @mi/perf and its dependencies first): ms per training step against PyTorch and the targets.
//
//   pnpm bench:perf                         # every installed backend + PyTorch, 1 and 2 threads
//   pnpm bench:perf --threads 1             # one thread only (one process per thread count)
//   pnpm bench:perf --json --out perf.json  # JSON on stdout, and written atomically to perf.json
//   pnpm bench:perf --backends wasm --critics joint,separable --quick --no-pytorch
//   pnpm bench:perf --scaling               # ms/step and memory against n (long), with a figure
import { execFile } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
      'heavy-wasm': { type: 'boolean', default: false },
      'no-pytorch': { type: 'boolean', default: false },
      'no-graph': { type: 'boolean', default: false },
      python: { type: 'string' },
      peer: { type: 'string' },
      'torch-iterations': { type: 'string' },
      threads: { type: 'string' },
      'native-threads': { type: 'string' },
      'torch-threads': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      kernels: { type: 'boolean', default: false },
      scaling: { type: 'boolean', default: false },
      'batch-sizes': { type: 'string' },
      'scaling-dir': { type: 'string' },
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
  --critics LIST                  cases to time (default: all): joint, separable, cnn, cnn-n64,
                                  slb-64, slb-256, clb-64, resnet18
  --backends tensorflow,wasm,cpu  backends to time (default: all; missing ones are reported as skipped)
  --bound SPEC                    bound trained in each step (default infonce; PyTorch times infonce and nwj)
  --steps N / --warmup N          timed / warm-up steps per case (default: per case; on tfjs-node
                                  at least 4, the compiled step's build and check)
  --quick                         fewer steps
  --cpu-cnn                       also time the CNN on the pure-JS cpu backend (~35 s/step)
  --heavy-wasm                    also time cnn-n64 on wasm (25 s per step; resnet18 does not fit
                                  wasm's 4 GiB heap and is always skipped there)
  --no-pytorch                    skip the PyTorch reference
  --no-graph                      time the eager train step on tfjs-node (default: the compiled
                                  graph createTrainStep runs once checked against the eager step)
  --python PATH                   Python with torch (default /usr/bin/python3)
  --peer PATH                     torch_gaussian_staircase.py (default: ../shared/peers/ or $MI_TORCH_PEER)
  --torch-iterations N            iterations of the peer's timing mode (default 400, first 100 untimed)
  --threads LIST                  threads on both sides: one process per count, merged (default 1,2;
                                  --scaling: 1)
  --native-threads N              TF_NUM_INTRAOP_THREADS for tfjs-node (default: --threads)
  --torch-threads N               PyTorch threads (default: --threads)
  --seed N                        seed of weights and batches (default 1)
  --kernels                       also print the slowest kernels of each case
  --json                          print the report as JSON instead of the table
  --out FILE                      also write the JSON report to FILE (atomically)
  --scaling                       instead of the table: ms/step and peak memory of joint (all
                                  pairs and 64 negatives) and separable against n, tfjs-node and
                                  wasm beside PyTorch; writes scaling.json, .md, .svg, .png (long)
  --batch-sizes LIST              n of --scaling (default 32,64,128,256,512,1024)
  --scaling-dir DIR               where --scaling writes (default ./perf-scaling)`);
  process.exit(0);
}

const list = (text) => (text === undefined ? undefined : text.split(',').map((s) => s.trim()));
const integer = (text) => (text === undefined ? undefined : Number(text));
// Both sides at one and at two threads unless told otherwise (--scaling: one thread).
const threadCounts = (list(values.threads) ?? (values.scaling ? ['1'] : ['1', '2'])).map(Number);
if (threadCounts.some((t) => !Number.isInteger(t) || t < 1)) {
  console.error(`--threads: expected a list of positive integers, received ${values.threads}`);
  process.exit(2);
}

async function writeAtomically(path, text) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

// Several thread counts: tfjs-node fixes its thread pool when it loads, so each count runs in a
// process of its own (this script with one --threads value and --json); the reports are merged.
if (threadCounts.length > 1 && !values.scaling) {
  const self = fileURLToPath(import.meta.url);
  const passOn = process.argv
    .slice(2)
    .filter(
      (arg, i, all) =>
        !['--threads', '--out'].includes(arg) && !['--threads', '--out'].includes(all[i - 1]),
    )
    .filter(
      (arg) =>
        !arg.startsWith('--threads=') &&
        !arg.startsWith('--out=') &&
        arg !== '--json' &&
        arg !== '--kernels',
    );
  const bench = await import('../dist/index.js');
  const reports = [];
  for (const threads of threadCounts) {
    console.error(`== ${threads} thread(s)`);
    const stdout = await new Promise((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [self, ...passOn, '--threads', String(threads), '--json'],
        { maxBuffer: 256 * 1024 * 1024 },
        (error, out) => (error ? reject(error) : resolve(out)),
      );
      child.stderr.pipe(process.stderr);
    }).catch((error) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    });
    reports.push(JSON.parse(stdout));
  }
  const report = bench.mergePerfReports(reports);
  if (values.out) await writeAtomically(values.out, `${JSON.stringify(report, null, 2)}\n`);
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(bench.formatPerfTable(report));
    if (values.kernels) console.log(`\n${bench.formatKernelSummary(report)}`);
  }
  process.exit(0);
}

const bench = await import('../dist/index.js');

if (values.scaling) {
  const options = {
    batchSizes: list(values['batch-sizes'])?.map(Number),
    critics: list(values.critics),
    backends: list(values.backends),
    steps: integer(values.steps),
    threads: threadCounts[0],
    python: values.python,
    seed: integer(values.seed),
    onProgress: (message) => console.error(message),
  };
  if (values['no-pytorch'])
    options.backends = (options.backends ?? ['tensorflow', 'wasm']).filter((b) => b !== 'pytorch');
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  try {
    const report = await bench.runPerfScaling(options);
    const dir = values['scaling-dir'] ?? 'perf-scaling';
    await mkdir(dir, { recursive: true });
    await writeAtomically(join(dir, 'scaling.json'), `${JSON.stringify(report, null, 2)}\n`);
    const table = bench.formatScalingTable(report);
    await writeAtomically(join(dir, 'scaling.md'), `${table}\n`);
    const figure = await bench.writeScalingFigure(report, dir);
    if (values.out) await writeAtomically(values.out, `${JSON.stringify(report, null, 2)}\n`);
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else console.log(`${table}\n\nfigure: ${figure.svg}, ${figure.png}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  process.exit(0);
}

const options = {
  critics: list(values.critics),
  backends: list(values.backends),
  bound: values.bound,
  steps: integer(values.steps),
  warmupSteps: integer(values.warmup),
  quick: values.quick,
  cpuCnn: values['cpu-cnn'],
  heavyWasm: values['heavy-wasm'],
  pytorch: !values['no-pytorch'],
  graph: !values['no-graph'],
  python: values.python,
  peerScript: values.peer,
  torchIterations: integer(values['torch-iterations']),
  threads: threadCounts[0],
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
