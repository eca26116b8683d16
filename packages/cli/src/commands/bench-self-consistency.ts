import { join } from 'node:path';
import {
  type BenchmarkRegistries,
  runSelfConsistencyBenchmark,
  SELF_CONSISTENCY_TESTS,
  type SelfConsistencyOptions,
  type SelfConsistencyTest,
  selfConsistencyPresets,
  validateSpecs,
} from '@mi/bench';
import type { Command } from 'commander';
import { type CliTerms, checkFlag, usageError } from '../cli-errors';
import type { CommandEnvironment } from '../command-environment';
import {
  given,
  integerList,
  oneOf,
  positiveInteger,
  positiveNumber,
  seedList,
  shardOption,
  specList,
} from '../parse-options';
import { userPath } from '../user-directory';
import { type BenchmarkCliOptions, printReport, runWithResults } from './bench-results';

/** What commander parses from `mi bench self-consistency`. */
export interface SelfConsistencyCliOptions extends BenchmarkCliOptions {
  readonly dataset?: 'mnist' | 'cifar10';
  readonly cifarDir?: string;
  readonly test?: SelfConsistencyTest[];
  readonly bounds?: string[];
  readonly critic?: string[];
  readonly rows?: number[];
  readonly seeds?: number[];
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly trainSize?: number;
  readonly testSize?: number;
  readonly pool?: number;
  readonly filters?: number[];
  readonly dense?: number[];
  readonly embeddingSize?: number;
  readonly reference?: boolean;
  readonly quick?: boolean;
  readonly paper?: boolean;
}

/** `--test independence,additivity` or `all`. */
function testList(text: string): SelfConsistencyTest[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 1 && names[0] === 'all') return [...SELF_CONSISTENCY_TESTS];
  const unknown = names.find((n) => !(SELF_CONSISTENCY_TESTS as readonly string[]).includes(n));
  if (names.length === 0 || unknown !== undefined) {
    throw usageError('--test', text, `all, or a list of ${SELF_CONSISTENCY_TESTS.join(', ')}`);
  }
  return names as SelfConsistencyTest[];
}

/**
 * The benchmark's options from the command line: a preset (`--quick`; `--paper`: CIFAR-10, or
 * MNIST with `--dataset mnist`), then what was given.
 */
export function toSelfConsistencyOptions(
  cli: SelfConsistencyCliOptions,
  registries: BenchmarkRegistries,
): SelfConsistencyOptions {
  if (cli.quick && cli.paper) throw usageError('--paper', true, 'either --quick or --paper');
  const preset: SelfConsistencyOptions = cli.quick
    ? selfConsistencyPresets.quick
    : cli.paper
      ? cli.dataset === 'mnist'
        ? selfConsistencyPresets.paperMnist
        : selfConsistencyPresets.paper
      : {};
  return {
    ...preset,
    registries,
    ...given({
      dataset: cli.dataset,
      cifarDirectory: cli.cifarDir === undefined ? undefined : userPath(cli.cifarDir),
      tests: cli.test,
      bounds: cli.bounds,
      critics: cli.critic,
      rows: cli.rows,
      seeds: cli.seeds,
      epochs: cli.epochs,
      batchSize: cli.batchSize,
      learningRate: cli.lr,
      trainSize: cli.trainSize,
      testSize: cli.testSize,
      pool: cli.pool,
      filters: cli.filters,
      denseUnits: cli.dense,
      embeddingSize: cli.embeddingSize,
      reference: cli.reference === false ? false : undefined,
    }),
  };
}

/** The benchmark's options by the flags that set them. */
const TERMS: CliTerms = {
  flags: {
    dataset: '--dataset',
    cifarDirectory: '--cifar-dir',
    tests: '--test',
    bounds: '--bounds',
    critics: '--critic',
    rows: '--rows',
    seeds: '--seeds',
    epochs: '--epochs',
    batchSize: '--batch-size',
    learningRate: '--lr',
    trainSize: '--train-size',
    testSize: '--test-size',
    pool: '--pool',
    filters: '--filters',
    denseUnits: '--dense',
    embeddingSize: '--embedding-size',
  },
};

