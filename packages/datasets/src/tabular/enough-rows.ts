import { assertNumber } from '@mi/core';
import { DataFormatError, InvalidArgumentError } from '@mi/spec';
import type { TabularData } from './matrix';

/** How an estimate splits a table's rows, which decides how many it needs. */
export interface RowRequirements {
  /** Fraction held out for selection (validation), in (0, 0.5]. */
  readonly validationFraction: number;
  /** Fraction held out to report on (test), in (0, 0.5]. */
  readonly testFraction: number;
  /** The training batch size; default 2, the smallest batch a bound can use. */
  readonly batchSize?: number;
}

/** Rows each held-out split needs: a held-out estimate averages over at least two pairs. */
const MIN_HELD_OUT = 2;

/**
 * The fewest rows that split into training, validation and test parts as a training run does
 * (`floor(n · fraction)` rows held out for each, the rest for training) with at least 2 rows in each
 * held-out part and a full training batch.
 *
 * @example
 * ```ts
 * minimumRows({ validationFraction: 0.2, testFraction: 0.2 }); // 10: 6 + 2 + 2
 * minimumRows({ validationFraction: 0.2, testFraction: 0.2, batchSize: 64 }); // 104
 * ```
 */
export function minimumRows(requirements: RowRequirements): number {
  const fn = 'minimumRows';
  const { validationFraction: v, testFraction: t, batchSize = 2 } = requirements;
  assertNumber(fn, 'validationFraction', v, { min: 0, max: 0.5, minExclusive: true });
  assertNumber(fn, 'testFraction', t, { min: 0, max: 0.5, minExclusive: true });
  assertNumber(fn, 'batchSize', batchSize, { min: 2, integer: true });
  if (v + t >= 1) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'testFraction',
      value: t,
      expected: `a fraction that leaves rows for training (validationFraction is ${v})`,
    });
  }
  const fits = (n: number) => {
    const held = Math.floor(n * v) + Math.floor(n * t);
    return (
      Math.floor(n * v) >= MIN_HELD_OUT &&
      Math.floor(n * t) >= MIN_HELD_OUT &&
      n - held >= batchSize
    );
  };
  // Start just below the continuous answer; floor() can only make the true one larger.
  let n = Math.max(
    1,
    Math.floor(Math.max(MIN_HELD_OUT / v, MIN_HELD_OUT / t, batchSize / (1 - v - t))) - 2,
  );
  while (!fits(n)) n += 1;
  return n;
}

/**
 * Throws a `DataFormatError` naming the data's file when it has fewer rows than
 * {@link minimumRows}: a 1-row file is bad data, not a bad option.
 */
export function assertEnoughRows(data: TabularData, requirements: RowRequirements): void {
  const needed = minimumRows(requirements);
  const rows = data.x.rows;
  if (rows >= needed) return;
  const { validationFraction: v, testFraction: t, batchSize } = requirements;
  const percent = (f: number) => `${Number((100 * f).toFixed(1))}%`;
  const batches = batchSize === undefined ? 'batches of 2 or more' : `batches of ${batchSize}`;
  const pair = data.source.includes(' + ');
  const dropped = data.droppedRows > 0 ? ` usable (${data.droppedRows} invalid dropped)` : '';
  throw new DataFormatError({
    file: data.source,
    detail: `needs at least ${needed} rows (${percent(1 - v - t)} training, ${percent(v)} validation, ${percent(t)} test, ${batches}); the ${pair ? 'files have' : 'file has'} ${rows}${dropped}`,
  });
}
