import { Command } from 'commander';
import { CLI_VERSION } from './version';

/**
 * Builds the `mi` command tree. Kept apart from `bin.ts` so tests can parse arguments without
 * spawning a process.
 */
export function createProgram(): Command {
  const program = new Command();
  program
    .name('mi')
    .description(
      'Estimate mutual information with neural variational bounds (TensorFlow.js), and run the benchmarks of the papers behind them.',
    )
    .version(CLI_VERSION, '-V, --version', 'print the version of @mi/cli')
    .showHelpAfterError('(run mi --help for the commands)')
    .configureOutput({ outputError: (text, write) => write(text) });
  return program;
}
