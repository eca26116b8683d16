import { InvalidArgumentError } from '@mi/spec';
import { assertPair, type Matrix } from './matrix';
import { addJitter, createNormalStream, standardizeColumns } from './preprocessing';

/** Ids of the estimators of this package; see {@link classicalEstimators}. */
export type ClassicalEstimatorId = 'ksg' | 'ksg2' | 'mixed-ksg' | 'kl' | 'gaussian';

/** What every estimator of this package returns. */
export interface ClassicalEstimate {
  /** Which estimator produced it. */
  readonly estimator: ClassicalEstimatorId;
  /** The estimate of I(X; Y), in nats. May be slightly negative: the k-NN estimators are not clipped. */
  readonly estimate: number;
  /** The number of samples (rows of x and y). */
  readonly rows: number;
  /** The number of neighbours, for the k-NN estimators; absent for `gaussian`. */
  readonly k?: number;
}

/** Options shared by the k-NN estimators (KSG, Mixed KSG, Kozachenko–Leonenko). */
export interface NearestNeighborOptions {
  /** The number of neighbours k, an integer in [1, rows − 1]. Default 3 (as scikit-learn). */
  readonly k?: number;
  /**
   * Standardise every column of x and y to zero mean and unit variance first (default `false`).
   * The max-norm estimators are not invariant to rescaling one coordinate; scikit-learn
   * standardises before its KSG estimator.
   */
  readonly standardize?: boolean;
  /**
   * Relative amplitude of Gaussian noise added to every value before the neighbour search, to
   * break exact ties in continuous data (default `0`: off). Column c gets
   * `jitter · max(1, mean |column c|) · N(0, 1)`, as scikit-learn does with `1e-10`. Leave it off
   * for discrete or mixed data and use {@link mixedKsg}, which is built for ties.
   */
  readonly jitter?: number;
  /** Seed of the jitter noise (default 0); the same seed gives the same estimate. */
  readonly seed?: number;
}

/** The default k of the k-NN estimators. */
export const DEFAULT_K = 3;

/** Rejects option keys that the function does not know, listing the known ones. */
export function assertKnownOptions(
  functionName: string,
  options: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'options',
      value: options,
      expected: `an object with some of ${known.join(', ')}`,
    });
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError({
        functionName,
        parameter: key,
        value: (options as Record<string, unknown>)[key],
        expected: `no such option; known options: ${known.join(', ')}`,
      });
    }
  }
  return options as Record<string, unknown>;
}

const neighborOptionKeys = ['k', 'standardize', 'jitter', 'seed'] as const;

/**
 * Validates x, y and the shared k-NN options, and applies standardisation and jitter.
 * `extraKeys` are the estimator's own options (validated by the caller).
 */
export function prepareNeighborData(
  functionName: string,
  x: unknown,
  y: unknown,
  options: unknown,
  extraKeys: readonly string[] = [],
): { x: Matrix; y: Matrix; k: number; options: Record<string, unknown> } {
  const record = assertKnownOptions(functionName, options, [...neighborOptionKeys, ...extraKeys]);
  const k = record['k'] ?? DEFAULT_K;
  if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 1) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'k',
      value: k,
      expected: 'an integer ≥ 1',
    });
  }
  const pair = assertPair(functionName, x, y, 2, 'a point needs at least one neighbour');
  if (k >= pair.x.rows) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'k',
      value: k,
      expected: `an integer ≤ rows − 1 = ${pair.x.rows - 1} (each point needs k other points)`,
    });
  }
  const standardize = record['standardize'] ?? false;
  if (typeof standardize !== 'boolean') {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'standardize',
      value: standardize,
      expected: 'true or false',
    });
  }
  const jitter = record['jitter'] ?? 0;
  if (typeof jitter !== 'number' || !Number.isFinite(jitter) || jitter < 0) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'jitter',
      value: jitter,
      expected: 'a finite number ≥ 0 (0 = off; scikit-learn uses 1e-10)',
    });
  }
  const seed = record['seed'] ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'seed',
      value: seed,
      expected: 'an integer',
    });
  }
  let xs = pair.x;
  let ys = pair.y;
  if (standardize) {
    xs = standardizeColumns(xs);
    ys = standardizeColumns(ys);
  }
  if (jitter > 0) {
    const normal = createNormalStream(seed);
    xs = addJitter(xs, jitter, normal);
    ys = addJitter(ys, jitter, normal);
  }
  return { x: xs, y: ys, k, options: record };
}
