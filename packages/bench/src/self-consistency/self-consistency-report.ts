import type { BenchmarkRecord } from '@mi/spec';
import { type VegaLiteSpec, writeFigure } from '../figures/render-figure';
import { type BenchmarkReport, intervalText, valueRange } from '../label-benchmark/label-report';
import type { ResultsFolder } from '../records/results-folder';
import { stableStringify } from '../records/run-id';
import { formatNumber, markdownTable } from '../report/markdown';
import { meanInterval } from '../stats/bias-variance';

/** One point of a ratio curve: a test, a critic and bound, a t, over seeds. */
export interface RatioPoint {
  readonly test: 'independence' | 'data-processing' | 'additivity';
  readonly critic: string;
  readonly bound: string;
  readonly rows: number;
  /** One ratio per seed that has both of its runs. */
  readonly values: readonly number[];
}

const IDEAL: Record<RatioPoint['test'], number> = {
  independence: 1,
  'data-processing': 1,
  additivity: 2,
};

const TITLE: Record<RatioPoint['test'], string> = {
  independence: 'Î(X; Y_t) / Î(X; X): Y keeps the top t rows of X (Song & Ermon Fig. 4)',
  'data-processing': 'Î([X, X]; [Y, h(Y)]) / Î(X; Y), h keeps t − 3 rows: ideal 1 (Fig. 5)',
  additivity: 'Î([X₁, X₂]; [Y₁, Y₂]) / Î(X; Y), independent pairs: ideal 2 (Fig. 6)',
};

/** The parameters that make runs comparable: the data, sizes and training, not what varies. */
function settingKey(record: BenchmarkRecord): string {
  const p = record.params;
  return stableStringify({
    dataset: p['dataset'],
    imageHeight: p['imageHeight'],
    epochs: p['epochs'],
    batchSize: p['batchSize'],
    learningRate: p['learningRate'],
    trainSize: p['trainSize'],
    testSize: p['testSize'],
    pool: p['pool'],
  });
}

/**
 * The ratios of the three tests from estimate records of one setting: for each critic, bound, t
 * and seed, the run's test estimate divided by its denominator run of the same critic, bound and
 * seed — Î(X; X) (the top-rows run at t = image height) for independence, Î(X; Y_t) for data
 * processing and additivity. Seeds missing either run, or with a non-finite estimate, are left out.
 */
export function selfConsistencyRatios(records: readonly BenchmarkRecord[]): RatioPoint[] {
  const estimates = records.filter((r) => r.params['setting'] !== 'classifier');
  const key = (critic: unknown, bound: unknown, seed: unknown, setting: unknown, rows: unknown) =>
    `${critic}|${bound}|${seed}|${setting}|${rows}`;
  const value = new Map<string, number>();
  for (const r of estimates) {
    const estimate = r.metrics['estimate'];
    if (typeof estimate === 'number' && Number.isFinite(estimate)) {
      const p = r.params;
      value.set(key(p['critic'], p['bound'], p['seed'], p['setting'], p['rows']), estimate);
    }
  }
  const points = new Map<string, { point: Omit<RatioPoint, 'values'>; values: number[] }>();
  for (const r of estimates) {
    const p = r.params;
    const setting = p['setting'] as string;
    const rows = Number(p['rows']);
    const numerator = value.get(key(p['critic'], p['bound'], p['seed'], setting, rows));
    if (numerator === undefined) continue;
    const test: RatioPoint['test'] =
      setting === 'top-rows' ? 'independence' : (setting as RatioPoint['test']);
    const denominatorRows = setting === 'top-rows' ? Number(p['imageHeight']) : rows;
    const denominator = value.get(
      key(p['critic'], p['bound'], p['seed'], 'top-rows', denominatorRows),
    );
    if (denominator === undefined || denominator === 0) continue;
    const id = `${test}|${p['critic']}|${p['bound']}|${rows}`;
    const entry = points.get(id) ?? {
      point: { test, critic: String(p['critic']), bound: String(p['bound']), rows },
      values: [],
    };
    entry.values.push(numerator / denominator);
    points.set(id, entry);
  }
  return [...points.values()]
    .map(({ point, values }) => ({ ...point, values }))
    .sort(
      (a, b) =>
        a.test.localeCompare(b.test) ||
        a.critic.localeCompare(b.critic) ||
        a.bound.localeCompare(b.bound) ||
        a.rows - b.rows,
    );
}

/**
 * Writes `report.md` and one figure per test (like Song & Ermon Figs. 4–6: the mean ratio over
 * seeds against t, a band for the 95% t interval, a column per critic, the ideal value dotted, and
 * for the first test the reference classifier's accuracy from the top t rows), with tables of the
 * ratios, the raw estimates, and the time, tensor count and RSS of the runs.
 */
