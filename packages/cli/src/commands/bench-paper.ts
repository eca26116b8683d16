import { join } from 'node:path';
import {
  getPaperTarget,
  listPaperTargets,
  paperTargetIds,
  readPeerResults,
  runPaperTarget,
} from '@mi/bench';
import { InvalidArgumentError } from '@mi/spec';
import type { Command } from 'commander';
import { checkFlag, usageError } from '../cli-errors';
import type { CommandEnvironment } from '../command-environment';
import { seedList, shardOption, stringList } from '../parse-options';
import { userPath } from '../user-directory';
import { type BenchmarkCliOptions, runWithResults } from './bench-results';

/** What commander parses from `mi bench paper`. */
export interface PaperCliOptions extends BenchmarkCliOptions {
  readonly list?: boolean;
  readonly quick?: boolean;
  readonly seeds?: number[];
  readonly compare?: string[];
  readonly reportOnly?: boolean;
}

/** The catalogue as text: one block per target, its id, source, description and cost. */
function catalogueText(): string {
  return listPaperTargets()
    .map(
      (t) =>
        `${t.id}  ${t.paper}, ${t.artefact}\n  ${t.description}\n  cost (paper's settings, 3 seeds, 2 cores, tfjs-node): ${t.cost}`,
    )
    .join('\n\n');
}

export function registerPaper(bench: Command, environment: CommandEnvironment): void {
  bench
    .command('paper')
    .description(
      'reproduce one table or figure of the five papers (003-table2, 000-table1, 004-fig7, …; --list): our numbers beside the published ones with a verdict per row',
    )
    .argument('[target]', 'the table or figure, e.g. 003-table2 (see --list)')
    .option('--list', 'print the catalogue of targets with descriptions and expected cost')
    .option('--quick', "a tiny preset of seconds (a smoke test), instead of the paper's settings")
    .option('--seeds <n|list>', 'number of seeds, or a list (default 3)', seedList)
    .option('--out <dir>', 'results folder (default results/paper/<target>); a rerun resumes it')
    .option('--shard <i/N>', 'run only shard i of N of each sweep', shardOption)
    .option(
      '--report-only',
      'write the report from the runs in --out and train nothing (a sweep finished in part: each row has the seeds the folder holds)',
    )
    .option(
      '--compare <files>',
      'PyTorch reference results (JSON of the peers staircase script) for 003-table2-separable',
      stringList('--compare'),
    )
    .action(async (target: string | undefined, _options: unknown, command: Command) =>
      environment.run(
        command,
        async ({ output, registries, signal }) => {
          const cli = command.opts<PaperCliOptions>();
          if (cli.list) {
            if (output.json) output.result(JSON.stringify(listPaperTargets(), null, 2));
            else output.result(catalogueText());
            return;
          }
          if (target === undefined) {
            throw new InvalidArgumentError({
              functionName: 'mi',
              parameter: '<target>',
              value: target,
              expected: `one of ${paperTargetIds.join(', ')}`,
              message: `missing argument '<target>': expected one of ${paperTargetIds.join(', ')} (or --list)`,
            });
          }
          checkFlag('<target>', target, () => getPaperTarget(target));
          if (cli.reportOnly && cli.shard !== undefined) {
            throw usageError(
              '--shard',
              cli.shard,
              'no --shard with --report-only (it trains nothing)',
            );
          }
          const peers = (
            await Promise.all((cli.compare ?? []).map((file) => readPeerResults(userPath(file))))
          ).flat();
          const result = await runWithResults(
            cli,
            join('results', 'paper', target),
            output,
            signal,
            (context) =>
              runPaperTarget(
                target,
                {
                  ...(cli.quick ? { quick: true } : {}),
                  ...(cli.seeds ? { seeds: cli.seeds } : {}),
                  ...(cli.reportOnly ? { reportOnly: true } : {}),
                  registries,
                  peers,
                },
                context,
              ),
          );
          if (output.json) {
            output.result(
              JSON.stringify(
                {
                  target: result.target,
                  folder: result.folder,
                  report: result.report,
                  figures: result.figures,
                  verdicts: result.comparison.verdicts,
                  settings: result.settings,
                  trained: result.trained,
                  skipped: result.skipped,
                  wallSeconds: result.wallSeconds,
                },
                null,
                2,
              ),
            );
            return;
          }
          const { reproduced, differs, none } = result.comparison.verdicts;
          output.result(
            `${result.target}: ${reproduced} reproduced, ${differs} differ, ${none} without a verdict (${result.trained} runs trained, ${result.skipped} found finished)`,
          );
          output.result(`report: ${result.report}`);
          for (const figure of result.figures) output.result(`figure: ${figure}`);
        },
        { backend: needsBackend(command) },
      ),
    );
}

/** `--list` needs no backend; a run does. */
function needsBackend(command: Command): boolean {
  return command.opts<PaperCliOptions>().list !== true;
}
