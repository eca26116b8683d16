import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type MineeBenchmarkOptions,
  mergeResults,
  type OnehotBenchmarkOptions,
  parseShard,
  ResultsFolder,
  runMineeBenchmark,
  runOnehotBenchmark,
  writeGaussianReport,
  writeMineeReport,
  writeOnehotReport,
} from '@mi/bench';
import type { Command } from 'commander';
import type { CommandEnvironment } from '../command-environment';
import {
  numberList,
  positiveInteger,
  positiveNumber,
  seedList,
  stringList,
} from '../parse-options';
import { pick } from './bench-gaussian';

/** `--quick` for onehot: MINE and ReMINE, 300 steps, drift at n = 100 and 10, sweep over 4, 16, 64. */
export const ONEHOT_QUICK: OnehotBenchmarkOptions = {
  bounds: ['mine', 'remine'],
  steps: 300,
  driftBatchSizes: [100, 10],
  sweepBatchSizes: [4, 16, 64],
};

/** `--quick` for minee: MG(0.9) only, 2000 steps, 32-32 networks, learning rate 1e-3. */
export const MINEE_QUICK: MineeBenchmarkOptions = {
  tasks: [{ kind: 'mg', rho: 0.9, learningRate: 1e-3, referenceFactor: 10 }],
  steps: 2000,
  hiddenUnits: [32, 32],
};

