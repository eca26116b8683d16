import { type BenchmarkRecord, parsePluginSpec, pluginSpecLabel } from '@mi/spec';
import { PUBLISHED_CLB } from '../clb/published';
import { type VegaLiteSpec, writeFigure } from '../figures/render-figure';
import { type StepPoint, stepChart, tracePoints } from '../figures/step-chart';
import type { ResultsFolder } from '../records/results-folder';
import { stableStringify } from '../records/run-id';
import { formatNumber, markdownTable } from '../report/markdown';
import { PUBLISHED_SLB } from '../slb/published';
import { meanInterval } from '../stats/bias-variance';
import { boundFamily, FAMILY_ORDER } from './bound-families';
import type { LabelBenchmarkKind } from './label-benchmark';
import type { PublishedLabelRow, PublishedValue } from './published-row';

/** What the report writers return: the records, the report's path and the figures' paths. */
export interface BenchmarkReport {
  readonly records: BenchmarkRecord[];
  readonly report: string;
  readonly figures: string[];
}

const TITLES: Record<LabelBenchmarkKind, string> = {
  slb: 'Supervised learning benchmark (SLB, Choi & Lee 2022 §5)',
  clb: 'Contrastive learning benchmark (CLB, Choi & Lee 2022 §5)',
};

/** The statistics of one bound (with its λ) over its seeds. */
interface BoundSummary {
  readonly label: string;
  readonly boundId: string;
  readonly lambda: number | null;
  readonly family: string;
  readonly regularized: boolean;
  readonly records: BenchmarkRecord[];
  /** Test MI per seed, negative clipped to 0, a diverged run counted as 0. */
  readonly mi: number[];
  readonly accuracy: number[];
}

/** Parameters that make runs comparable: everything but the bound, its λ and the seed. */
function settingKey(record: BenchmarkRecord): string {
  const {
    bound: _b,
    seed: _s,
    lambda: _l,
    boundId: _i,
    ...rest
  } = record.params as Record<string, unknown>;
  return stableStringify(rest);
}

/** Paper 004's convention: negative MI is clipped to 0; a diverged run (no finite estimate) is 0. */
export function clippedMI(record: BenchmarkRecord): number {
  const value = record.metrics['testMI'];
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : 0;
}

/** `mean ± half-width` of a 95% t interval over seeds (3 decimals, as Table 2 prints). */
export function intervalText(values: readonly number[], digits = 3): string {
  if (values.length === 0) return '–';
  const { mean, halfWidth } = meanInterval(values);
  if (!Number.isFinite(halfWidth)) return `${mean.toFixed(digits)} (1 seed)`;
  return `${mean.toFixed(digits)} ± ${halfWidth.toFixed(digits)}`;
}

/** `a` when every value is a, else `min–max` (tensor counts and RSS over a bound's seeds). */
export function valueRange(values: readonly number[]): string {
  if (values.length === 0) return '–';
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return low === high ? String(low) : `${low}–${high}`;
}

function publishedText(value: PublishedValue | undefined): string {
  return value === undefined ? '–' : `${value[0].toFixed(3)} ± ${value[1].toFixed(3)}`;
}

function summarize(records: readonly BenchmarkRecord[]): BoundSummary[] {
  const byLabel = new Map<string, BenchmarkRecord[]>();
  for (const record of records) {
    const label = String(record.params['bound']);
    byLabel.set(label, [...(byLabel.get(label) ?? []), record]);
  }
  return [...byLabel.entries()].map(([label, group]) => {
    const first = group[0] as BenchmarkRecord;
    const boundId = String(first.params['boundId'] ?? label.split(':')[0]);
    const lambda = typeof first.params['lambda'] === 'number' ? first.params['lambda'] : null;
    const sorted = [...group].sort((a, b) => Number(a.params['seed']) - Number(b.params['seed']));
    return {
      label,
      boundId,
      lambda,
      ...boundFamily(boundId, label),
      records: sorted,
      mi: sorted.map(clippedMI),
      accuracy: sorted
        .map((r) => r.metrics['accuracy'])
        .filter((a): a is number => typeof a === 'number'),
    };
  });
}

