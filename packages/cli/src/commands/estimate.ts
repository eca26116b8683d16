import { extname } from 'node:path';
import {
  type BenchmarkRegistries,
  type EstimateOptions,
  estimateMutualInformation,
  estimatePresets,
  formatNumber,
} from '@mi/bench';
import {
  type ClassicalEstimatorId,
  classicalEstimatorIds,
  getClassicalEstimator,
} from '@mi/classical';
import {
  assertEnoughRows,
  readCsv,
  readJsonPair,
  readNpyPair,
  type TabularData,
} from '@mi/datasets';
import { natsToBits, splitPluginSpecs } from '@mi/spec';
import type { Command } from 'commander';
import { type CliTerms, usageError } from '../cli-errors';
import type { CommandEnvironment } from '../command-environment';
import type { Output } from '../output';
import {
  given,
  heldOutFraction,
  integerList,
  oneOf,
  positiveInteger,
  positiveNumber,
  seedList,
} from '../parse-options';
import { userPath } from '../user-directory';
import { checkSpecs } from './check-specs';

/** What commander parses from `mi estimate`. */
interface EstimateCliOptions {
  readonly data?: string;
  readonly x?: string;
  readonly y?: string;
  /** `false` with `--no-header`. */
  readonly header?: boolean;
  readonly dropInvalid?: boolean;
  readonly bound?: string;
  readonly critic?: string;
  readonly hidden?: number[];
  readonly steps?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly seeds?: number[];
  readonly validation?: number;
  readonly test?: number;
  readonly patience?: number;
  /** `false` with `--no-standardize`. */
  readonly standardize?: boolean;
  readonly marginals?: 'standardize' | 'rank' | 'none';
  readonly estimator?: EstimatorChoice;
  readonly k?: number;
  readonly quick?: boolean;
}

/** How `--marginals` prepared the columns, for the plain-text answer. */
const MARGINALS_WORDS = {
  rank: 'rank-normalised',
  standardize: 'standardised',
  none: 'as given',
} as const;

/** `--estimator`: the neural estimator (default) or one of @mi/classical's. */
type EstimatorChoice = 'neural' | ClassicalEstimatorId;

const ESTIMATORS: readonly EstimatorChoice[] = ['neural', ...classicalEstimatorIds];

/** The estimator's options from the command line: the `--quick` preset, then what was given. */
function toEstimateOptions(
  cli: EstimateCliOptions,
  registries: BenchmarkRegistries,
  signal: AbortSignal,
): EstimateOptions {
  return {
    ...(cli.quick ? estimatePresets.quick : {}),
    registries,
    signal,
    standardize: cli.standardize !== false,
    ...given({
      marginals: cli.marginals,
      bound: cli.bound,
      critic: cli.critic === undefined ? undefined : splitPluginSpecs(cli.critic),
      hiddenUnits: cli.hidden,
      steps: cli.steps,
      batchSize: cli.batchSize,
      learningRate: cli.lr,
      seeds: cli.seeds,
      validationFraction: cli.validation,
      testFraction: cli.test,
      patience: cli.patience,
    }),
  };
}

/**
 * The estimator's and the readers' options by the flags that set them, and the readers' advice
 * in CLI words.
 */
export const ESTIMATE_TERMS: CliTerms = {
  flags: {
    bound: '--bound',
    critic: '--critic',
    hiddenUnits: '--hidden',
    steps: '--steps',
    batchSize: '--batch-size',
    learningRate: '--lr',
    seeds: '--seeds',
    validationFraction: '--validation',
    'validation.fraction': '--validation',
    testFraction: '--test',
    'validation.testFraction': '--test',
    patience: '--patience',
    marginals: '--marginals',
    k: '--k',
    x: '--x',
    y: '--y',
    xKey: '--x',
    yKey: '--y',
    header: '--no-header',
    invalidRows: '--drop-invalid',
  },
  phrases: [
    ["pass invalidRows: 'drop'", 'pass --drop-invalid'],
    ['pass y, or fewer columns in x', 'pass --y, or fewer columns in --x'],
  ],
};

// The held-out fractions of estimateMutualInformation when --validation and --test are not given.
const DEFAULT_FRACTION = 0.2;

