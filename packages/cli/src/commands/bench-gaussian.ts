import { join } from 'node:path';
import {
  formatNumber,
  type GaussianBenchmarkOptions,
  parseShard,
  ResultsFolder,
  readPeerResults,
  runGaussianBenchmark,
  type StaircaseTable,
  staircaseMarkdown,
} from '@mi/bench';
import type { Command } from 'commander';
import type { CommandEnvironment } from '../command-environment';
import {
  numberList,
  positiveInteger,
  positiveNumber,
  seedList,
  stringList,
} from '../parse-options';

/**
 * `--quick`: batch 64 and all five levels (2 → 10 nats), but d = 5 instead of 20 (300 steps per
 * level are too few for a 20-D critic: at d = 20 the estimates stay below half the truth), a
 * separable critic of 64-64 → 16 and Adam 2e-3, for three bounds: about 35 s on wasm on a
 * 2-core machine. The numbers are a first look, not a comparison with the papers (which use
 * the defaults).
 */
export const GAUSSIAN_QUICK: GaussianBenchmarkOptions = {
  bounds: ['nwj', 'infonce', 'smile:tau=5'],
  critic: 'separable',
  dimension: 5,
  stepsPerLevel: 300,
  hiddenUnits: [64, 64],
  embeddingSize: 16,
  learningRate: 2e-3,
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
        '--bounds <ids>',
        'bounds to compare, comma-separated; options as id:key=value;key=value',
        stringList,
      )
      .option('--critic <name>', 'joint or separable')
      .option('--seeds <n|list>', 'number of seeds, or a list', seedList)
      .option(
        '--steps-per-level <n>',
        'training steps per MI level (default 4000)',
        positiveInteger('--steps-per-level'),
      )
      .option('--levels <list>', 'MI levels in nats (default 2,4,6,8,10)', numberList('--levels'))
      .option(
        '--dimension <d>',
        'dimension of x and of y (default 20)',
        positiveInteger('--dimension'),
      )
      .option('--batch-size <n>', 'batch size (default 64)', positiveInteger('--batch-size'))
      .option('--lr <rate>', 'Adam learning rate (default 5e-4)', positiveNumber('--lr'))
      .option('--hidden <widths>', 'critic hidden widths (default 256,256)', numberList('--hidden'))
      .option(
        '--window <w>',
        'statistics window per level: last-half (default), all, or a step count',
      )
      .option('--out <dir>', `results folder (default results/${task})`)
      .option('--shard <i/N>', 'run only shard i of N of the sweep')
      .option(
        '--compare <files>',
        'PyTorch reference results (JSON of the peers staircase script) to print beside ours',
        stringList,
      )
      .option('--quick', 'a preset that finishes in well under a minute (see the docs)')
      .action(async (options: Record<string, unknown>, command: Command) =>
        environment.run(command, async ({ output, registries, signal }) => {
          const preset = options['quick'] ? GAUSSIAN_QUICK : {};
          const window = options['window'] as string | undefined;
          const compare = (options['compare'] as string[] | undefined) ?? [];
          const peers = (await Promise.all(compare.map(readPeerResults))).flat();
          const benchmarkOptions: GaussianBenchmarkOptions = {
            ...preset,
            peers,
            task,
            registry: registries.bounds,
            ...pick(options, {
              bounds: 'bounds',
              critic: 'critic',
              seeds: 'seeds',
              stepsPerLevel: 'stepsPerLevel',
              levels: 'levels',
              dimension: 'dimension',
              batchSize: 'batchSize',
              learningRate: 'lr',
              hiddenUnits: 'hidden',
            }),
            ...(window === undefined
              ? {}
              : { window: /^\d+$/.test(window) ? Number(window) : (window as 'all') }),
          };
          const folder = await ResultsFolder.open(
            (options['out'] as string | undefined) ?? join('results', task),
          );
          const progress = output.progress();
          const report = await runGaussianBenchmark(benchmarkOptions, {
            folder,
            signal,
            ...(options['shard'] ? { shard: parseShard(options['shard'] as string) } : {}),
            ...progress,
          }).finally(() => progress.stop());
          if (output.json) {
            output.result(
              JSON.stringify(
                {
                  benchmark: task,
                  folder: folder.directory,
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
            output.result(estimatesVersusTruth(table));
            output.result(
              `\n${staircaseMarkdown(table, undefined, benchmarkOptions.peers ?? [])}\n`,
            );
          }
          output.result(`\nreport: ${report.report}`);
          for (const figure of report.figures) output.result(`figure: ${figure}`);
        }),
      );
  }
}

/** Mean estimate per level (truth − bias) beside the truth: the first thing a reader wants. */
export function estimatesVersusTruth(table: StaircaseTable): string {
  const lines = [
    `| estimator | ${table.levels.map((l) => `MI=${l}`).join(' | ')} |`,
    `|---|${table.levels.map(() => '---').join('|')}|`,
  ];
  lines.push(`| true MI | ${table.levels.map((l) => formatNumber(l)).join(' | ')} |`);
  for (const row of table.rows.filter((r) => r.stat === 'bias')) {
    lines.push(
      `| ${row.bound} (mean estimate) | ${row.values.map((b, k) => (b === null ? '–' : formatNumber((table.levels[k] as number) - b))).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** Copies the options the user gave (commander leaves absent ones undefined) under new names. */
export function pick(
  options: Record<string, unknown>,
  names: Record<string, string>,
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [to, from] of Object.entries(names)) {
    if (options[from] !== undefined) picked[to] = options[from];
  }
  return picked;
}
