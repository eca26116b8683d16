import { join } from 'node:path';
import {
  type BenchmarkRegistries,
  type GaussianBenchmarkOptions,
  gaussianPresets,
  type PeerRow,
  readPeerResults,
  runGaussianBenchmark,
  staircaseEstimatesMarkdown,
  staircaseMarkdown,
  validateSpecs,
} from '@mi/bench';
import type { Command } from 'commander';
import type { CommandEnvironment } from '../command-environment';
import {
  given,
  numberList,
  positiveInteger,
  positiveNumber,
  seedList,
  specList,
  stringList,
} from '../parse-options';
import { userPath } from '../user-directory';
import { type BenchmarkCliOptions, runWithResults } from './bench-results';

/** What commander parses from `mi bench gaussian` and `mi bench cubic`. */
export interface GaussianCliOptions extends BenchmarkCliOptions {
  readonly bounds?: string[];
  readonly critic?: string;
  readonly seeds?: number[];
  readonly stepsPerLevel?: number;
  readonly levels?: number[];
  readonly dimension?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly hidden?: number[];
  readonly window?: string;
  readonly compare?: string[];
  readonly quick?: boolean;
}

/** The benchmark's options from the command line: the `--quick` preset, then what was given. */
export function toGaussianOptions(
  task: 'gaussian' | 'cubic',
  cli: GaussianCliOptions,
  registries: BenchmarkRegistries,
  peers: readonly PeerRow[],
): GaussianBenchmarkOptions {
  return {
    ...(cli.quick ? gaussianPresets.quick : {}),
    task,
    registries,
    peers,
    ...given({
      bounds: cli.bounds,
      critic: cli.critic,
      seeds: cli.seeds,
      stepsPerLevel: cli.stepsPerLevel,
      levels: cli.levels,
      dimension: cli.dimension,
      batchSize: cli.batchSize,
      learningRate: cli.lr,
      hiddenUnits: cli.hidden,
      window:
        cli.window === undefined
          ? undefined
          : /^\d+$/.test(cli.window)
            ? Number(cli.window)
            : (cli.window as 'last-half' | 'all'),
    }),
  };
}

export function registerGaussian(bench: Command, environment: CommandEnvironment): void {
  for (const task of ['gaussian', 'cubic'] as const) {
    bench
      .command(task)
      .description(
        task === 'gaussian'
          ? 'the Gaussian staircase of Song & Ermon 2020 (d = 20, MI 2 → 10 nats, 4000 steps per level): bias, variance, MSE per bound and level'
          : 'the same staircase with y ↦ y³ (same MI)',
      )
      .option(
        '--bounds <specs>',
        'bounds to compare, comma-separated; options as id:key=value;key=value',
        specList,
      )
      .option(
        '--critic <spec>',
        'critic: joint (default), separable, id:key=value;…, or a --plugin critic (it gets xFeatures, yFeatures, seed)',
      )
      .option('--seeds <n|list>', 'number of seeds, or a list', seedList)
      .option(
        '--steps-per-level <n>',
        'training steps per MI level (default 4000)',
        positiveInteger('--steps-per-level'),
      )
      .option('--levels <list>', 'MI levels in nats (default 2,4,6,8,10)', numberList('--levels'))
      .option(
        '--dimension <d>',
        'dimension of x and of y (default 20)',
        positiveInteger('--dimension'),
      )
      .option('--batch-size <n>', 'batch size (default 64)', positiveInteger('--batch-size'))
      .option('--lr <rate>', 'Adam learning rate (default 5e-4)', positiveNumber('--lr'))
      .option(
        '--hidden <widths>',
        'hidden widths of the joint and separable critics (default 256,256)',
        numberList('--hidden'),
      )
      .option(
        '--window <w>',
        'statistics window per level: last-half (default), all, or a step count',
      )
      .option('--out <dir>', `results folder (default results/${task})`)
      .option('--shard <i/N>', 'run only shard i of N of the sweep')
      .option(
        '--compare <files>',
        'PyTorch reference results (JSON of the peers staircase script) to print beside ours',
        stringList,
      )
      .option('--quick', 'a preset that finishes in well under a minute (see the docs)')
      .action(async (_options: unknown, command: Command) =>
        environment.run(command, async ({ output, registries, signal }) => {
          const cli = command.opts<GaussianCliOptions>();
          // Names first: a bad bound or critic is a usage error even when a file is missing.
          validateSpecs({
            bounds: cli.bounds ?? [],
            critics: cli.critic === undefined ? [] : [cli.critic],
            registries,
          });
          const peers = (
            await Promise.all((cli.compare ?? []).map((file) => readPeerResults(userPath(file))))
          ).flat();
          const options = toGaussianOptions(task, cli, registries, peers);
          const report = await runWithResults(cli, join('results', task), output, signal, (c) =>
            runGaussianBenchmark(options, c),
          );
          if (output.json) {
            output.result(
              JSON.stringify(
                {
                  benchmark: task,
                  folder: report.folder,
                  report: report.report,
                  figures: report.figures,
                  tables: report.tables,
                },
                null,
                2,
              ),
            );
            return;
          }
          for (const table of report.tables.filter((t) => t.task === task)) {
            output.result(
              `\n${task}, ${table.critic} critic, ${table.stepsPerLevel} steps per level (window: ${table.window})\n`,
            );
            output.result(staircaseEstimatesMarkdown(table));
            output.result(`\n${staircaseMarkdown(table, undefined, peers)}\n`);
          }
          output.result(`\nreport: ${report.report}`);
          for (const figure of report.figures) output.result(`figure: ${figure}`);
        }),
      );
  }
}