export function registerSelfConsistency(bench: Command, environment: CommandEnvironment): void {
  bench
    .command('self-consistency')
    .description(
      'the self-consistency tests of Song & Ermon 2020 §6.2 on MNIST or CIFAR-10: independence (Y = top t rows), data processing ([X, X] vs [Y, h(Y)], ideal 1), additivity (two independent images, ideal 2)',
    )
    .option(
      '--dataset <name>',
      'mnist (default, offline) or cifar10',
      oneOf('--dataset', ['mnist', 'cifar10'] as const),
    )
    .option('--cifar-dir <folder>', 'folder of the CIFAR-10 binary files')
    .option(
      '--test <names>',
      'all (default), or a list of independence, data-processing, additivity',
      testList,
    )
    .option('--bounds <specs>', 'bounds (default infonce,mine,smile:tau=5)', specList('--bounds'))
    .option(
      '--critic <specs>',
      "critics, each a column of the figures: cnn (the paper's, stacked images), cnn:head=separable (g(x)·h(y)), or a --plugin critic (default both cnn forms)",
      specList('--critic'),
    )
    .option('--rows <list>', 'rows t of Y (default 0,7,14,21,28)', integerList('--rows', 0))
    .option('--seeds <n|list>', 'seeds (default 3)', seedList)
    .option(
      '--epochs <n>',
      'passes over the training images (default 2)',
      positiveInteger('--epochs'),
    )
    .option('--batch-size <n>', 'batch size (default 16)', positiveInteger('--batch-size', 2))
    .option('--lr <rate>', 'Adam learning rate (default 5e-4; paper 1e-4)', positiveNumber('--lr'))
    .option(
      '--train-size <n>',
      'training images used (default 1600)',
      positiveInteger('--train-size', 2),
    )
    .option(
      '--test-size <n>',
      'test images the estimates use (default 512)',
      positiveInteger('--test-size', 2),
    )
    .option('--pool <k>', 'average-pool the images by k (default 1)', positiveInteger('--pool'))
    .option(
      '--filters <list>',
      'convolution widths of the cnn critic (default 32,64; paper 64,128)',
      integerList('--filters'),
    )
    .option(
      '--dense <list>',
      'dense widths of the cnn critic (default 256; paper 1024)',
      integerList('--dense', 0),
    )
    .option(
      '--embedding-size <n>',
      'size of g(x), h(y) of the separable cnn (default 32)',
      positiveInteger('--embedding-size'),
    )
    .option('--no-reference', 'skip the reference classifier of Fig. 4')
    .option('--out <dir>', 'results folder (default results/self-consistency)')
    .option('--shard <i/N>', 'run only shard i of N of the sweep', shardOption)
    .option('--quick', 'a small preset: MNIST 14 × 14, tiny critics, a few minutes on 2 cores')
    .option(
      '--paper',
      "the paper's protocol (CIFAR-10, or MNIST with --dataset mnist): full data, 64-128-1024 critic, Adam 1e-4, 5 seeds; weeks of CPU, use tensorflow-gpu and --shard",
    )
    .action(async (_options: unknown, command: Command) =>
      environment.run(
        command,
        async ({ output, registries, signal }) => {
          const cli = command.opts<SelfConsistencyCliOptions>();
          for (const spec of cli.bounds ?? []) {
            checkFlag('--bounds', spec, () => validateSpecs({ bounds: [spec], registries }));
          }
          for (const spec of cli.critic ?? []) {
            checkFlag('--critic', spec, () =>
              validateSpecs({ critics: [spec], registries, inputs: 'image' }),
            );
          }
          const options = toSelfConsistencyOptions(cli, registries);
          const result = await runWithResults(
            cli,
            join('results', 'self-consistency'),
            output,
            signal,
            (c) => runSelfConsistencyBenchmark(options, c),
          );
          await printReport(output, 'self-consistency', result);
        },
        { terms: TERMS },
      ),
    );
}
