import { initBackend } from '@mi/core';
import type { BackendInfo, BackendPreference } from '@mi/spec';
import type { Command } from 'commander';
import { type CliTerms, inCliTerms, reportError } from './cli-errors';
import { EXIT } from './exit-codes';
import { createOutput, type Output } from './output';
import { loadRegistries, type Registries } from './plugins';
import { userDirectory } from './user-directory';

/** What every command body receives. */
export interface CommandScope {
  readonly output: Output;
  readonly registries: Registries;
  /** Aborted on Ctrl-C: benchmarks stop after the current step; finished runs are already saved. */
  readonly signal: AbortSignal;
  /** The backend in use, when the command computes (undefined for listings). */
  readonly backend: BackendInfo | undefined;
}

/** Runs command bodies with the global options applied and errors turned into exit codes. */
export interface CommandEnvironment {
  run(
    command: Command,
    body: (scope: CommandScope) => Promise<void>,
    options?: {
      readonly backend?: boolean;
      /** How the command names the libraries' options in its messages (see `inCliTerms`). */
      readonly terms?: CliTerms;
    },
  ): Promise<void>;
}

export function createCommandEnvironment(): CommandEnvironment {
  return {
    async run(command, body, { backend: needsBackend = true, terms } = {}) {
      const globals = command.optsWithGlobals() as {
        json?: boolean;
        quiet?: boolean;
        progress?: boolean;
        backend?: BackendPreference;
        plugin?: string[];
      };
      const output = createOutput(globals);
      const controller = new AbortController();
      const interrupt = () => {
        output.note('interrupted: stopping after the current step (finished runs are saved)');
        controller.abort();
      };
      process.once('SIGINT', interrupt);
      try {
        const registries = await loadRegistries(globals.plugin ?? [], userDirectory());
        const backend = needsBackend
          ? await initBackend(globals.backend, {
              log: globals.json || globals.quiet ? false : (line) => output.note(line),
            })
          : undefined;
        await body({ output, registries, signal: controller.signal, backend });
        if (controller.signal.aborted) process.exitCode = EXIT.interrupted;
      } catch (error) {
        process.exitCode = reportError(inCliTerms(error, terms), { json: globals.json === true });
      } finally {
        process.removeListener('SIGINT', interrupt);
      }
    },
  };
}
