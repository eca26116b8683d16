import { join } from 'node:path';
import {
  ESTIMATOR_CONFIGS,
  type EstimateDefaultsOptions,
  estimateDefaultsPresets,
  runEstimateDefaultsBenchmark,
} from '@mi/bench';
import { InvalidArgumentError } from '@mi/spec';
import type { Command } from 'commander';
import type { CommandEnvironment } from '../command-environment';
import { given, numberList, positiveInteger, seedList, stringList } from '../parse-options';
import { type BenchmarkCliOptions, printReport, runWithResults } from './bench-results';

/** What commander parses from `mi bench estimate-defaults`. */
export interface EstimateDefaultsCliOptions extends BenchmarkCliOptions {
  readonly tasks?: string[];
  readonly sizes?: number[];
  readonly configs?: string[];
  readonly replicates?: number;
  readonly seeds?: number[];
  readonly quick?: boolean;
}

/** The suite's options from the command line: the `--quick` preset, then what was given. */
export function toEstimateDefaultsOptions(
  cli: EstimateDefaultsCliOptions,
): EstimateDefaultsOptions {
  const configs = cli.configs?.map((name) => {
    const config = ESTIMATOR_CONFIGS.find((c) => c.name === name);
    if (config === undefined) {
      throw new InvalidArgumentError({
        functionName: 'mi bench estimate-defaults',
        parameter: '--configs',
        value: name,
        expected: `one of ${ESTIMATOR_CONFIGS.map((c) => c.name).join(', ')}`,
      });
    }
    return config;
  });
  return {
    ...(cli.quick ? estimateDefaultsPresets.quick : {}),
    ...given({
      tasks: cli.tasks,
      sizes: cli.sizes,
      configs,
      replicates: cli.replicates,
      seeds: cli.seeds,
    }),
  };
}

export function registerEstimateDefaults(bench: Command, environment: CommandEnvironment): void {
  bench
    .command('estimate-defaults')
    .description(
      'candidate defaults of mi estimate on tasks with known MI: RMSE, interval coverage and time per configuration',
    )
    .option('--tasks <ids>', 'task ids (default: all)', stringList)
    .option('--sizes <list>', 'rows per data set (default 500,2000,10000)', numberList('--sizes'))
    .option(
      '--configs <names>',
      `configurations (default: ${ESTIMATOR_CONFIGS.map((c) => c.name).join(', ')})`,
      stringList,
    )
    .option(
      '--replicates <n>',
      'independent data sets per task and size (default 2)',
      positiveInteger('--replicates'),
    )
    .option('--seeds <n|list>', 'seeds of each estimate (default 3)', seedList)
    .option('--out <dir>', 'results folder (default results/estimate-defaults)')
    .option('--shard <i/N>', 'run only shard i of N')
    .option('--quick', 'a smoke test of the suite in about a minute (not a measurement)')
    .action(async (_options: unknown, command: Command) =>
      environment.run(command, async ({ output, registries, signal }) => {
        const cli = command.opts<EstimateDefaultsCliOptions>();
        const options = { ...toEstimateDefaultsOptions(cli), registries };
        const result = await runWithResults(
          cli,
          join('results', 'estimate-defaults'),
          output,
          signal,
          async (context) => {
            const { report } = await runEstimateDefaultsBenchmark(options, context);
            const records = context.folder.all().filter((r) => r.benchmark === 'estimate-defaults');
            return { report, figures: [] as string[], records };
          },
        );
        await printReport(output, 'estimate-defaults', result);
      }),
    );
}