const average = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Per family (row of Table 2): the original bound, and the regularised bound at the λ whose mean
 * test MI is closest to the ideal H(Y) — paper 004 §5.2 keeps "the regularization weight λ that
 * shows the best MI estimation results".
 */
function tableRows(summaries: readonly BoundSummary[], idealMI: number) {
  const families = [
    ...FAMILY_ORDER.filter((f) => summaries.some((s) => s.family === f)),
    ...new Set(
      summaries
        .map((s) => s.family)
        .filter((f) => !(FAMILY_ORDER as readonly string[]).includes(f)),
    ),
  ];
  return families.map((family) => {
    const members = summaries.filter((s) => s.family === family);
    const original = members.find((s) => !s.regularized);
    const regularizedMembers = members.filter((s) => s.regularized);
    // The bound with its own options and only λ chosen; other readings of it (rejs with the
    // DV-family distance) are candidates only when the folder has no run of the bound itself.
    const ownOptions = regularizedMembers.filter((s) => ablationSeries(s.label) === s.boundId);
    const regularized = (ownOptions.length > 0 ? ownOptions : regularizedMembers).sort(
      (a, b) => Math.abs(average(a.mi) - idealMI) - Math.abs(average(b.mi) - idealMI),
    )[0];
    return { family, original, regularized };
  });
}

/**
 * Writes `report.md` and the figures of every SLB or CLB record in the folder: per setting
 * (data set, critic, sizes), Table 2 of Choi & Lee laid out with our numbers and the published
 * (CIFAR) ones beside them, the details of every bound and λ (MI on the test pairs and on the
 * last training epoch, accuracy, divergence, time per step, tensors and RSS at the start and end
 * of each run), the training curves and, when several λ ran, the λ ablation (paper 004 Fig. 6).
 */