export function registerEstimate(program: Command, environment: CommandEnvironment): void {
  program
    .command('estimate')
    .description(
      'estimate I(X; Y) in nats between two groups of columns of your data (CSV, JSON) or two .npy files',
    )
    .option('--data <file>', 'a CSV or JSON file holding both X and Y')
    .option(
      '--x <columns|file.npy>',
      "X: column names or 0-based indices ('a,b', '0:3') of a CSV, the key of a JSON file (default x), or an .npy file",
    )
    .option('--y <columns|file.npy>', 'Y: the same; with --data, defaults to every other column')
    .option('--no-header', 'the CSV has no header row (columns by index)')
    .option(
      '--drop-invalid',
      'drop rows with NaN, infinite or missing values (default: stop with the row)',
    )
    .option('--bound <spec>', 'bound (default smile:tau=5); options as id:key=value;key=value')
    .option(
      '--critic <spec>',
      'critic: joint (default; all n² pairs), separable (about 3× faster, less accurate), id:key=value;…, or a --plugin critic (it gets xFeatures, yFeatures, seed); several, comma-separated, are each trained and the best by validation kept',
    )
    .option(
      '--hidden <widths>',
      'hidden widths of the joint and separable critics (default 256,256)',
      integerList('--hidden'),
    )
    .option(
      '--steps <n>',
      'maximum training steps per seed (default 2000)',
      positiveInteger('--steps'),
    )
    .option(
      '--batch-size <n>',
      'batch size, 2 or more (default 64, or the training rows if fewer)',
      positiveInteger('--batch-size', 2),
    )
    .option('--lr <rate>', 'Adam learning rate (default 5e-4)', positiveNumber('--lr'))
    .option('--seeds <n|list>', 'independent runs for the interval (default 3)', seedList)
    .option(
      '--validation <fraction>',
      'fraction held out for early stopping and selection, at most 0.5 (default 0.2)',
      heldOutFraction('--validation'),
    )
    .option(
      '--test <fraction>',
      'fraction held out to report on, never used to select, at most 0.5 (default 0.2)',
      heldOutFraction('--test'),
    )
    .option(
      '--patience <n>',
      'early-stopping patience in evaluations (default 10)',
      positiveInteger('--patience'),
    )
    .option('--no-standardize', 'feed the columns as they are (--marginals none)')
    .option(
      '--marginals <how>',
      'prepare each column: rank (default: normal scores of its ranks; MI is unchanged by monotone maps), standardize, none',
      oneOf('--marginals', ['standardize', 'rank', 'none'] as const),
    )
    .option(
      '--estimator <id>',
      `neural (default: a critic trained on a bound) or a classical k-NN / closed-form estimator: ${classicalEstimatorIds.join(', ')} (mixed-ksg as its authors' code computes it)`,
      oneOf('--estimator', ESTIMATORS),
    )
    .option('--k <n>', 'neighbours of the k-NN estimators (default 3)', positiveInteger('--k'))
    .option('--quick', 'a preset that finishes in seconds')
    .action(async (_options: unknown, command: Command) =>
      environment.run(
        command,
        async ({ output, registries, signal }) => {
          const cli = command.opts<EstimateCliOptions>();
          // Names first: a bad bound or critic is a usage error even when the file is missing.
          checkSpecs(registries, '--bound', 'bounds', cli.bound === undefined ? [] : [cli.bound]);
          checkSpecs(registries, '--critic', 'critics', splitPluginSpecs(cli.critic ?? ''));
          const data = readUserData(cli);
          if (cli.estimator !== undefined && cli.estimator !== 'neural') {
            printClassical(output, data, cli.estimator, cli.k);
            return;
          }
          // A file too small to split is bad data (exit 3), said before any training.
          assertEnoughRows(data, {
            validationFraction: cli.validation ?? DEFAULT_FRACTION,
            testFraction: cli.test ?? DEFAULT_FRACTION,
            ...(cli.batchSize === undefined ? {} : { batchSize: cli.batchSize }),
          });
          output.note(
            `data: ${data.source}: ${data.x.rows} rows, X ${data.x.columns} columns, Y ${data.y.columns} columns${data.droppedRows ? ` (${data.droppedRows} invalid rows dropped)` : ''}`,
          );
          const progress = output.estimateProgress();
          const result = await estimateMutualInformation(data, {
            ...toEstimateOptions(cli, registries, signal),
            onProgress: progress.onProgress,
          }).finally(() => progress.stop());
          if (result.interrupted && result.perSeed.length === 0) {
            output.note('interrupted before any seed finished: no estimate');
            return;
          }
          if (output.json) {
            const {
              estimate,
              unit,
              bits,
              interval,
              intervalMethod,
              bound,
              critic,
              marginals,
              backend,
              steps,
              flags,
              ceiling,
              perSeed,
              interrupted,
            } = result;
            output.result(
              JSON.stringify(
                {
                  estimate,
                  unit,
                  bits,
                  interval,
                  intervalMethod,
                  bound,
                  critic,
                  marginals,
                  backend,
                  steps,
                  flags,
                  ceiling,
                  perSeed,
                  interrupted,
                },
                null,
                2,
              ),
            );
            return;
          }
          const [low, high] = result.interval;
          output.result(
            [
              `I(X; Y) = ${formatNumber(result.estimate)} nats (${formatNumber(result.bits)} bits)` +
                (low === null || high === null
                  ? ''
                  : `, 95% interval [${formatNumber(low)}, ${formatNumber(high)}]`),
              `interval: ${result.intervalMethod}`,
              `bound ${result.bound}, columns ${MARGINALS_WORDS[result.marginals]}, backend ${result.backend}; per seed, the test-split estimate of the weights with the best validation value: ${result.perSeed.map((s) => `${formatNumber(s.estimate)} (${s.critic}, step ${s.bestStep ?? '–'})`).join(', ')}`,
              ...(result.ceiling === null
                ? []
                : [
                    `ceiling of the bound at this batch size: ${formatNumber(result.ceiling)} nats`,
                  ]),
              result.flags.length === 0 ? 'no warnings' : `warnings: ${result.flags.join(', ')}`,
              ...(result.interrupted
                ? [`interrupted: over the ${result.perSeed.length} seeds that finished`]
                : []),
            ].join('\n'),
          );
        },
        { terms: ESTIMATE_TERMS },
      ),
    );
}

