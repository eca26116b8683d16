import { join } from 'node:path';
import {
  type BenchmarkRegistries,
  type MineeBenchmarkOptions,
  type MineeMethod,
  mergeResults,
  mineeMethods,
  mineePresets,
  mineeTasks,
  type OnehotBenchmarkOptions,
  onehotPresets,
  runMineeBenchmark,
  runOnehotBenchmark,
  writeClbReport,
  writeEstimateDefaultsReport,
  writeGaussianReport,
  writeMineEstimatesReport,
  writeMineeReport,
  writeOnehotReport,
  writeSelfConsistencyReport,
  writeSlbReport,
} from '@mi/bench';
import type { Command } from 'commander';
import type { CliTerms } from '../cli-errors';
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
  stringList,
} from '../parse-options';
import { userPath } from '../user-directory';
import {
  type BenchmarkCliOptions,
  noteSkipped,
  printReport,
  runWithResults,
} from './bench-results';
import { checkSpecs } from './check-specs';

/** What commander parses from `mi bench onehot`. */
export interface OnehotCliOptions extends BenchmarkCliOptions {
  readonly bounds?: string[];
  readonly critic?: string;
  readonly classes?: number;
  readonly steps?: number;
  readonly driftBatchSizes?: number[];
  readonly sweepBatchSizes?: number[];
  readonly lr?: number;
  readonly seeds?: number[];
  readonly quick?: boolean;
}

/** The benchmark's options from the command line: the `--quick` preset, then what was given. */
export function toOnehotOptions(
  cli: OnehotCliOptions,
  registries: BenchmarkRegistries,
): OnehotBenchmarkOptions {
  return {
    ...(cli.quick ? onehotPresets.quick : {}),
    registries,
    ...given({
      bounds: cli.bounds,
      critic: cli.critic,
      classes: cli.classes,
      steps: cli.steps,
      driftBatchSizes: cli.driftBatchSizes,
      sweepBatchSizes: cli.sweepBatchSizes,
      learningRate: cli.lr,
      seeds: cli.seeds,
    }),
  };
}

/** What commander parses from `mi bench minee`. */
export interface MineeCliOptions extends BenchmarkCliOptions {
  readonly steps?: number;
  readonly task?: 'mg' | 'hg' | 'both';
  readonly methods?: string[];
  readonly bounds?: string[];
  readonly critic?: string;
  readonly hidden?: number[];
  readonly seeds?: number[];
  readonly quick?: boolean;
}

/**
 * The benchmark's options from the command line. `--methods` picks the paper's estimators by
 * name; each of `--bounds` is one more estimator, trained with `--critic` (default `joint`);
 * `--critic` also replaces MINE's joint critic (MI-NEE keeps its three-head critic).
 */
export function toMineeOptions(
  cli: MineeCliOptions,
  registries: BenchmarkRegistries,
): MineeBenchmarkOptions {
  const names = cli.methods ?? (cli.bounds === undefined ? undefined : []);
  // --methods and --task are checked as commander reads them (see registerOtherBenchmarks).
  const paper = names?.map((name) => mineeMethods[name as keyof typeof mineeMethods]);
  const withCritic = (method: MineeMethod): MineeMethod =>
    cli.critic === undefined || method === mineeMethods.minee
      ? method
      : {
          bound: method.bound,
          critic: cli.critic,
          ...(method.marginalPairs === undefined ? {} : { marginalPairs: method.marginalPairs }),
        };
  const methods =
    paper === undefined && cli.critic === undefined
      ? undefined
      : [
          ...(paper ?? [mineeMethods.minee, mineeMethods.mine]).map(withCritic),
          ...(cli.bounds ?? []).map((bound) => ({ bound, critic: cli.critic ?? 'joint' })),
        ];
  const preset: MineeBenchmarkOptions = cli.quick ? mineePresets.quick : {};
  let tasks: MineeBenchmarkOptions['tasks'];
  if (cli.task !== undefined && cli.task !== 'both') {
    // With --quick, the preset's settings of that task (its learning rate) where it has them.
    const kind = cli.task as keyof typeof mineeTasks;
    const fromPreset = (preset.tasks ?? []).filter((t) => t.kind === kind);
    tasks = fromPreset.length > 0 ? fromPreset : [mineeTasks[kind]];
  }
  return {
    ...preset,
    registries,
    ...given({
      tasks,
      methods,
      steps: cli.steps,
      hiddenUnits: cli.hidden,
      seeds: cli.seeds,
    }),
  };
}

