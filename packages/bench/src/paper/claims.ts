import { formatNumber, markdownTable } from '../report/markdown';
import { countVerdict, type VerdictCounts } from './records';
import {
  approximateRule,
  checkClaim,
  compareWithPublished,
  formatVerdict,
  type Verdict,
} from './verdict';

/**
 * One statement a paper makes with a figure rather than a number ("both DV terms drift while the
 * estimate stays", "log E_Q[e^T] settles at C"), read as a quantity we measure per seed and what
 * the statement says it should be.
 */
export interface ClaimRow {
  /** `Fig. 1a`. */
  readonly figure: string;
  /** What the paper shows, in our words. */
  readonly paper: string;
  /** The quantity we measure, with the run it comes from. */
  readonly measure: string;
  /** What the statement says, as printed: `≈ 2.77 (log 16)`, `> 0.5`. */
  readonly expected: string;
  /** Our mean over seeds. */
  readonly ours: number | undefined;
  readonly seeds: number;
  readonly verdict: Verdict;
}

/** The claim rules in words, for the report. */
export const CLAIM_RULES = [
  'a value the paper states ("≈ v") is reproduced when |mean of our seeds − v| ≤ max(0.25 nats, 10% of |v|, 1.96·√(s²/k + s²)), s the standard deviation over our k seeds; when only that spread term excuses a difference larger than max(1 nat, 2.5 × the floor), our seeds spread too widely to tell, and there is no verdict',
  'a bound the paper implies ("> t", "< t", with t our reading of a qualitative statement) is reproduced when the mean of our seeds lies beyond t by more than the 95% t-interval half-width of that mean',
] as const;

/** A claim that a quantity is about `value`. */
export function approximately(
  base: Omit<ClaimRow, 'ours' | 'seeds' | 'verdict' | 'expected'> & { readonly expected?: string },
  values: readonly (number | null)[],
  value: number,
): ClaimRow {
  const verdict = compareWithPublished(
    values,
    value,
    approximateRule(Math.max(0.25, 0.1 * Math.abs(value))),
  );
  return {
    ...base,
    expected: base.expected ?? `≈ ${formatNumber(value)}`,
    ours: verdict.ours,
    seeds: values.length,
    verdict,
  };
}

/** A claim that a quantity lies above or below a threshold. */
export function beyond(
  base: Omit<ClaimRow, 'ours' | 'seeds' | 'verdict' | 'expected'>,
  values: readonly (number | null)[],
  bound: { readonly above: number } | { readonly below: number },
): ClaimRow {
  const verdict = checkClaim(values, bound);
  return {
    ...base,
    expected: 'above' in bound ? `> ${short(bound.above)}` : `< ${short(bound.below)}`,
    ours: verdict.ours,
    seeds: values.length,
    verdict,
  };
}

/** The claims as a table, with a verdict per row, and the verdict counts. */
export function claimsTable(rows: readonly ClaimRow[]): { table: string; verdicts: VerdictCounts } {
  const verdicts: VerdictCounts = { reproduced: 0, differs: 0, none: 0 };
  for (const row of rows) countVerdict(verdicts, row.verdict.kind);
  return {
    table: markdownTable(
      ['figure', 'the paper', 'we measure', 'ours (mean of seeds)', 'expected', 'verdict'],
      rows.map((row) => [
        row.figure,
        row.paper,
        row.measure,
        `${formatNumber(row.ours)} (${row.seeds} seed${row.seeds === 1 ? '' : 's'})`,
        row.expected,
        formatVerdict(row.verdict),
      ]),
    ),
    verdicts,
  };
}

/** A threshold as printed: three significant digits, no trailing zeros (`1.39`, `0.5`, `-2.3`). */
function short(value: number): string {
  return String(Number(value.toPrecision(3)));
}
