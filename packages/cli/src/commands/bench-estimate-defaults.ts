import { join } from 'node:path';
import {
  ESTIMATOR_CONFIGS,
  type EstimateDefaultsOptions,
  type EstimatorConfig,
  estimateDefaultsPresets,
  runEstimateDefaultsBenchmark,
} from '@mi/bench';
import { minimumRows } from '@mi/datasets';
import type { Command } from 'commander';
import type { CliTerms } from '../cli-errors';
import type { CommandEnvironment } from '../command-environment';
import {
  given,
  integerList,
  positiveInteger,
  seedList,
  shardOption,
  stringList,
} from '../parse-options';
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
  // --configs is checked as commander reads it: every name is one of ESTIMATOR_CONFIGS.
  const configs = cli.configs?.map(
    (name) => ESTIMATOR_CONFIGS.find((c) => c.name === name) as EstimatorConfig,
  );
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

/** The suite's options by the flags that set them. */
const ESTIMATE_DEFAULTS_TERMS: CliTerms = {
  flags: {
    tasks: '--tasks',
    sizes: '--sizes',
    configs: '--configs',
    replicates: '--replicates',
    seeds: '--seeds',
  },
};

// Every data set of the suite is estimated with mi estimate's 60/20/20 split.
const SMALLEST_SIZE = minimumRows({ validationFraction: 0.2, testFraction: 0.2 });

export function registerEstimateDefaults(bench: Command, environment: CommandEnvironment): void {
  bench
    .command('estimate-defaults')
    .description(
      'candidate defaults of mi estimate on tasks with known MI: RMSE, interval coverage and time per configuration',
    )
    .option('--tasks <ids>', 'task ids (default: all)', stringList('--tasks'))
    .option(
      '--sizes <list>',
      `rows per data set, each ${SMALLEST_SIZE} or more (default 500,2000,10000)`,
      integerList('--sizes', SMALLEST_SIZE),
    )
    .option(
      '--configs <names>',
      `configurations (default: ${ESTIMATOR_CONFIGS.map((c) => c.name).join(', ')})`,
      stringList(
        '--configs',
        ESTIMATOR_CONFIGS.map((c) => c.name),
      ),
    )
    .option(
      '--replicates <n>',
      'independent data sets per task and size (default 2)',
      positiveInteger('--replicates'),
    )
    .option('--seeds <n|list>', 'seeds of each estimate (default 3)', seedList)
    .option('--out <dir>', 'results folder (default results/estimate-defaults)')
    .option('--shard <i/N>', 'run only shard i of N', shardOption)
    .option('--quick', 'a smoke test of the suite in about a minute (not a measurement)')
    .action(async (_options: unknown, command: Command) =>
      environment.run(
        command,
        async ({ output, registries, signal }) => {
          const cli = command.opts<EstimateDefaultsCliOptions>();
          const options = { ...toEstimateDefaultsOptions(cli), registries };
          const result = await runWithResults(
            cli,
            join('results', 'estimate-defaults'),
            output,
            signal,
            async (context) => {
              const { report } = await runEstimateDefaultsBenchmark(options, context);
              const records = context.folder
                .all()
                .filter((r) => r.benchmark === 'estimate-defaults');
              return { report, figures: [] as string[], records };
            },
          );
          await printReport(output, 'estimate-defaults', result);
        },
        { terms: ESTIMATE_DEFAULTS_TERMS },
      ),
    );
}
