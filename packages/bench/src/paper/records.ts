import type { BenchmarkRecord } from '@mi/spec';
import { stableStringify } from '../records/run-id';

/**
 * The records of one benchmark whose parameters hold every value of `match` (compared as
 * canonical JSON, so lists and numbers compare by value): the runs of one row of a paper's table,
 * whatever else the folder holds.
 */
export function selectRecords(
  records: readonly BenchmarkRecord[],
  benchmark: string,
  match: Readonly<Record<string, unknown>>,
): BenchmarkRecord[] {
  const wanted = Object.entries(match).map(([key, value]) => [key, stableStringify(value)]);
  return records.filter(
    (r) =>
      r.benchmark === benchmark &&
      wanted.every(([key, value]) => stableStringify(r.params[key as string]) === value),
  );
}

/**
 * One value of a metric per seed of `seeds` that has a record, in the order of `seeds`
 * (`null` where the run stored no finite value): the samples a verdict's spread comes from.
 */
export function perSeed(
  records: readonly BenchmarkRecord[],
  seeds: readonly number[],
  metric: string | ((record: BenchmarkRecord) => number | null),
): (number | null)[] {
  const out: (number | null)[] = [];
  for (const seed of seeds) {
    const record = records.find((r) => r.params['seed'] === seed);
    if (record === undefined) continue;
    const value = typeof metric === 'string' ? record.metrics[metric] : metric(record);
    out.push(typeof value === 'number' && Number.isFinite(value) ? value : null);
  }
  return out;
}

/** Verdict counts of a report's rows. */
export interface VerdictCounts {
  reproduced: number;
  differs: number;
  none: number;
}

/** Adds one verdict to the counts. */
export function countVerdict(
  counts: VerdictCounts,
  kind: 'reproduced' | 'differs' | 'no verdict',
): void {
  if (kind === 'reproduced') counts.reproduced += 1;
  else if (kind === 'differs') counts.differs += 1;
  else counts.none += 1;
}
