import { studentTQuantile } from '../stats/student-t';

/**
 * What a published cell says: a number, a bound the paper only states (`{ above: 100 }` for the
 * values ReMINE's Table 1 omits as "more than 100"; `{ below: 0 }` for "fails to improve"), or
 * nothing (`null`: not published).
 */
export type PublishedValue =
  | number
  | { readonly above: number }
  | { readonly below: number }
  | null;

/** How one kind of number is compared with the paper. */
export interface VerdictRule {
  /**
   * `linear` compares values (bias, mean estimates, nats); `log` compares logarithms (variances,
   * MSEs, step counts), so a tolerance is a factor.
   */
  readonly scale: 'linear' | 'log';
  /** The smallest tolerance: nats on the linear scale, a log-factor on the log scale. */
  readonly floor: number;
  /**
   * Half a unit of the last digit the paper prints (0.005 for two decimals): published numbers
   * are rounded, so a difference within it is no difference. On the log scale, values below it
   * count as it (a printed 0.00 is anything under 0.005).
   */
  readonly rounding?: number;
  /**
   * The paper's own per-step variance of the cell and the number of steps its mean was taken
   * over: their ratio is the squared standard error of the published mean, a lower bound on how
   * far one run of the paper's lies from another (our seeds may agree more closely by chance).
   */
  readonly publishedVariance?: { readonly variance: number; readonly steps: number } | undefined;
  /**
   * The widest tolerance that still tells a reproduction from a miss, on the rule's scale. The
   * spread term grows with our own seeds' disagreement, so wildly spread seeds would "reproduce"
   * almost any value; a difference beyond the cap that only the spread excuses gets no verdict
   * (our seeds spread too widely to tell), never "reproduced". Absent: no cap.
   */
  readonly cap?: number;
}

/** The outcome of one comparison. */
export interface Verdict {
  readonly kind: 'reproduced' | 'differs' | 'no verdict';
  /** Mean of our seeds (on the linear scale, whatever the rule's scale). */
  readonly ours?: number;
  /** |ours − published| on the rule's scale. */
  readonly difference?: number;
  readonly tolerance?: number;
  /** Why there is no verdict, or what differs (one short phrase). */
  readonly note?: string;
}

/** Default rules; every report prints the rule it used. */
export const VERDICT_RULES = {
  /** Bias and mean estimates, in nats: within 0.05 nats at least, 1 nat at most. */
  nats: { scale: 'linear', floor: 0.05, rounding: 0.005, cap: 1 },
  /** Variances and MSEs: within a factor 1.5 at least, a factor 4 at most. */
  spread: { scale: 'log', floor: Math.log(1.5), rounding: 0.005, cap: Math.log(4) },
  /** Step counts read off a figure ("close to 2·10⁴"): within a factor 2 at least, 8 at most. */
  steps: { scale: 'log', floor: Math.log(2), cap: Math.log(8) },
} as const satisfies Record<string, VerdictRule>;

/**
 * A linear rule for "≈ v" with the given floor, capped at max(1 nat, 2.5 × floor): wider than
 * that, a tolerance no longer separates "about v" from "something else".
 */
export function approximateRule(floor: number): VerdictRule {
  return { scale: 'linear', floor, cap: Math.max(1, 2.5 * floor) };
}

/** The z of the tolerance: the two-sided 95% normal quantile. */
const Z = 1.96;

/**
 * The rule in words, for the report: what is compared, how the tolerance is formed.
 *
 * @example
 * ```ts
 * describeRule(VERDICT_RULES.nats); // "|ours − published| ≤ max(0.05, 1.96·√(s²/k + s_p²)) …"
 * ```
 */
export function describeRule(rule: VerdictRule): string {
  const value = rule.scale === 'log' ? 'log ours − log published' : 'ours − published';
  const amount = (x: number) =>
    rule.scale === 'log'
      ? `log ${formatFactor(Math.exp(x))} (a factor ${formatFactor(Math.exp(x))})`
      : `${Number(x.toFixed(3))} nat${x === 1 ? '' : 's'}`;
  const cap =
    rule.cap === undefined
      ? ''
      : `; a difference beyond ${amount(Math.max(rule.cap, rule.floor))} that only our seeds' spread excuses gets no verdict (the seeds spread too widely to tell)`;
  return `reproduced when |${value}| ≤ max(${amount(rule.floor)}, 1.96·√(s²/k + s_p²))${rule.rounding ? ` + ${rule.rounding} (rounding of the printed value)` : ''}, where k is our number of seeds, s the standard deviation of our per-seed values (on the same scale), and s_p² the variance of the paper's single run, taken as the larger of s² and the paper's per-step variance over the steps its mean was taken over${cap}; a cell the paper gives only as a bound (omitted as > 100) is reproduced when our mean lies beyond it; one seed gives no spread and no verdict`;
}

function formatFactor(value: number): string {
  return Number(value.toFixed(2)).toString();
}

/**
 * Compares our per-seed values of one cell with the published value under `rule`. Non-finite
 * seeds (a diverged run, recorded as `null`) count as beyond any bound and are left out of a
 * numeric comparison; with fewer than two finite seeds there is no spread, and so no verdict.
 *
 * The tolerance is max(floor, 1.96·√(s²/k + s_p²)) (+ rounding): our mean of k seeds has
 * variance s²/k; the paper's number is one run, whose distance from another run of the same
 * protocol is at least our seed spread s, and at least the standard error its own per-step
 * variance gives its mean. Past the rule's `cap` that tolerance says nothing: a difference
 * beyond the cap but within the tolerance is "no verdict", with the spread in the note.
 */
