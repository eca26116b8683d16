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
} from '@mi/bench';
import type { Command } from 'commander';
import type { CliTerms } from '../cli-errors';
import type { CommandEnvironment } from '../command-environment';
import {
  given,
  integerList,
  positiveInteger,
  positiveNumber,
  positiveNumberList,
  seedList,
  shardOption,
  specList,
  stringList,
  windowOption,
} from '../parse-options';
import { userPath } from '../user-directory';
import { type BenchmarkCliOptions, runWithResults } from './bench-results';
import { checkSpecs } from './check-specs';

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
  readonly window?: 'last-half' | 'all' | number;
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
      window: cli.window,
    }),
  };
}

/** The staircase's options by the flags that set them. */
const GAUSSIAN_TERMS: CliTerms = {
  flags: {
    bounds: '--bounds',
    critic: '--critic',
    seeds: '--seeds',
    stepsPerLevel: '--steps-per-level',
    levels: '--levels',
    dimension: '--dimension',
    batchSize: '--batch-size',
    learningRate: '--lr',
    hiddenUnits: '--hidden',
    window: '--window',
  },
};

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
        specList('--bounds'),
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
      .option(
        '--levels <list>',
        'MI levels in nats (default 2,4,6,8,10)',
        positiveNumberList('--levels'),
      )
      .option(
        '--dimension <d>',
        'dimension of x and of y (default 20)',
        positiveInteger('--dimension'),
      )
      .option(
        '--batch-size <n>',
        'batch size, 2 or more (default 64)',
        positiveInteger('--batch-size', 2),
      )
      .option('--lr <rate>', 'Adam learning rate (default 5e-4)', positiveNumber('--lr'))
      .option(
        '--hidden <widths>',
        'hidden widths of the joint and separable critics (default 256,256)',
        integerList('--hidden'),
      )
      .option(
        '--window <w>',
        'statistics window per level: last-half (default), all, or a step count',
        windowOption,
      )
      .option('--out <dir>', `results folder (default results/${task})`)
      .option('--shard <i/N>', 'run only shard i of N of the sweep', shardOption)
      .option(
        '--compare <files>',
        'PyTorch reference results (JSON of the peers staircase script) to print beside ours',
        stringList('--compare'),
      )
      .option('--quick', 'a preset that finishes in well under a minute (see the docs)')
      .action(async (_options: unknown, command: Command) =>
        environment.run(
          command,
          async ({ output, registries, signal }) => {
            const cli = command.opts<GaussianCliOptions>();
            // Names first: a bad bound or critic is a usage error even when a file is missing.
            checkSpecs(registries, '--bounds', 'bounds', cli.bounds);
            checkSpecs(
              registries,
              '--critic',
              'critics',
              cli.critic === undefined ? [] : [cli.critic],
            );
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
          },
          { terms: GAUSSIAN_TERMS },
        ),
      );
  }
}