export async function writeLabelReport(
  folder: ResultsFolder,
  kind: LabelBenchmarkKind,
): Promise<BenchmarkReport> {
  const records = folder.all().filter((r) => r.benchmark === kind);
  const lines: string[] = [`# ${TITLES[kind]}`, ''];
  const figures: string[] = [];
  if (records.length === 0) lines.push('No finished runs yet.');
  const settings = new Map<string, BenchmarkRecord[]>();
  for (const record of records) {
    const key = settingKey(record);
    settings.set(key, [...(settings.get(key) ?? []), record]);
  }
  let index = 0;
  for (const group of settings.values()) {
    index += 1;
    const first = group[0] as BenchmarkRecord;
    const p = first.params;
    const idealMI = Number(first.metrics['idealMI']);
    const perfect = Number(first.metrics['perfectClassifierMI']);
    const backends = [...new Set(group.map((r) => r.environment['backend']))].join(', ');
    const summaries = summarize(group);
    lines.push(
      `## ${String(p['dataset'])}${p['labels'] ? ` (${String(p['labels'])} labels)` : ''}, critic ${String(p['critic'])}`,
      '',
      `Batch size ${p['batchSize']}, ${p['epochs']} epoch(s), Adam ${p['learningRate']}, ${p['trainSize']} training and ${p['testSize']} test images${Number(p['pool']) > 1 ? `, pooled ×${p['pool']}` : ''}${p['augment'] && p['augment'] !== 'none' ? `, augmented views (${p['augment']})` : ''}; backend ${backends}.`,
      '',
      `Ideal MI H(Y) = ${idealMI.toFixed(3)} nats (entropy of the training labels' counts; Theorems 7–8). ` +
        `A perfect classifier scores ${perfect.toFixed(3)} nats at n = ${p['batchSize']} with in-batch negatives ` +
        '(log n − E[log(batch items sharing the label)]): the most any bound can show on these score matrices.',
      '',
      'MI is the bound on the test pairs (chunks of the batch size, final weights). As in paper 004 Table 2, ' +
        'negative MI estimates are clipped to 0, and a run whose estimate is not finite (diverged) counts as 0. ' +
        'Intervals: mean ± 95% Student-t half-width over seeds.',
      '',
    );
    const rows = tableRows(summaries, idealMI);
    const publishedDataset = p['dataset'] === 'cifar100' ? 'cifar100' : 'cifar10';
    const published = (kind === 'slb' ? PUBLISHED_SLB : PUBLISHED_CLB).filter(
      (r) => r.dataset === publishedDataset,
    );
    const publishedOf = (family: string): PublishedLabelRow | undefined =>
      published.find((r) => r.family === family);
    const lambdaNote = (s: BoundSummary | undefined) =>
      s?.lambda === null || s?.lambda === undefined ? '' : ` (λ = ${s.lambda})`;
    lines.push(
      markdownTable(
        [
          'loss',
          'MI original',
          'MI regularised',
          `MI original (paper, ${publishedDataset})`,
          `MI regularised (paper, ${publishedDataset})`,
          'accuracy original',
          'accuracy regularised',
          `accuracy original (paper)`,
          `accuracy regularised (paper)`,
        ],
        rows.map(({ family, original, regularized }) => {
          const paper = publishedOf(family);
          return [
            `${family} (${original?.label ?? '–'} / ${regularized?.label ?? '–'})`,
            original ? intervalText(original.mi) : '–',
            regularized ? `${intervalText(regularized.mi)}${lambdaNote(regularized)}` : '–',
            publishedText(paper?.mi.original),
            publishedText(paper?.mi.regularized),
            original ? intervalText(original.accuracy) : '–',
            regularized ? intervalText(regularized.accuracy) : '–',
            publishedText(paper?.accuracy.original),
            publishedText(paper?.accuracy.regularized),
          ];
        }),
      ),
      '',
      `The published columns are paper 004's Table 2 numbers for ${publishedDataset === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} (ResNet-18, 5 runs)` +
        (p['dataset'] === 'mnist'
          ? ': CIFAR numbers beside an MNIST run (same H(Y) ≈ log 10), for the shape of the comparison only.'
          : '.'),
      '',
      '### Every bound',
      '',
      markdownTable(
        [
          'bound',
          'λ',
          'seeds',
          'test MI (clipped)',
          'test MI (raw mean)',
          'last-epoch training MI',
          'accuracy',
          'diverged',
          'ms/step',
          'tensors start → end',
          'RSS MiB start → end',
        ],
        summaries.map((s) => {
          const raw = s.records
            .map((r) => r.metrics['testMI'])
            .filter((v): v is number => typeof v === 'number');
          const train = s.records
            .map((r) => r.metrics['trainMI'])
            .filter((v): v is number => typeof v === 'number');
          const metric = (key: string) =>
            s.records.map((r) => r.metrics[key]).filter((v): v is number => typeof v === 'number');
          const range = (key: string) => valueRange(metric(key));
          return [
            s.label,
            s.lambda === null ? '–' : String(s.lambda),
            String(s.records.length),
            intervalText(s.mi),
            raw.length === 0 ? '–' : formatNumber(average(raw)),
            train.length === 0 ? '–' : formatNumber(average(train)),
            intervalText(s.accuracy),
            String(metric('diverged').reduce((a, b) => a + b, 0)),
            formatNumber(average(metric('msPerStep'))),
            `${range('tensorsStart')} → ${range('tensorsEnd')}`,
            `${range('rssStartMiB')} → ${range('rssEndMiB')}`,
          ];
        }),
      ),
      '',
    );
    const curves = await trainingCurves(folder, summaries, idealMI, perfect);
    if (curves.length > 0) {
      const name = `${kind}-training-${index}`;
      const chart = stepChart({
        points: curves,
        title: `${kind.toUpperCase()} ${String(p['dataset'])}: per-batch training estimate (mean over seeds, trailing average)`,
        columns: 3,
        width: 260,
        height: 170,
      });
      // Bound labels with their λ are longer than the legend's default limit.
      const encoding = (chart['spec'] as { encoding: Record<string, Record<string, unknown>> })
        .encoding;
      encoding['color'] = { ...encoding['color'], legend: { labelLimit: 320 } };
      const written = await writeFigure(folder, name, chart);
      figures.push(written.svg, written.png);
      lines.push(`![training curves](${name}.svg)`, '');
    }
    const ablation = lambdaAblation(summaries);
    if (ablation !== undefined) {
      const name = `${kind}-lambda-${index}`;
      const written = await writeFigure(folder, name, ablation);
      figures.push(written.svg, written.png);
      lines.push(`![λ ablation](${name}.svg)`, '');
    }
  }
  const report = await folder.write('report.md', `${lines.join('\n')}\n`);
  return { records, report, figures };
}