/** The one-hot study's options by the flags that set them. */
const ONEHOT_TERMS: CliTerms = {
  flags: {
    bounds: '--bounds',
    critic: '--critic',
    classes: '--classes',
    steps: '--steps',
    driftBatchSizes: '--drift-batch-sizes',
    sweepBatchSizes: '--sweep-batch-sizes',
    learningRate: '--lr',
    seeds: '--seeds',
  },
};

/** MI-NEE's options by the flags that set them. */
const MINEE_TERMS: CliTerms = {
  flags: {
    steps: '--steps',
    tasks: '--task',
    methods: '--methods',
    bounds: '--bounds',
    critic: '--critic',
    hiddenUnits: '--hidden',
    seeds: '--seeds',
  },
};

export function registerOtherBenchmarks(bench: Command, environment: CommandEnvironment): void {
  bench
    .command('onehot')
    .description(
      'drifting and exploding critic outputs on one-hot U(1, 16) with Y = X (ReMINE §3, Choi & Lee §3), and a batch-size sweep',
    )
    .option('--bounds <specs>', 'bounds (default mine,nwj,remine,renwj)', specList('--bounds'))
    .option(
      '--critic <spec>',
      'critic: onehot (default), id:key=value;…, or a --plugin critic (it gets xFeatures = yFeatures = N, seed)',
    )
    .option('--classes <n>', 'N (default 16)', positiveInteger('--classes'))
    .option('--steps <n>', 'steps per run (default 3000)', positiveInteger('--steps'))
    .option(
      '--drift-batch-sizes <list>',
      'batch sizes of the drift runs, each 2 or more (default 100,10)',
      integerList('--drift-batch-sizes', 2),
    )
    .option(
      '--sweep-batch-sizes <list>',
      'batch sizes of the sweep, each 2 or more (default 2,4,…,800)',
      integerList('--sweep-batch-sizes', 2),
    )
    .option('--lr <rate>', 'SGD learning rate (default 0.1)', positiveNumber('--lr'))
    .option('--seeds <n|list>', 'seeds', seedList)
    .option('--out <dir>', 'results folder (default results/onehot)')
    .option('--shard <i/N>', 'run only shard i of N', shardOption)
    .option('--quick', 'a preset that finishes in well under a minute')
    .action(async (_options: unknown, command: Command) =>
      environment.run(
        command,
        async ({ output, registries, signal }) => {
          const cli = command.opts<OnehotCliOptions>();
          checkSpecs(registries, '--bounds', 'bounds', cli.bounds);
          checkSpecs(
            registries,
            '--critic',
            'critics',
            cli.critic === undefined ? [] : [cli.critic],
          );
          const options = toOnehotOptions(cli, registries);
          const result = await runWithResults(cli, join('results', 'onehot'), output, signal, (c) =>
            runOnehotBenchmark(options, c),
          );
          await printReport(output, 'onehot', result);
        },
        { terms: ONEHOT_TERMS },
      ),
    );

  bench
    .command('minee')
    .description(
      'MI-NEE against MINE on MG(0.9) and HG(0.9, 6) (Chan et al. 2019 §4): steps to within 10% of the truth',
    )
    .option('--steps <n>', 'steps per run (default 30000)', positiveInteger('--steps'))
    .option(
      '--task <name>',
      'mg, hg or both (default both)',
      oneOf('--task', ['mg', 'hg', 'both'] as const),
    )
    .option(
      '--methods <list>',
      "the paper's estimators: minee, mine (its marginal pairs resampled apart from the batch, as the paper's code), mine-shifted (the batch's own shifted pairs); default minee,mine, or none with --bounds",
      stringList('--methods', Object.keys(mineeMethods)),
    )
    .option(
      '--bounds <specs>',
      'more estimators: each bound trained with --critic (e.g. mine:decay=0.1,nwj)',
      specList('--bounds'),
    )
    .option(
      '--critic <spec>',
      "critic of MINE and of --bounds (default: MINE the paper code's joint:activation=elu;hiddenUnits=300,300;initStd=0.02, --bounds joint; a --plugin critic gets xFeatures, yFeatures, seed); MI-NEE keeps its three-head critic",
    )
    .option(
      '--hidden <widths>',
      "hidden widths of MI-NEE's heads and of built-in critics whose spec sets none (default 100,100)",
      integerList('--hidden'),
    )
    .option('--seeds <n|list>', 'seeds', seedList)
    .option('--out <dir>', 'results folder (default results/minee)')
    .option('--shard <i/N>', 'run only shard i of N', shardOption)
    .option('--quick', 'a preset that finishes in well under a minute')
    .action(async (_options: unknown, command: Command) =>
      environment.run(
        command,
        async ({ output, registries, signal }) => {
          const cli = command.opts<MineeCliOptions>();
          checkSpecs(registries, '--bounds', 'bounds', cli.bounds);
          checkSpecs(
            registries,
            '--critic',
            'critics',
            cli.critic === undefined ? [] : [cli.critic],
          );
          const options = toMineeOptions(cli, registries);
          const result = await runWithResults(cli, join('results', 'minee'), output, signal, (c) =>
            runMineeBenchmark(options, c),
          );
          await printReport(output, 'minee', result);
        },
        { terms: MINEE_TERMS },
      ),
    );

  bench
    .command('merge')
    .description(
      'join the results folders of a sharded sweep and write its report (for a paper target, then run `mi bench paper <target> --out <dir>`: it finds every run finished and writes the paper report)',
    )
    .argument('<folders...>', 'results folders of the shards')
    .requiredOption('--out <dir>', 'the merged results folder')
    .action(async (folders: string[], _options: unknown, command: Command) =>
      environment.run(
        command,
        async ({ output }) => {
          const { out } = command.opts<{ out: string }>();
          const { folder, records, skipped } = await mergeResults(
            folders.map((folder) => userPath(folder)),
            userPath(out),
          );
          noteSkipped(output, skipped, 'left out of the merge');
          const kinds = new Set(records.map((r) => r.benchmark));
          const reports: string[] = [];
          if (kinds.has('gaussian')) reports.push((await writeGaussianReport(folder)).report);
          if (kinds.has('onehot')) reports.push((await writeOnehotReport(folder)).report);
          if (kinds.has('minee')) reports.push((await writeMineeReport(folder)).report);
          if (kinds.has('mine-estimates'))
            reports.push((await writeMineEstimatesReport(folder)).report);
          if (kinds.has('estimate-defaults'))
            reports.push((await writeEstimateDefaultsReport(folder)).report);
          if (kinds.has('self-consistency'))
            reports.push((await writeSelfConsistencyReport(folder)).report);
          if (kinds.has('slb')) reports.push((await writeSlbReport(folder)).report);
          if (kinds.has('clb')) reports.push((await writeClbReport(folder)).report);
          if (output.json)
            output.result(
              JSON.stringify({ folder: folder.directory, runs: records.length, reports, skipped }),
            );
          else
            output.result(
              `merged ${records.length} runs into ${folder.directory}\n${reports.map((r) => `report: ${r}`).join('\n')}`,
            );
        },
        { backend: true },
      ),
    );
}