/** Reads X and Y from `--data` (CSV or JSON) or from two `.npy` files. */
function readUserData(options: EstimateCliOptions): TabularData {
  const { x, y } = options;
  const data = options.data === undefined ? undefined : userPath(options.data);
  const invalidRows = options.dropInvalid ? 'drop' : 'error';
  if (data === undefined) {
    if (x?.endsWith('.npy') && y?.endsWith('.npy')) {
      return readNpyPair(userPath(x), userPath(y), { invalidRows });
    }
    throw usageError(
      '--data',
      data,
      'a data file (--data file.csv --x a,b --y c) or two .npy files (--x x.npy --y y.npy)',
    );
  }
  if (extname(data).toLowerCase() === '.json') {
    // JSON holds X and Y under two keys ("x" and "y" unless --x/--y name others).
    return readJsonPair(data, { xKey: x ?? 'x', yKey: y ?? 'y', invalidRows });
  }
  if (x === undefined) {
    throw usageError('--x', x, 'the columns of X, e.g. --x a,b or --x 0:3');
  }
  return readCsv(data, {
    x,
    ...(y === undefined ? {} : { y }),
    header: options.header === false ? false : 'auto',
    invalidRows,
  });
}

/** Runs one of @mi/classical's estimators on all rows and prints its answer. */
function printClassical(
  output: Output,
  data: TabularData,
  id: ClassicalEstimatorId,
  k: number | undefined,
): void {
  const estimator = getClassicalEstimator(id);
  const options = {
    ...(estimator.usesNeighbors ? { k: k ?? 3 } : {}),
    // The published code's form: less biased than the paper's formula at small k.
    ...(id === 'mixed-ksg' ? { variant: 'authors-code' } : {}),
  };
  if (!estimator.usesNeighbors && k !== undefined) {
    throw usageError('--k', k, `no --k: ${id} uses no neighbours`);
  }
  const result = estimator.estimate(data.x, data.y, options);
  const intervalMethod = `none: ${estimator.displayName} gives one number for the whole data set; --estimator neural gives an interval`;
  if (output.json) {
    output.result(
      JSON.stringify(
        {
          estimate: result.estimate,
          unit: 'nats',
          bits: natsToBits(result.estimate),
          interval: [null, null],
          intervalMethod,
          estimator: id,
          k: result.k ?? null,
          rows: data.x.rows,
          source: data.source,
        },
        null,
        2,
      ),
    );
    return;
  }
  output.result(
    [
      `I(X; Y) = ${formatNumber(result.estimate)} nats (${formatNumber(natsToBits(result.estimate))} bits)`,
      `estimator ${estimator.displayName}${result.k === undefined ? '' : `, k = ${result.k}`}, ${data.x.rows} rows; ${intervalMethod}`,
    ].join('\n'),
  );
}
