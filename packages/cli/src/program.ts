import { Command, Option } from 'commander';
import { createCommandEnvironment } from './command-environment';
import { registerEstimateDefaults } from './commands/bench-estimate-defaults';
import { registerGaussian } from './commands/bench-gaussian';
import { registerOtherBenchmarks } from './commands/bench-other';
import { registerEstimate } from './commands/estimate';
import { registerLists } from './commands/list';
import { EXIT } from './exit-codes';
import { CLI_VERSION } from './version';

/**
 * Builds the `mi` command tree. Kept apart from `bin.ts` so tests can parse arguments without
 * spawning a process. Exit codes: see `EXIT`.
 */
export function createProgram(): Command {
  const environment = createCommandEnvironment();
  const program = new Command();
  program
    .name('mi')
    .description(
      'Estimate mutual information with neural variational bounds (TensorFlow.js), and run the benchmarks of the papers behind them.',
    )
    .version(CLI_VERSION, '-V, --version', 'print the version of @mi/cli')
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend (default: MI_BACKEND or auto)').choices(
        ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'],
      ),
    )
    .option('--json', 'machine-readable output: one JSON document on stdout')
    .option('--quiet', 'no progress or notes on stderr')
    .option('--no-progress', 'no progress bars')
    .option(
      '--plugin <package>',
      'load bound or critic plugins from a package or file (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .showHelpAfterError('(run mi --help for the commands)')
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride((error) => {
      // Commander's own usage errors (unknown option, missing argument) exit with 2.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        process.exit(EXIT.ok);
      }
      process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
    });
  registerEstimate(program, environment);
  const bench = program
    .command('bench')
    .description(
      'run the experiments of the papers (results folder, report, figures); performance: pnpm bench:perf in the repository',
    );
  registerGaussian(bench, environment);
  registerOtherBenchmarks(bench, environment);
  registerEstimateDefaults(bench, environment);
  registerLists(program, environment);
  return program;
}
