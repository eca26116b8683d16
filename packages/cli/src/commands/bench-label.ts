import { join } from 'node:path';
import {
  type BenchmarkRegistries,
  clbPresets,
  type LabelBenchmarkOptions,
  runClbBenchmark,
  runSlbBenchmark,
  slbPresets,
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

/** What commander parses from `mi bench slb` and `mi bench clb`. */
export interface LabelCliOptions extends BenchmarkCliOptions {
  readonly dataset?: 'mnist' | 'cifar10' | 'cifar100';
  readonly cifarDir?: string;
  readonly labels?: 'fine' | 'coarse';
  readonly bounds?: string[];
  readonly lambdas?: number[];
  readonly critic?: string;
  readonly widths?: number[];
  readonly embeddingSize?: number;
  readonly seeds?: number[];
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly trainSize?: number;
  readonly testSize?: number;
  readonly pool?: number;
  readonly augment?: 'none' | 'shift' | 'crop-flip';
  readonly lambdaAblation?: boolean;
  readonly quick?: boolean;
  readonly paper?: boolean;
}

/**
 * The benchmark's options from the command line: a preset (`--quick`; `--paper`: CIFAR-10, or
 * CIFAR-100 with `--dataset cifar100`; `--lambda-ablation` adds the λ sweep of Fig. 6), then what
 * was given.
 */
export function toLabelOptions(
  kind: 'slb' | 'clb',
  cli: LabelCliOptions,
  registries: BenchmarkRegistries,
): LabelBenchmarkOptions {
  if (cli.quick && cli.paper) throw usageError('--paper', true, 'either --quick or --paper');
  const presets = kind === 'slb' ? slbPresets : clbPresets;
  const preset: LabelBenchmarkOptions = cli.quick
    ? presets.quick
    : cli.paper
      ? cli.dataset === 'cifar100'
        ? presets.paperCifar100
        : presets.paper
      : {};
  return {
    ...preset,
    ...(cli.lambdaAblation ? clbPresets.lambdaAblation : {}),
    registries,
    ...given({
      dataset: cli.dataset,
      cifarDirectory: cli.cifarDir === undefined ? undefined : userPath(cli.cifarDir),
      labels: cli.labels,
      bounds: cli.bounds,
      lambdas: cli.lambdas,
      critic: cli.critic,
      widths: cli.widths,
      embeddingSize: cli.embeddingSize,
      seeds: cli.seeds,
      epochs: cli.epochs,
      batchSize: cli.batchSize,
      learningRate: cli.lr,
      trainSize: cli.trainSize,
      testSize: cli.testSize,
      pool: cli.pool,
      augment: cli.augment,
    }),
  };
}

/** The benchmarks' options by the flags that set them. */
const TERMS: CliTerms = {
  flags: {
    dataset: '--dataset',
    cifarDirectory: '--cifar-dir',
    labels: '--labels',
    bounds: '--bounds',
    lambdas: '--lambdas',
    critic: '--critic',
    widths: '--widths',
    embeddingSize: '--embedding-size',
    seeds: '--seeds',
    epochs: '--epochs',
    batchSize: '--batch-size',
    learningRate: '--lr',
    trainSize: '--train-size',
    testSize: '--test-size',
    pool: '--pool',
    augment: '--augment',
  },
};

/** A list of λ ≥ 0. */
function lambdaList(text: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (text.trim() === '' || values.some((v) => !Number.isFinite(v) || v < 0)) {
    throw usageError('--lambdas', text, 'comma-separated numbers >= 0, e.g. 0.1,0.01');
  }
  return values;
}

function labelCommand(bench: Command, kind: 'slb' | 'clb', description: string): Command {
  const defaults =
    kind === 'slb' ? { trainSize: 10_000, testSize: 2_000 } : { trainSize: 6_000, testSize: 2_000 };
  return bench
    .command(kind)
    .description(description)
    .option(
      '--dataset <name>',
      'mnist (default, offline), cifar10 or cifar100',
      oneOf('--dataset', ['mnist', 'cifar10', 'cifar100'] as const),
    )
    .option('--cifar-dir <folder>', 'folder of the CIFAR binary files')
    .option(
      '--labels <kind>',
      "CIFAR-100's fine (default) or coarse labels",
      oneOf('--labels', ['fine', 'coarse'] as const),
    )
    .option(
      '--bounds <specs>',
      'bounds (default the 12 of paper 004 Table 1: dv,remine,smile-dv:tau=10,resmile,infonce,reinfonce,nwj,renwj,tuba,retuba,js,rejs)',
      specList('--bounds'),
    )
    .option(
      '--lambdas <list>',
      'λ of the regularised bounds, one run each (default 0.1)',
      lambdaList,
    )
    .option(
      '--critic <spec>',
      `critic: resnet18 (default; the benchmark sets head=${kind}), id:key=value;…, or a --plugin critic (it gets height, width, xChannels, yChannels, seed)`,
    )
    .option(
      '--widths <list>',
      'stage widths of the ResNet-18 (default 16,32,64,128; paper 64,128,256,512)',
      integerList('--widths'),
    )
    .option('--seeds <n|list>', 'seeds (default 3)', seedList)
    .option(
      '--epochs <n>',
      'passes over the training images (default 1)',
      positiveInteger('--epochs'),
    )
    .option('--batch-size <n>', 'batch size (default 64)', positiveInteger('--batch-size', 2))
    .option('--lr <rate>', 'Adam learning rate (default 1e-3)', positiveNumber('--lr'))
    .option(
      '--train-size <n>',
      `training images (MNIST default ${defaults.trainSize}; CIFAR default all)`,
      positiveInteger('--train-size', 2),
    )
    .option(
      '--test-size <n>',
      `test images (MNIST default ${defaults.testSize}; CIFAR default all)`,
      positiveInteger('--test-size', 2),
    )
    .option('--pool <k>', 'average-pool the images by k (default 1)', positiveInteger('--pool'))
    .option('--out <dir>', `results folder (default results/${kind})`)
    .option('--shard <i/N>', 'run only shard i of N of the sweep', shardOption)
    .option(
      '--quick',
      'a small preset: MNIST 14 × 14, a tiny ResNet, 4 bounds, a few minutes on 2 cores',
    )
    .option(
      '--paper',
      "the paper's protocol on CIFAR-10 (or CIFAR-100 with --dataset cifar100): ResNet-18, 12 bounds, λ from 0.1, 0.01, 0.001, 5 seeds, the authors' epochs and batch sizes; GPU only (tensorflow-gpu, --shard)",
    );
}

async function runLabelCommand(
  kind: 'slb' | 'clb',
  command: Command,
  environment: CommandEnvironment,
): Promise<void> {
  await environment.run(
    command,
    async ({ output, registries, signal }) => {
      const cli = command.opts<LabelCliOptions>();
      for (const spec of cli.bounds ?? []) {
        checkFlag('--bounds', spec, () => validateSpecs({ bounds: [spec], registries }));
      }
      if (cli.critic !== undefined) {
        const spec = cli.critic;
        checkFlag('--critic', spec, () =>
          validateSpecs({ critics: [spec], registries, inputs: 'image' }),
        );
      }
      const options = toLabelOptions(kind, cli, registries);
      const result = await runWithResults(cli, join('results', kind), output, signal, (c) =>
        kind === 'slb' ? runSlbBenchmark(options, c) : runClbBenchmark(options, c),
      );
      await printReport(output, kind, result);
    },
    { terms: TERMS },
  );
}

/** `mi bench slb`: the supervised learning benchmark of Choi & Lee 2022 §5. */
export function registerSlb(bench: Command, environment: CommandEnvironment): void {
  labelCommand(
    bench,
    'slb',
    'the supervised learning benchmark of Choi & Lee 2022 §5: T = f(x)·o(y) with f a classifier, ideal MI H(Y); MI and test accuracy, each loss beside its regularised form (Table 2)',
  ).action(async (_options: unknown, command: Command) =>
    runLabelCommand('slb', command, environment),
  );
}

/** `mi bench clb`: the contrastive learning benchmark of Choi & Lee 2022 §5. */
export function registerClb(bench: Command, environment: CommandEnvironment): void {
  labelCommand(
    bench,
    'clb',
    'the contrastive learning benchmark of Choi & Lee 2022 §5: T = f(x₁)·f(x₂) for two images of one class, ideal MI H(Y); MI and nearest-neighbour accuracy, each loss beside its regularised form (Table 2)',
  )
    .option(
      '--augment <kind>',
      'augment both views of every pair: none (default), shift (small shifts) or crop-flip (padded random crops and flips)',
      oneOf('--augment', ['none', 'shift', 'crop-flip'] as const),
    )
    .option(
      '--embedding-size <n>',
      'size of f(x) of the ResNet-18 (default 128)',
      positiveInteger('--embedding-size'),
    )
    .option(
      '--lambda-ablation',
      'sweep λ over 1, 0.1, 0.01, 0.001 for the regularised bounds (paper 004 Fig. 6)',
    )
    .action(async (_options: unknown, command: Command) =>
      runLabelCommand('clb', command, environment),
    );
}
