import type { BenchmarkRecord } from '@mi/spec';
import { type VegaLiteSpec, writeFigure } from '../figures/render-figure';
import { type StepPoint, stepChart, tracePoints } from '../figures/step-chart';
import type { ResultsFolder } from '../records/results-folder';
import { formatNumber, markdownRow, markdownTable } from '../report/markdown';
import type { PeerRow } from './peer-results';
import { PUBLISHED_STAIRCASE_JOINT, type PublishedRow } from './published';

/** A statistic of the staircase tables. */
export type Stat = 'bias' | 'variance' | 'mse';
const STATS: readonly Stat[] = ['bias', 'variance', 'mse'];

/** One table row: a bound's statistic per level, averaged over its seeds. */
export interface StaircaseTableRow {
  readonly bound: string;
  readonly stat: Stat;
  readonly values: readonly (number | null)[];
  readonly seeds: number;
}

/** A table per (task, critic, protocol) group found in the folder. */
export interface StaircaseTable {
  readonly task: string;
  readonly critic: string;
  readonly stepsPerLevel: number;
  readonly levels: readonly number[];
  readonly window: string;
  readonly rows: readonly StaircaseTableRow[];
}

/** Groups the folder's Gaussian records and averages each bound's statistics over seeds. */
export function staircaseTables(records: readonly BenchmarkRecord[]): StaircaseTable[] {
  const groups = new Map<string, BenchmarkRecord[]>();
  for (const record of records) {
    if (record.benchmark !== 'gaussian') continue;
    const p = record.params;
    const key = JSON.stringify([
      p['task'],
      p['critic'],
      p['stepsPerLevel'],
      p['levels'],
      p['window'],
      p['dimension'],
      p['batchSize'],
    ]);
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!.params;
    const levels = first['levels'] as number[];
    const bounds = [...new Set(group.map((r) => String(r.params['bound'])))];
    const rows: StaircaseTableRow[] = [];
    for (const bound of bounds) {
      const runs = group.filter((r) => r.params['bound'] === bound);
      for (const stat of STATS) {
        rows.push({
          bound,
          stat,
          seeds: runs.length,
          values: levels.map((level) => {
            const values = runs
              .map((r) => r.metrics[`${stat}@${level}`])
              .filter((v): v is number => typeof v === 'number');
            return values.length === runs.length
              ? values.reduce((a, b) => a + b, 0) / values.length
              : null;
          }),
        });
      }
    }
    return {
      task: String(first['task']),
      critic: String(first['critic']),
      stepsPerLevel: Number(first['stepsPerLevel']),
      levels,
      window: String(first['window'] ?? 'last-half'),
      rows,
    };
  });
}

/** The markdown table of one group, with published rows of the same bound and statistic beside ours. */
export function staircaseMarkdown(
  table: StaircaseTable,
  published: readonly PublishedRow[] = PUBLISHED_STAIRCASE_JOINT,
  peers: readonly PeerRow[] = [],
): string {
  const lines = [markdownTable(['estimator', 'stat', ...table.levels.map((l) => `MI=${l}`)], [])];
  const comparable = table.critic === 'joint' && sameLevels(table.levels);
  const italic = (values: readonly (number | null)[]) => values.map((v) => `_${formatNumber(v)}_`);
  for (const row of table.rows) {
    lines.push(
      markdownRow([
        `${row.bound}${row.seeds > 1 ? ` (${row.seeds} seeds)` : ''}`,
        row.stat,
        ...row.values.map(formatNumber),
      ]),
    );
    // Another implementation under the same protocol (task, critic, steps per level, window).
    for (const peer of peers) {
      if (peer.bound !== row.bound || peer.task !== table.task || peer.critic !== table.critic)
        continue;
      if (peer.stepsPerLevel !== table.stepsPerLevel || table.window !== 'last-half') continue;
      lines.push(
        markdownRow([
          `_${peer.source}: ${peer.label}_`,
          `_${row.stat}_`,
          ...italic(peer[row.stat] ?? []),
        ]),
      );
    }
    if (!comparable) continue;
    for (const paper of published.filter(
      (p) =>
        p.bound === row.bound && (p.task ?? 'gaussian') === table.task && p[row.stat] !== undefined,
    )) {
      lines.push(
        markdownRow([
          `_${paper.source}: ${paper.label}_`,
          `_${row.stat === 'bias' && paper.biasUnsigned ? 'bias, printed unsigned' : row.stat}_`,
          ...italic(paper[row.stat]!),
        ]),
      );
    }
  }
  return lines.join('\n');
}

/**
 * The mean estimate per level (truth − bias) of each bound beside the true MI: the first thing a
 * reader wants from a staircase run.
 */
