import { getClassicalEstimator } from '@mi/classical';
import { assertNumber, assertPositiveInteger, deriveRandom } from '@mi/core';
import { correlatedGaussian } from '@mi/datasets';
import type { BenchmarkContext } from '../benchmark-context';
import { classicalEstimateOn } from '../classical/classical-estimate';
import { runId } from '../records/run-id';
import { type PlannedRun, runSweep } from '../run-sweep';
import { biasVariance } from '../stats/bias-variance';

/**
 * Options of {@link runClassicalStaircase}: the k-NN rows of ReMINE's Table 1 (KL, Mixed KSG)
 * under the staircase's protocol.
 */
export interface ClassicalStaircaseOptions {
  /** `@mi/classical` estimator ids. Default `['kl', 'mixed-ksg']`. */
  readonly estimators?: readonly string[];
  /** `gaussian` or `cubic`. Default `gaussian`. */
  readonly task?: 'gaussian' | 'cubic';
  /** d. Default 20. */
  readonly dimension?: number;
  /** MI levels in nats. Default 2, 4, 6, 8, 10. */
  readonly levels?: readonly number[];
  /**
   * Pairs per estimate: the batch a neural estimator's one estimate sees. Default 64, the
   * staircase's batch.
   */
  readonly batchSize?: number;
  /**
   * Estimates per level, each on fresh pairs: the steps a neural estimator's statistics take per
   * level (the last half of 4000). Default 2000.
   */
  readonly batches?: number;
  /** Neighbours k. Default 3. */
  readonly k?: number;
  /** One run per estimator and seed. Default `[1]`. */
  readonly seeds?: readonly number[];
}

const CLASSICAL_DEFAULTS = {
  estimators: ['kl', 'mixed-ksg'],
  task: 'gaussian',
  dimension: 20,
  levels: [2, 4, 6, 8, 10],
  batchSize: 64,
  batches: 2000,
  k: 3,
  seeds: [1],
} as const satisfies ClassicalStaircaseOptions;

interface ClassicalRun extends PlannedRun {
  readonly estimator: string;
  readonly seed: number;
}

/**
 * The non-neural estimators on the staircase's tasks, measured the way the neural ones are: at
 * each MI level, `batches` estimates, each on `batchSize` fresh pairs (the batch one neural
 * estimate sees), and their bias (truth − mean), variance and MSE. ReMINE (2021, App. 9) does not
 * state the sample size of its KL and Mixed KSG rows; their zero variances suggest one fixed
 * sample per level, which this protocol does not assume. Records (benchmark `gaussian-classical`)
 * carry `bias@L`, `variance@L`, `mse@L` like the neural staircase's, so the tables of both read
 * the same; finished runs are skipped and `shard` keeps every N-th run.
 */
export async function runClassicalStaircase(
  options: ClassicalStaircaseOptions,
  context: BenchmarkContext,
) {
  const fn = 'classical staircase';
  const d = CLASSICAL_DEFAULTS;
  const estimators = options.estimators ?? d.estimators;
  const task = options.task ?? d.task;
  const dimension = options.dimension ?? d.dimension;
  const levels = options.levels ?? d.levels;
  const batchSize = options.batchSize ?? d.batchSize;
  const batches = options.batches ?? d.batches;
  const k = options.k ?? d.k;
  const seeds = options.seeds ?? d.seeds;
  for (const id of estimators) getClassicalEstimator(id);
  assertPositiveInteger(fn, 'dimension', dimension);
  assertNumber(fn, 'batchSize', batchSize, { min: k + 1, integer: true });
  assertPositiveInteger(fn, 'batches', batches);
  assertPositiveInteger(fn, 'k', k);
  for (const level of levels) assertNumber(fn, 'levels', level, { min: 0, minExclusive: true });
  const runs: ClassicalRun[] = estimators.flatMap((estimator) =>
    seeds.map((seed) => {
      const params = { task, estimator, seed, dimension, levels, batchSize, batches, k };
      return {
        benchmark: 'gaussian-classical',
        runId: runId('gaussian-classical', params),
        params,
        label: `${task}/${estimator} seed ${seed}`,
        steps: batches * levels.length,
        estimator,
        seed,
      };
    }),
  );
  await runSweep(runs, context, async (run) => {
    const started = performance.now();
    const metrics: Record<string, number | null> = {};
    for (const level of levels) {
      if (context.signal?.aborted) return undefined;
      const sampler = correlatedGaussian({
        dimension,
        mi: level,
        transform: task === 'cubic' ? 'cubic' : 'identity',
      });
      const random = deriveRandom(run.seed, `classical-staircase:${level}`);
      const estimates = Array.from({ length: batches }, () =>
        classicalEstimateOn(run.estimator, sampler, batchSize, random, k),
      );
      const stats = biasVariance(estimates, level);
      metrics[`bias@${level}`] = stats.bias;
      metrics[`variance@${level}`] = stats.variance;
      metrics[`mse@${level}`] = stats.mse;
    }
    metrics['seconds'] = (performance.now() - started) / 1000;
    return { metrics };
  });
  return { records: context.folder.all().filter((r) => r.benchmark === 'gaussian-classical') };
}
