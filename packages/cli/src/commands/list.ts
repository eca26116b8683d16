import type { Command } from 'commander';
import type { CommandEnvironment } from '../command-environment';
import { boundOptions, criticOptions, formatOption, type PluginOptions } from '../plugin-options';

const SYNTAX =
  'id or id:key=value;key=value (a list value as 64,64); the values shown are the defaults';

/** `options: tau=5` and `example: --bound 'smile:tau=5'` lines of a listing. */
function optionLines(flag: string, described: PluginOptions): string[] {
  const { options, error, example } = described;
  const listed =
    options === undefined
      ? `options: not listed (creating it with no options failed: ${error})`
      : `options: ${options.length === 0 ? 'none' : options.map(formatOption).join(', ')}`;
  return [listed, `example: ${flag} ${example.includes(':') ? `'${example}'` : example}`];
}

export function registerLists(program: Command, environment: CommandEnvironment): void {
  program
    .command('bounds')
    .description(
      'list the bounds (built-in and from --plugin packages) with their formulas, papers and options',
    )
    .action(async (_options: unknown, command: Command) =>
      environment.run(
        command,
        async ({ output, registries }) => {
          const plugins = registries.bounds.list().map((p) => ({ p, o: boundOptions(p) }));
          if (output.json) {
            output.result(
              JSON.stringify(
                plugins.map(({ p, o }) => ({
                  id: p.id,
                  aliases: p.aliases ?? [],
                  name: p.displayName,
                  formula: p.formula,
                  description: p.description,
                  references: p.references,
                  options: o.options ?? null,
                  ...(o.error === undefined ? {} : { optionsError: o.error }),
                  example: o.example,
                })),
                null,
                2,
              ),
            );
            return;
          }
          output.result(`Bounds, for --bound and --bounds: ${SYNTAX}.\n\n`);
          for (const { p, o } of plugins) {
            const aliases = p.aliases?.length ? ` (alias ${p.aliases.join(', ')})` : '';
            const references = p.references
              .map((r) => `${r.citation}${r.location ? `, ${r.location}` : ''}`)
              .join('; ');
            output.result(
              [
                `${p.id}${aliases} — ${p.displayName}`,
                p.formula,
                p.description,
                references,
                ...optionLines('--bound', o),
              ].join('\n  '),
            );
          }
        },
        { backend: false },
      ),
    );
  program
    .command('critics')
    .description('list the critics (built-in and from --plugin packages) with their options')
    .action(async (_options: unknown, command: Command) =>
      environment.run(command, async ({ output, registries }) => {
        // Creating each critic reads its options after defaults; that needs a backend.
        const plugins = registries.critics.list().map((p) => ({ p, o: criticOptions(p) }));
        if (output.json) {
          output.result(
            JSON.stringify(
              plugins.map(({ p, o }) => ({
                id: p.id,
                name: p.displayName,
                description: p.description,
                references: p.references,
                options: o.options ?? null,
                ...(o.error === undefined ? {} : { optionsError: o.error }),
                example: o.example,
              })),
              null,
              2,
            ),
          );
          return;
        }
        output.result(
          `Critics, for --critic: ${SYNTAX}. mi estimate and the benchmarks set the input sizes from the data and the seed per run; a spec may not set them.\n\n`,
        );
        for (const { p, o } of plugins) {
          output.result(
            [`${p.id} — ${p.displayName}`, p.description, ...optionLines('--critic', o)].join(
              '\n  ',
            ),
          );
        }
      }),
    );
}