export function staircaseEstimatesMarkdown(table: StaircaseTable): string {
  return markdownTable(
    ['estimator', ...table.levels.map((l) => `MI=${l}`)],
    [
      ['true MI', ...table.levels.map((l) => formatNumber(l))],
      ...table.rows
        .filter((r) => r.stat === 'bias')
        .map((row) => [
          `${row.bound} (mean estimate)`,
          ...row.values.map((b, k) =>
            b === null ? '–' : formatNumber((table.levels[k] as number) - b),
          ),
        ]),
    ],
  );
}

function sameLevels(levels: readonly number[]): boolean {
  return levels.length === 5 && levels.every((l, i) => l === 2 * (i + 1));
}

/**
 * Writes `report.md` for every Gaussian/Cubic group in the folder, and the estimate-vs-step figure
 * of each group whose traces are present.
 */
export async function writeGaussianReport(
  folder: ResultsFolder,
  options: { readonly peers?: readonly PeerRow[] } = {},
) {
  const records = folder.all().filter((r) => r.benchmark === 'gaussian');
  const tables = staircaseTables(records);
  const sections: string[] = ['# Gaussian / Cubic staircase', ''];
  sections.push(
    "Bias = true MI − mean estimate (positive = under-estimate), variance = population variance of the per-step estimates, MSE = bias² + variance, in nats, over the stated window of each level; averaged over seeds. Published rows (italics) are converted to this sign convention (ReMINE reports estimate − truth); Song & Ermon's Table 2 prints the bias unsigned, |truth − estimate| (their code's own estimate-vs-step figure shows SMILE above the truth where the table prints positive values). Published numbers use the joint critic, 4000 steps per level. PyTorch reference rows (italics, when given with --compare) were measured by the team's reference implementation under the same protocol.",
    '',
  );
  const figures: string[] = [];
  for (const table of tables) {
    const name = `staircase-${table.task}-${fileNamePart(table.critic)}-${table.stepsPerLevel}`;
    sections.push(
      `## ${table.task}, ${table.critic} critic, ${table.stepsPerLevel} steps per level (window: ${table.window})`,
      '',
    );
    sections.push(staircaseMarkdown(table, PUBLISHED_STAIRCASE_JOINT, options.peers ?? []), '');
    const groupRecords = records.filter(
      (r) =>
        r.params['task'] === table.task &&
        r.params['critic'] === table.critic &&
        r.params['stepsPerLevel'] === table.stepsPerLevel,
    );
    const spec = await staircaseFigure(folder, groupRecords, table);
    if (spec) {
      const written = await writeFigure(folder, name, spec);
      figures.push(written.svg, written.png);
      sections.push(`![estimates](${name}.svg)`, '');
    }
  }
  const report = await folder.write('report.md', `${sections.join('\n')}\n`);
  return { tables, report, figures, records };
}

/** A critic label as part of a file name: `joint` stays, `joint:hiddenUnits=64,64` → `joint-hiddenUnits-64-64`. */
function fileNamePart(label: string): string {
  return label.replace(/[^A-Za-z0-9.-]+/g, '-');
}

/**
 * The estimate-vs-step figure of Song & Ermon (2020, Fig. 1): one panel per bound, the raw
 * per-step estimates light, their EMA dark, the true MI as a staircase and the bound's ceiling
 * (InfoNCE's log n) dashed. Uses the first seed of each bound.
 */
async function staircaseFigure(
  folder: ResultsFolder,
  records: readonly BenchmarkRecord[],
  table: StaircaseTable,
): Promise<VegaLiteSpec | undefined> {
  const points: StepPoint[] = [];
  const seen = new Set<string>();
  // Clamp wild values so one exploding bound does not flatten every panel.
  const clamp = (v: unknown) =>
    typeof v === 'number' ? Math.max(-5, Math.min(table.levels.at(-1)! * 2, v)) : v;
  for (const record of records) {
    const bound = String(record.params['bound']);
    if (seen.has(bound)) continue;
    const trace = await folder.readTrace(record.runId);
    if (!trace) continue;
    seen.add(bound);
    const series = (name: string) => trace[name] as number[];
    points.push(
      ...tracePoints(
        bound,
        series('step'),
        {
          estimate: series('estimate').map(clamp) as number[],
          EMA: series('ema').map(clamp) as number[],
          'true MI': series('trueMI'),
          ceiling: trace['ceiling'] as number,
        },
        1500,
      ),
    );
  }
  if (points.length === 0) return undefined;
  return stepChart({
    points,
    title: `${table.task} staircase, ${table.critic} critic (${table.stepsPerLevel} steps per level)`,
    columns: 3,
    width: 260,
    height: 180,
    series: [
      { name: 'estimate', color: '#9ecae1' },
      { name: 'EMA', color: '#08519c' },
      { name: 'true MI', color: '#000000' },
      { name: 'ceiling', color: '#d62728', dash: [4, 3] },
    ],
  });
}
