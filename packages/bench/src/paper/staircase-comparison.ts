import type { BenchmarkRecord } from '@mi/spec';
import type { PublishedRow } from '../gaussian/published';
import { formatNumber, markdownTable } from '../report/markdown';
import type { PaperSection } from './paper-target';
import { countVerdict, perSeed, selectRecords, type VerdictCounts } from './records';
import {
  compareWithPublished,
  formatVerdict,
  type PublishedValue,
  rowVerdict,
  VERDICT_RULES,
  type Verdict,
  type VerdictRule,
} from './verdict';

/** The levels the papers' staircase tables print. */
const PAPER_LEVELS = [2, 4, 6, 8, 10];

/** One row group of a staircase table: an estimator, where its records are, its published row. */
export interface StaircaseEstimator {
  /** The row label: the paper's name of the estimator (`SMILE (τ = 5)`). */
  readonly label: string;
  /** `gaussian` (neural bounds) or `gaussian-classical` (k-NN estimators). */
  readonly benchmark: 'gaussian' | 'gaussian-classical';
  /** Parameters its records hold (bound label, critic, task, protocol). */
  readonly match: Readonly<Record<string, unknown>>;
  /** The published row to print beside ours, if the paper has one. */
  readonly published?: PublishedRow;
  /**
   * The steps of each level our statistics are read over: `last-half` (default; Song & Ermon's
   * window, the records' `bias@L`) or `all` (every step of the level, the records' `all:bias@L`).
   */
  readonly window?: 'last-half' | 'all';
}

/** Options of {@link staircaseComparison}. */
export interface StaircaseComparisonOptions {
  readonly title: string;
  readonly text?: readonly string[];
  readonly records: readonly BenchmarkRecord[];
  readonly estimators: readonly StaircaseEstimator[];
  readonly levels: readonly number[];
  readonly seeds: readonly number[];
  /**
   * How bias is printed: `true-minus-estimate` (Song & Ermon, our records) or
   * `estimate-minus-true` (ReMINE). Published rows are stored in the first convention.
   */
  readonly convention: 'true-minus-estimate' | 'estimate-minus-true';
  /** Steps the paper's statistics of a level are taken over. Default 2000 (the last half of 4000). */
  readonly publishedSteps?: number;
  /**
   * What a missing published cell means: `not-published`, or `above-100` (ReMINE's Table 1 omits
   * values "more than 100").
   */
  readonly missing: 'not-published' | 'above-100';
}

const STATS = ['bias', 'variance', 'mse'] as const;

/**
 * The staircase table of a paper target: for each estimator and statistic, our mean over seeds at
 * each level, the published row under it (italics), and a verdict per row (see `verdict.ts`):
 * bias with the nats rule (the paper's per-step variance over `publishedSteps` as its standard
 * error), variance and MSE with the factor rule.
 */
export function staircaseComparison(options: StaircaseComparisonOptions): {
  section: PaperSection;
  verdicts: VerdictCounts;
} {
  const counts: VerdictCounts = { reproduced: 0, differs: 0, none: 0 };
  const sign = options.convention === 'estimate-minus-true' ? -1 : 1;
  const show = (stat: string, value: number | null | undefined) =>
    typeof value === 'number' ? formatNumber(stat === 'bias' ? sign * value : value) : '–';
  const rows: string[][] = [];
  for (const estimator of options.estimators) {
    const records = selectRecords(options.records, estimator.benchmark, estimator.match);
    const seedsFound = perSeed(records, options.seeds, () => 0).length;
    const prefix = estimator.window === 'all' ? 'all:' : '';
    for (const stat of STATS) {
      const published = estimator.published?.[stat];
      const cells = options.levels.map((level) => {
        const values = perSeed(records, options.seeds, `${prefix}${stat}@${level}`);
        const index = PAPER_LEVELS.indexOf(level);
        const paper = published === undefined || index < 0 ? undefined : published[index];
        // An unsigned published bias (|truth − estimate|) is compared with the sign of ours.
        const ours = mean(values);
        const signed =
          stat === 'bias' && estimator.published?.biasUnsigned && typeof paper === 'number'
            ? ours !== null && ours < 0
              ? -paper
              : paper
            : paper;
        const publishedValue = toPublished(stat, signed, published !== undefined, options.missing);
        const variance = estimator.published?.variance?.[index];
        const rule: VerdictRule =
          stat === 'bias'
            ? {
                ...VERDICT_RULES.nats,
                publishedVariance:
                  typeof variance === 'number'
                    ? { variance, steps: options.publishedSteps ?? 2000 }
                    : undefined,
              }
            : VERDICT_RULES.spread;
        const verdict: Verdict =
          publishedValue === undefined
            ? { kind: 'no verdict', note: 'not published' }
            : compareWithPublished(values, publishedValue, rule);
        return { level, values, paper, verdict };
      });
      const verdict = rowVerdict(
        cells.map((c) => ({ label: `MI=${c.level}`, verdict: c.verdict })),
      );
      countVerdict(counts, verdict.kind);
      rows.push([
        `${estimator.label}, ours${seedsFound === 1 ? ' (1 seed)' : ` (${seedsFound} seeds)`}`,
        stat,
        ...cells.map((c) => show(stat, mean(c.values))),
        formatVerdict(verdict),
      ]);
      if (estimator.published !== undefined && published !== undefined) {
        rows.push([
          `_${estimator.published.source}: ${estimator.published.label}_`,
          `_${stat === 'bias' && estimator.published.biasUnsigned ? 'bias, printed unsigned' : stat}_`,
          ...cells.map((c) =>
            c.paper === null && options.missing === 'above-100'
              ? '_> 100_'
              : `_${show(stat, c.paper)}_`,
          ),
          '',
        ]);
      }
    }
  }
  return {
    section: {
      title: options.title,
      ...(options.text ? { text: options.text } : {}),
      table: markdownTable(
        ['estimator', 'stat', ...options.levels.map((l) => `MI=${l}`), 'verdict'],
        rows,
      ),
    },
    verdicts: counts,
  };
}

/** A published cell as the verdict reads it, in our sign (true − estimate). */
function toPublished(
  stat: (typeof STATS)[number],
  value: number | null | undefined,
  rowPublished: boolean,
  missing: StaircaseComparisonOptions['missing'],
): PublishedValue | undefined {
  if (!rowPublished || value === undefined) return undefined;
  if (value !== null) return value;
  if (missing === 'not-published') return null;
  // Omitted as "more than 100": ReMINE prints estimate − truth, so a bias above 100 there is
  // below −100 in our sign.
  return stat === 'bias' ? { below: -100 } : { above: 100 };
}

function mean(values: readonly (number | null)[]): number | null {
  const finite = values.filter((v): v is number => v !== null);
  return finite.length === 0 ? null : finite.reduce((a, b) => a + b, 0) / finite.length;
}