export function compareWithPublished(
  ours: readonly (number | null)[],
  published: PublishedValue,
  rule: VerdictRule,
): Verdict {
  const finite = ours.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const ourMean = finite.length > 0 ? mean(finite) : undefined;
  const base = ourMean === undefined ? {} : { ours: ourMean };
  if (published === null) return { kind: 'no verdict', ...base, note: 'not published' };
  if (ours.length === 0) return { kind: 'no verdict', note: 'no runs' };
  if (typeof published === 'object') {
    // A bound ("omitted: more than 100"): a diverged seed is beyond it; otherwise the mean must be.
    const diverged = finite.length < ours.length;
    if ('above' in published) {
      const ok = diverged || (ourMean as number) > published.above;
      return { kind: ok ? 'reproduced' : 'differs', ...base, note: `paper: > ${published.above}` };
    }
    const ok = diverged || (ourMean as number) < published.below;
    return { kind: ok ? 'reproduced' : 'differs', ...base, note: `paper: < ${published.below}` };
  }
  if (finite.length === 0) return { kind: 'differs', note: 'every seed diverged' };
  if (finite.length < 2) return { kind: 'no verdict', ...base, note: 'one seed: no spread' };
  const rounding = rule.rounding ?? 0;
  const scale =
    rule.scale === 'log'
      ? (v: number) => Math.log(Math.max(v, rounding || 1e-12))
      : (v: number) => v;
  const values = finite.map(scale);
  const k = values.length;
  const center = mean(values);
  const s2 = variance(values);
  const publishedSe2 =
    rule.publishedVariance === undefined
      ? 0
      : rule.scale === 'log'
        ? // The delta method: var(log m) ≈ var(m)/m².
          rule.publishedVariance.variance /
          rule.publishedVariance.steps /
          Math.max(published, rounding || 1e-12) ** 2
        : rule.publishedVariance.variance / rule.publishedVariance.steps;
  const tolerance =
    Math.max(rule.floor, Z * Math.sqrt(s2 / k + Math.max(s2, publishedSe2))) +
    (rule.scale === 'linear' ? rounding : 0);
  const difference = Math.abs(center - scale(published));
  const cap =
    rule.cap === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(rule.cap, rule.floor) + (rule.scale === 'linear' ? rounding : 0);
  const diverged =
    finite.length < ours.length
      ? `${ours.length - finite.length} of ${ours.length} seeds diverged`
      : undefined;
  if (difference <= tolerance && difference > cap) {
    const spread = `our seeds spread too widely to tell: s = ${formatSpread(Math.sqrt(s2))}${rule.scale === 'log' ? ' in log' : ''}, ± ${formatSpread(tolerance)} against a cap of ${formatSpread(cap)}`;
    return {
      kind: 'no verdict',
      ...base,
      difference,
      tolerance,
      note: diverged === undefined ? spread : `${spread}; ${diverged}`,
    };
  }
  return {
    kind: difference <= tolerance ? 'reproduced' : 'differs',
    ...base,
    difference,
    tolerance,
    ...(diverged === undefined ? {} : { note: diverged }),
  };
}

function formatSpread(value: number): string {
  return Number(value.toPrecision(2)).toString();
}

/**
 * Whether a claim about a per-seed quantity holds: its mean over seeds lies above (or below) a
 * threshold by more than the 95% t half-width of that mean. For the papers' qualitative
 * statements (a term drifts by more than 0.5 nats; the regularised form has the lower MSE),
 * with the threshold chosen to read the statement, and printed beside it.
 */
export function checkClaim(
  values: readonly (number | null)[],
  claim: { readonly above: number } | { readonly below: number },
): Verdict {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return { kind: 'no verdict', note: 'no finite value' };
  const center = mean(finite);
  const halfWidth =
    finite.length < 2
      ? 0
      : (studentTQuantile(0.975, finite.length - 1) * Math.sqrt(variance(finite))) /
        Math.sqrt(finite.length);
  const holds =
    'above' in claim ? center - halfWidth > claim.above : center + halfWidth < claim.below;
  return {
    kind: holds ? 'reproduced' : 'differs',
    ours: center,
    tolerance: halfWidth,
    ...(finite.length < 2 ? { note: 'one seed' } : {}),
  };
}

/**
 * One verdict for a row of cells (a bound's bias at five MI levels): reproduced when every
 * compared cell is, differs naming the cells that do, no verdict when no cell could be compared.
 */
export function rowVerdict(cells: readonly { label: string; verdict: Verdict }[]): Verdict {
  const compared = cells.filter((c) => c.verdict.kind !== 'no verdict');
  if (compared.length === 0) {
    const note = cells.find((c) => c.verdict.note !== undefined)?.verdict.note;
    return { kind: 'no verdict', ...(note === undefined ? {} : { note }) };
  }
  const differing = compared.filter((c) => c.verdict.kind === 'differs');
  if (differing.length === 0) return { kind: 'reproduced' };
  return { kind: 'differs', note: `at ${differing.map((c) => c.label).join(', ')}` };
}

/** The verdict as a table cell: `**reproduced**`, `**differs** at MI=8, 10`, `–` (one seed). */
export function formatVerdict(verdict: Verdict): string {
  if (verdict.kind === 'no verdict') return `– ${verdict.note ? `(${verdict.note})` : ''}`.trim();
  return `**${verdict.kind}**${verdict.note ? ` ${verdict.note}` : ''}`;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample variance (k − 1). */
function variance(values: readonly number[]): number {
  const m = mean(values);
  return values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1);
}
