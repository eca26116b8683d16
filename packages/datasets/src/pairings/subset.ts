import { assertNumber, createRandom } from '@mi/core';
import { type Batch, type Dataset, InvalidArgumentError } from '@mi/spec';
import { checkIndices } from '../internal/define-dataset';

/**
 * A view of `dataset` restricted to `indices` (row k of the view is row `indices[k]` of the
 * source). No data is copied.
 */
export function subsetDataset(dataset: Dataset, indices: Int32Array, name?: string): Dataset {
  checkIndices('subsetDataset', indices, dataset.size);
  const rows = Int32Array.from(indices);
  const viewName = name ?? `${dataset.name}[subset of ${rows.length}]`;
  return {
    kind: 'dataset',
    name: viewName,
    shape: dataset.shape,
    size: rows.length,
    trueMI: dataset.trueMI,
    gather(local: Int32Array): Batch {
      checkIndices(`${viewName}.gather`, local, rows.length);
      return dataset.gather(local.map((k) => rows[k] as number));
    },
  };
}

/** Options of {@link splitDataset}: give `testFraction` or `testSize`. */
export interface SplitOptions {
  /** Share of rows held out, in (0, 1). */
  readonly testFraction?: number;
  /** Number of rows held out, in [1, size − 1]. */
  readonly testSize?: number;
  /** Seeds the shuffle; the same seed gives the same split. */
  readonly seed: number;
}

/**
 * Shuffles the rows with `seed` and splits them into a training and a held-out view (no copies),
 * for validation estimates and early stopping in finite-data mode.
 *
 * @example
 * ```ts
 * const { train, test } = splitDataset(data, { testFraction: 0.2, seed: 0 });
 * ```
 */
export function splitDataset(
  dataset: Dataset,
  options: SplitOptions,
): { readonly train: Dataset; readonly test: Dataset } {
  const fn = 'splitDataset';
  assertNumber(fn, 'seed', options?.seed, { integer: true });
  const { size } = dataset;
  let testSize: number;
  if (options.testSize !== undefined && options.testFraction === undefined) {
    assertNumber(fn, 'testSize', options.testSize, { min: 1, max: size - 1, integer: true });
    testSize = options.testSize;
  } else if (options.testFraction !== undefined && options.testSize === undefined) {
    assertNumber(fn, 'testFraction', options.testFraction, {
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    });
    testSize = Math.round(size * options.testFraction);
    if (testSize < 1 || testSize > size - 1) {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter: 'testFraction',
        value: options.testFraction,
        expected: `a fraction that leaves at least one row on each side of ${size} rows`,
      });
    }
  } else {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'testFraction',
      value: options.testFraction,
      expected: 'exactly one of testFraction and testSize',
    });
  }
  const order = createRandom(options.seed).permutation(size);
  return {
    train: subsetDataset(dataset, order.slice(testSize), `${dataset.name}/train`),
    test: subsetDataset(dataset, order.slice(0, testSize), `${dataset.name}/test`),
  };
}
