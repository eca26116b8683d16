import {
  formatKernelSummary,
  formatPerfTable,
  type PerfBenchmarkOptions,
  runPerfBenchmark,
  writePerfReport,
} from '@mi/bench';
import type { Command } from 'commander';
import type { CommandEnvironment } from '../command-environment';
import { positiveInteger, stringList } from '../parse-options';
import { pick } from './bench-gaussian';

export function registerPerf(bench: Command, environment: CommandEnvironment): void {
  bench
    .command('perf')
    .description(
      'ms per training step of the joint, separable and CNN critics on each installed backend, against PyTorch on this machine (same as pnpm bench:perf)',
    )
    .option('--critics <list>', 'joint,separable,cnn (default all)', stringList)
    .option('--backends <list>', 'tensorflow,wasm,cpu (default all installed)', stringList)
    .option('--bound <id>', 'infonce (default) or nwj')
    .option('--steps <n>', 'timed steps per case', positiveInteger('--steps'))
    .option('--warmup <n>', 'warm-up steps per case', positiveInteger('--warmup'))
    .option('--quick', 'fewer steps')
    .option('--cpu-cnn', 'also time the CNN on the pure-JS cpu backend (~35 s per step)')
    .option('--no-pytorch', 'skip the PyTorch reference')
    .option('--python <path>', 'a Python with torch (default /usr/bin/python3)')
    .option('--peer <path>', 'the PyTorch reference script torch_gaussian_staircase.py')
    .option('--kernels', 'also print the slowest kernels of each case')
    .option('--out <file>', 'also write the JSON report to this file (atomically)')
    .action(async (options: Record<string, unknown>, command: Command) =>
      environment.run(
        command,
        async ({ output }) => {
          const report = await runPerfBenchmark({
            ...pick(options, {
              critics: 'critics',
              backends: 'backends',
              bound: 'bound',
              steps: 'steps',
              warmupSteps: 'warmup',
              quick: 'quick',
              cpuCnn: 'cpuCnn',
              python: 'python',
              peerScript: 'peer',
            }),
            pytorch: options['pytorch'] !== false,
            onProgress: (message: string) => output.note(message),
          } as PerfBenchmarkOptions);
          if (options['out']) await writePerfReport(report, options['out'] as string);
          if (output.json) {
            output.result(JSON.stringify(report, null, 2));
            return;
          }
          output.result(formatPerfTable(report));
          if (options['kernels']) output.result(`\n${formatKernelSummary(report)}`);
        },
        // The benchmark starts each backend itself.
        { backend: false },
      ),
    );
}