/**
 * Each bound's per-batch estimate, averaged over seeds and then over a trailing window of 1/25 of
 * the run (an EMA of decay 0.99 lags a run of a few hundred steps by most of its length), one panel
 * per family, with H(Y) and the perfect-classifier value.
 */
async function trainingCurves(
  folder: ResultsFolder,
  summaries: readonly BoundSummary[],
  idealMI: number,
  perfect: number,
): Promise<StepPoint[]> {
  const points: StepPoint[] = [];
  const panels = new Set<string>();
  for (const summary of summaries) {
    const traces = (
      await Promise.all(summary.records.map((r) => folder.readTrace(r.runId)))
    ).filter((t) => t !== undefined && Array.isArray(t['step']));
    if (traces.length === 0) continue;
    const steps = traces[0]?.['step'] as number[];
    const mean = steps.map((_s, k) =>
      average(
        traces
          .map((t) => (t?.['estimate'] as number[] | undefined)?.[k])
          .filter((v): v is number => typeof v === 'number' && Number.isFinite(v)),
      ),
    );
    const window = Math.max(1, Math.round(steps.length / 25));
    const smooth = mean.map((_v, k) => average(mean.slice(Math.max(0, k - window + 1), k + 1)));
    points.push(...tracePoints(summary.family, steps, { [summary.label]: smooth }, 300));
    if (!panels.has(summary.family)) {
      panels.add(summary.family);
      points.push(
        ...tracePoints(summary.family, [steps[0] as number, steps.at(-1) as number], {
          'H(Y)': idealMI,
          'perfect classifier at n': perfect,
        }),
      );
    }
  }
  return points;
}

/**
 * The line of the λ ablation a bound spec belongs to: its label without λ, so the same bound with
 * other options (`rejs:distance=l2;target=-1` beside `rejs`) is a line of its own.
 */
export function ablationSeries(label: string): string {
  const { id, options } = parsePluginSpec(label, 'bound');
  const { lambda: _lambda, ...others } = options;
  return pluginSpecLabel(id, others);
}

/** Test MI and accuracy against λ for every regularised bound that ran with several λ. */
function lambdaAblation(summaries: readonly BoundSummary[]): VegaLiteSpec | undefined {
  const swept = summaries.filter((s) => s.regularized && s.lambda !== null);
  const seriesOf = new Map(swept.map((s) => [s, ablationSeries(s.label)]));
  const several = [...new Set(seriesOf.values())].filter(
    (series) =>
      new Set(swept.filter((s) => seriesOf.get(s) === series).map((s) => s.lambda)).size > 1,
  );
  if (several.length === 0) return undefined;
  const values = swept
    .filter((s) => several.includes(seriesOf.get(s) as string))
    .flatMap((s) =>
      (
        [
          ['MI (nats, clipped)', s.mi],
          ['test accuracy', s.accuracy],
        ] as const
      ).map(([metric, series]) => {
        const { mean, halfWidth } = meanInterval(series);
        const half = Number.isFinite(halfWidth) ? halfWidth : 0;
        return {
          bound: seriesOf.get(s),
          lambda: s.lambda,
          metric,
          mean,
          low: mean - half,
          high: mean + half,
        };
      }),
    );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 300,
      height: 200,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'lambda', type: 'quantitative', scale: { type: 'log' }, title: 'λ' },
            y: { field: 'mean', type: 'quantitative', title: null },
            color: { field: 'bound', type: 'nominal', title: null },
          },
        },
        {
          mark: { type: 'rule' },
          encoding: {
            x: { field: 'lambda', type: 'quantitative', scale: { type: 'log' } },
            y: { field: 'low', type: 'quantitative' },
            y2: { field: 'high' },
            color: { field: 'bound', type: 'nominal' },
          },
        },
      ],
    },
    title: 'Regularisation strength λ: test MI and accuracy (mean and 95% interval over seeds)',
  };
}