export function registerOtherBenchmarks(bench: Command, environment: CommandEnvironment): void {
  bench
    .command('onehot')
    .description(
      'drifting and exploding critic outputs on one-hot U(1, 16) with Y = X (ReMINE §3, Choi & Lee §3), and a batch-size sweep',
    )
    .option('--bounds <ids>', 'bounds (default mine,nwj,remine,renwj)', stringList)
    .option('--classes <n>', 'N (default 16)', positiveInteger('--classes'))
    .option('--steps <n>', 'steps per run (default 3000)', positiveInteger('--steps'))
    .option(
      '--drift-batch-sizes <list>',
      'batch sizes of the drift runs (default 100,10)',
      numberList('--drift-batch-sizes'),
    )
    .option(
      '--sweep-batch-sizes <list>',
      'batch sizes of the sweep (default 2,4,…,800)',
      numberList('--sweep-batch-sizes'),
    )
    .option('--lr <rate>', 'SGD learning rate (default 0.1)', positiveNumber('--lr'))
    .option('--seeds <n|list>', 'seeds', seedList)
    .option('--out <dir>', 'results folder (default results/onehot)')
    .option('--shard <i/N>', 'run only shard i of N')
    .option('--quick', 'a preset that finishes in well under a minute')
    .action(async (options: Record<string, unknown>, command: Command) =>
      environment.run(command, async ({ output, registries, signal }) => {
        const folder = await ResultsFolder.open(
          (options['out'] as string | undefined) ?? join('results', 'onehot'),
        );
        const progress = output.progress();
        const result = await runOnehotBenchmark(
          {
            ...(options['quick'] ? ONEHOT_QUICK : {}),
            registry: registries.bounds,
            ...pick(options, {
              bounds: 'bounds',
              classes: 'classes',
              steps: 'steps',
              driftBatchSizes: 'driftBatchSizes',
              sweepBatchSizes: 'sweepBatchSizes',
              learningRate: 'lr',
              seeds: 'seeds',
            }),
          },
          {
            folder,
            signal,
            ...(options['shard'] ? { shard: parseShard(options['shard'] as string) } : {}),
            ...progress,
          },
        ).finally(() => progress.stop());
        await printReport(output, 'onehot', folder.directory, result);
      }),
    );

  bench
    .command('minee')
    .description(
      'MI-NEE against MINE on MG(0.9) and HG(0.9, 6) (Chan et al. 2019 §4): steps to within 10% of the truth',
    )
    .option('--steps <n>', 'steps per run (default 30000)', positiveInteger('--steps'))
    .option('--task <name>', 'mg, hg or both (default both)')
    .option('--methods <list>', 'minee,mine (default both)', stringList)
    .option('--hidden <widths>', 'hidden widths (default 100,100)', numberList('--hidden'))
    .option('--seeds <n|list>', 'seeds', seedList)
    .option('--out <dir>', 'results folder (default results/minee)')
    .option('--shard <i/N>', 'run only shard i of N')
    .option('--quick', 'a preset that finishes in well under a minute')
    .action(async (options: Record<string, unknown>, command: Command) =>
      environment.run(command, async ({ output, signal }) => {
        const folder = await ResultsFolder.open(
          (options['out'] as string | undefined) ?? join('results', 'minee'),
        );
        const preset = options['quick'] ? MINEE_QUICK : {};
        const task = options['task'] as string | undefined;
        const allTasks: NonNullable<MineeBenchmarkOptions['tasks']> = [
          { kind: 'mg', rho: 0.9, learningRate: 1e-4, referenceFactor: 10 },
          { kind: 'hg', rho: 0.9, dimension: 6, learningRate: 5e-5, referenceFactor: 300 },
        ];
        const tasks =
          task === undefined || task === 'both'
            ? undefined
            : allTasks.filter((t) => t.kind === task);
        if (tasks !== undefined && tasks.length === 0) {
          const { InvalidArgumentError } = await import('@mi/spec');
          throw new InvalidArgumentError({
            functionName: 'mi bench minee',
            parameter: '--task',
            value: task,
            expected: "'mg', 'hg' or 'both'",
          });
        }
        const progress = output.progress();
        const result = await runMineeBenchmark(
          {
            ...preset,
            ...(tasks ? { tasks } : {}),
            ...pick(options, {
              steps: 'steps',
              methods: 'methods',
              hiddenUnits: 'hidden',
              seeds: 'seeds',
            }),
          } as MineeBenchmarkOptions,
          {
            folder,
            signal,
            ...(options['shard'] ? { shard: parseShard(options['shard'] as string) } : {}),
            ...progress,
          },
        ).finally(() => progress.stop());
        await printReport(output, 'minee', folder.directory, result);
      }),
    );

  bench
    .command('merge')
    .description('join the results folders of a sharded sweep and write its report')
    .argument('<folders...>', 'results folders of the shards')
    .requiredOption('--out <dir>', 'the merged results folder')
    .action(async (folders: string[], options: Record<string, unknown>, command: Command) =>
      environment.run(
        command,
        async ({ output }) => {
          const { folder, records } = await mergeResults(folders, options['out'] as string);
          const kinds = new Set(records.map((r) => r.benchmark));
          const reports: string[] = [];
          if (kinds.has('gaussian')) reports.push((await writeGaussianReport(folder)).report);
          if (kinds.has('onehot')) reports.push((await writeOnehotReport(folder)).report);
          if (kinds.has('minee')) reports.push((await writeMineeReport(folder)).report);
          if (output.json)
            output.result(
              JSON.stringify({ folder: folder.directory, runs: records.length, reports }),
            );
          else
            output.result(
              `merged ${records.length} runs into ${folder.directory}\n${reports.map((r) => `report: ${r}`).join('\n')}`,
            );
        },
        { backend: true },
      ),
    );
}

async function printReport(
  output: import('../output').Output,
  benchmark: string,
  directory: string,
  result: {
    report: string;
    figures: readonly string[];
    records: readonly { runId: string; params: unknown; metrics: unknown }[];
  },
): Promise<void> {
  if (output.json) {
    output.result(
      JSON.stringify(
        {
          benchmark,
          folder: directory,
          report: result.report,
          figures: result.figures,
          records: result.records,
        },
        null,
        2,
      ),
    );
    return;
  }
  output.result(await readFile(result.report, 'utf8'));
  output.result(`report: ${result.report}`);
  for (const figure of result.figures) output.result(`figure: ${figure}`);
}
