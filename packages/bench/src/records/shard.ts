import { InvalidArgumentError } from '@mi/spec';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `i/N` (1 ≤ i ≤ N). */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new InvalidArgumentError({
      functionName: 'parseShard',
      parameter: '--shard',
      value: text,
      expected: "'i/N' with 1 <= i <= N, e.g. 2/4",
    });
  }
  return { index, count };
}

/** The runs of a sweep that belong to a shard: run k (0-based) goes to shard (k mod N) + 1. */
export function selectShard<T>(runs: readonly T[], shard: Shard | undefined): T[] {
  if (shard === undefined) return [...runs];
  return runs.filter((_run, k) => k % shard.count === shard.index - 1);
}