export async function writeSelfConsistencyReport(folder: ResultsFolder): Promise<BenchmarkReport> {
  const records = folder.all().filter((r) => r.benchmark === 'self-consistency');
  const lines: string[] = ['# Self-consistency tests (Song & Ermon 2020 §6.2, App. B.2)', ''];
  const figures: string[] = [];
  if (records.length === 0) lines.push('No finished runs yet.');
  const groups = new Map<string, BenchmarkRecord[]>();
  for (const record of records) {
    const k = settingKey(record);
    groups.set(k, [...(groups.get(k) ?? []), record]);
  }
  let index = 0;
  for (const group of groups.values()) {
    index += 1;
    const p = (group[0] as BenchmarkRecord).params;
    const backends = [...new Set(group.map((r) => r.environment['backend']))].join(', ');
    lines.push(
      `## ${String(p['dataset'])}: ${p['trainSize']} training and ${p['testSize']} test images${Number(p['pool']) > 1 ? ` pooled ×${p['pool']}` : ''}, ${p['epochs']} epoch(s), batch size ${p['batchSize']}, Adam ${p['learningRate']}; backend ${backends}`,
      '',
      'Each Î is the bound on the test pairs (chunks of the batch size, the trained critic). Ratios are ' +
        'formed per seed from runs of that seed, then shown as mean ± 95% Student-t half-width over seeds.',
      '',
    );
    const ratios = selfConsistencyRatios(group);
    const classifier = group.filter((r) => r.params['setting'] === 'classifier');
    const accuracyAt = new Map<number, number[]>();
    for (const r of classifier) {
      const accuracy = r.metrics['accuracy'];
      if (typeof accuracy !== 'number') continue;
      const t = Number(r.params['rows']);
      accuracyAt.set(t, [...(accuracyAt.get(t) ?? []), accuracy]);
    }
    for (const test of ['independence', 'data-processing', 'additivity'] as const) {
      const points = ratios.filter((r) => r.test === test);
      if (points.length === 0) continue;
      const ts = [...new Set(points.map((r) => r.rows))].sort((a, b) => a - b);
      const series = [...new Set(points.map((r) => `${r.critic}\u0000${r.bound}`))];
      const rows = series.map((name) => [
        ...name.split('\u0000'),
        ...ts.map((t) => {
          const point = points.find((r) => `${r.critic}\u0000${r.bound}` === name && r.rows === t);
          return point ? intervalText(point.values, 2) : '–';
        }),
      ]);
      if (test === 'independence' && accuracyAt.size > 0) {
        rows.push([
          'reference',
          'classifier accuracy from the top t rows',
          ...ts.map((t) => intervalText(accuracyAt.get(t) ?? [], 2)),
        ]);
      }
      lines.push(
        `### ${TITLE[test]}`,
        '',
        markdownTable(['critic', 'bound', ...ts.map((t) => `t = ${t}`)], rows),
        '',
      );
      const name = `self-consistency-${test}-${index}`;
      const written = await writeFigure(folder, name, ratioChart(test, points, accuracyAt));
      figures.push(written.svg, written.png);
      lines.push(`![${test}](${name}.svg)`, '');
    }
    lines.push('### Estimates and cost of every training', '', estimatesTable(group), '');
  }
  const report = await folder.write('report.md', `${lines.join('\n')}\n`);
  return { records, report, figures };
}

/** Raw test estimates (mean over seeds), time per step, tensors and RSS, per critic/bound/setting. */
function estimatesTable(group: readonly BenchmarkRecord[]): string {
  const byRun = new Map<string, BenchmarkRecord[]>();
  for (const r of group.filter((x) => x.params['setting'] !== 'classifier')) {
    const p = r.params;
    const k = [p['critic'], p['bound'], p['setting'], p['rows']].join('\u0000');
    byRun.set(k, [...(byRun.get(k) ?? []), r]);
  }
  const numbers = (rs: readonly BenchmarkRecord[], key: string) =>
    rs.map((r) => r.metrics[key]).filter((v): v is number => typeof v === 'number');
  return markdownTable(
    [
      'critic',
      'bound',
      'setting',
      't',
      'seeds',
      'Î (test)',
      'Î (training, last window)',
      'ms/step',
      'tensors start → end',
      'RSS MiB start → end',
    ],
    [...byRun.entries()].map(([name, rs]) => [
      ...name.split('\u0000'),
      String(rs.length),
      intervalText(numbers(rs, 'estimate'), 2),
      intervalText(numbers(rs, 'trainEstimate'), 2),
      formatNumber(meanOf(numbers(rs, 'msPerStep'))),
      `${valueRange(numbers(rs, 'tensorsStart'))} → ${valueRange(numbers(rs, 'tensorsEnd'))}`,
      `${valueRange(numbers(rs, 'rssStartMiB'))} → ${valueRange(numbers(rs, 'rssEndMiB'))}`,
    ]),
  );
}

function meanOf(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Mean ratio against t with its interval band, a column per critic, the ideal value dotted. */
function ratioChart(
  test: RatioPoint['test'],
  points: readonly RatioPoint[],
  accuracyAt: ReadonlyMap<number, readonly number[]>,
): VegaLiteSpec {
  const critics = [...new Set(points.map((p) => p.critic))];
  const band = (values: readonly number[]) => {
    const { mean, halfWidth } = meanInterval([...values]);
    const half = Number.isFinite(halfWidth) ? halfWidth : 0;
    return { mean, low: mean - half, high: mean + half };
  };
  const values = points.map((p) => ({
    critic: p.critic,
    series: p.bound,
    t: p.rows,
    ...band(p.values),
  }));
  if (test === 'independence') {
    for (const critic of critics) {
      for (const [t, accuracies] of accuracyAt) {
        values.push({ critic, series: 'classifier accuracy (reference)', t, ...band(accuracies) });
      }
    }
  }
  const x = { field: 't', type: 'quantitative', title: 'rows t' };
  const color = { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 320 } };
  const y = (field: string) => ({
    field,
    type: 'quantitative',
    title: 'ratio (mean, 95% interval)',
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { column: { field: 'critic', type: 'nominal', title: null } },
    spec: {
      width: 300,
      height: 220,
      layer: [
        {
          mark: { type: 'errorband', opacity: 0.2 },
          encoding: { x, y: y('low'), y2: { field: 'high' }, color },
        },
        {
          mark: { type: 'line', point: true },
          encoding: { x, y: y('mean'), color },
        },
        {
          mark: { type: 'rule', strokeDash: [4, 4], color: 'black' },
          encoding: { y: { datum: IDEAL[test] } },
        },
      ],
    },
    title: TITLE[test],
  };
}
