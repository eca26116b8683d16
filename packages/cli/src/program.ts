import { Command, CommanderError, Option, type ParseOptions } from 'commander';
import { reportError } from './cli-errors';
import { createCommandEnvironment } from './command-environment';
import { registerEstimateDefaults } from './commands/bench-estimate-defaults';
import { registerGaussian } from './commands/bench-gaussian';
import { registerClb, registerSlb } from './commands/bench-label';
import { registerOtherBenchmarks } from './commands/bench-other';
import { registerPaper } from './commands/bench-paper';
import { registerSelfConsistency } from './commands/bench-self-consistency';
import { registerEstimate } from './commands/estimate';
import { registerLists } from './commands/list';
import { EXIT } from './exit-codes';
import { oneOf } from './parse-options';
import { CLI_VERSION } from './version';

const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** A syntax error commander found (unknown option, missing value), with the command it was in. */
class CommandLineError extends Error {
  constructor(
    readonly commanderError: CommanderError,
    readonly commandPath: string,
  ) {
    super(commanderError.message);
  }
}

/**
 * The `mi` program. `parseAsync` never exits the process and never rejects on bad input: every
 * usage error (commander's own, such as an unknown option, and a bad option value) is reported
 * like a command's error, on one line (or as JSON under `--json`), and sets `process.exitCode`
 * (2 for usage errors, see `EXIT`).
 */
class Program extends Command {
  override async parseAsync(argv?: readonly string[], options?: ParseOptions): Promise<this> {
    try {
      await super.parseAsync(argv, options);
    } catch (error) {
      const json = (argv ?? process.argv).includes('--json') || this.opts()['json'] === true;
      process.exitCode = reportUsage(error, json);
    }
    return this;
  }
}

/** Reports an error from parsing the command line; returns the exit code. */
function reportUsage(error: unknown, json: boolean): number {
  if (!(error instanceof CommandLineError)) return reportError(error, { json });
  const { commanderError, commandPath } = error;
  // --help and --version print and succeed; help shown for a missing command is a usage error.
  if (
    commanderError.code === 'commander.helpDisplayed' ||
    commanderError.code === 'commander.version' ||
    commanderError.code === 'commander.help'
  ) {
    return commanderError.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const message = `${commanderError.message.replace(/^error: /, '')} (see ${commandPath} --help)`;
  return reportError(new Error(message), {
    json,
    code: 'MI_INVALID_ARGUMENT',
    exitCode: EXIT.usage,
  });
}

/**
 * `--quiet=1` is an unknown option to commander (a flag takes no value); say so in those words:
 * `option '--quiet' takes no value, received "1"`.
 */
function withValueOfFlag(error: CommanderError, command: Command | undefined): CommanderError {
  const typed = /^error: unknown option '(--[^=']+)=([^']*)'/.exec(error.message);
  if (error.code !== 'commander.unknownOption' || typed === null) return error;
  const [, flag, value] = typed;
  for (let c = command; c !== undefined && c !== null; c = c.parent ?? undefined) {
    const option = c.options.find((o) => o.long === flag);
    if (option !== undefined && !option.required && !option.optional) {
      return new CommanderError(
        error.exitCode,
        error.code,
        `option '${flag}' takes no value, received ${JSON.stringify(value)}`,
      );
    }
  }
  return error;
}

/** `mi bench gaussian` for the command `gaussian` under `bench` under `mi`. */
function pathOf(command: Command | undefined): string {
  const names: string[] = [];
  for (let c = command; c !== undefined && c !== null; c = c.parent ?? undefined) {
    names.unshift(c.name());
  }
  return names.length === 0 ? 'mi' : names.join(' ');
}

/**
 * Builds the `mi` command tree. Kept apart from `bin.ts` so tests can parse arguments without
 * spawning a process; run it with `parseAsync`. Exit codes: see `EXIT`.
 */
export function createProgram(): Command {
  const environment = createCommandEnvironment();
  const program = new Program();
  program
    .name('mi')
    .description(
      'Estimate mutual information with neural variational bounds (TensorFlow.js), and run the benchmarks of the papers behind them.',
    )
    .version(CLI_VERSION, '-V, --version', 'print the version of @mi/cli')
    .addOption(
      new Option(
        '--backend <name>',
        `TensorFlow.js backend: ${BACKENDS.join(', ')} (default: MI_BACKEND or auto)`,
      ).argParser(oneOf('--backend', BACKENDS)),
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
    // Commander's messages are written by Program.parseAsync, on one line with a pointer to help.
    .configureOutput({ outputError: () => undefined })
    // Subcommands inherit this; commander calls it with the failing command as `this`.
    .exitOverride(function (this: Command | undefined, error) {
      throw new CommandLineError(withValueOfFlag(error, this), pathOf(this));
    });
  registerEstimate(program, environment);
  const bench = program
    .command('bench')
    .description(
      'run the experiments of the papers (results folder, report, figures); performance: pnpm bench:perf in the repository',
    );
  registerPaper(bench, environment);
  registerGaussian(bench, environment);
  registerOtherBenchmarks(bench, environment);
  registerEstimateDefaults(bench, environment);
  registerSelfConsistency(bench, environment);
  registerSlb(bench, environment);
  registerClb(bench, environment);
  registerLists(program, environment);
  return program;
}
