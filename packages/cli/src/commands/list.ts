import type { Command } from 'commander';
import type { CommandEnvironment } from '../command-environment';

export function registerLists(program: Command, environment: CommandEnvironment): void {
  program
    .command('bounds')
    .description(
      'list the bounds (built-in and from --plugin packages) with their formulas and papers',
    )
    .action(async (_options: unknown, command: Command) =>
      environment.run(
        command,
        async ({ output, registries }) => {
          const plugins = registries.bounds.list();
          if (output.json) {
            output.result(
              JSON.stringify(
                plugins.map((p) => ({
                  id: p.id,
                  aliases: p.aliases ?? [],
                  name: p.displayName,
                  formula: p.formula,
                  description: p.description,
                  references: p.references,
                })),
                null,
                2,
              ),
            );
            return;
          }
          for (const p of plugins) {
            const aliases = p.aliases?.length ? ` (alias ${p.aliases.join(', ')})` : '';
            output.result(
              `${p.id}${aliases} — ${p.displayName}\n  ${p.formula}\n  ${p.description}\n  ${p.references.map((r) => `${r.citation}${r.location ? `, ${r.location}` : ''}`).join('; ')}`,
            );
          }
        },
        { backend: false },
      ),
    );
  program
    .command('critics')
    .description('list the critics (built-in and from --plugin packages)')
    .action(async (_options: unknown, command: Command) =>
      environment.run(
        command,
        async ({ output, registries }) => {
          const plugins = registries.critics.list();
          if (output.json) {
            output.result(
              JSON.stringify(
                plugins.map((p) => ({
                  id: p.id,
                  name: p.displayName,
                  description: p.description,
                  references: p.references,
                })),
                null,
                2,
              ),
            );
            return;
          }
          for (const p of plugins) output.result(`${p.id} — ${p.displayName}\n  ${p.description}`);
        },
        { backend: false },
      ),
    );
}
