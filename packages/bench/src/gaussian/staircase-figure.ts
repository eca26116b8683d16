import type { BenchmarkRecord } from '@mi/spec';
import { thin, type VegaLiteSpec } from '../figures/render-figure';
import type { ResultsFolder } from '../records/results-folder';
import type { StaircaseTable } from './gaussian-report';

/**
 * The estimate-vs-step figure of Song & Ermon (2020, Fig. 1): one panel per bound, the raw
 * per-step estimates light, their EMA dark, the true MI as a staircase and the bound's ceiling
 * (InfoNCE's log n) dashed. Uses the first seed of each bound.
 */
export async function estimateFigure(
  folder: ResultsFolder,
  records: readonly BenchmarkRecord[],
  table: StaircaseTable,
): Promise<VegaLiteSpec | undefined> {
  const points: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    const bound = String(record.params['bound']);
    if (seen.has(bound)) continue;
    const trace = await folder.readTrace(record.runId);
    if (!trace) continue;
    seen.add(bound);
    const steps = trace['step'] as number[];
    const estimate = trace['estimate'] as number[];
    const ema = trace['ema'] as number[];
    const truth = trace['trueMI'] as number[];
    const ceiling = trace['ceiling'];
    const indices = thin([...steps.keys()], 1500);
    for (const k of indices) {
      const step = steps[k] as number;
      // Clamp wild values so one exploding bound does not flatten every panel.
      const clamp = (v: number) => Math.max(-5, Math.min(table.levels.at(-1)! * 2, v));
      points.push({ bound, step, series: 'estimate', value: clamp(estimate[k] as number) });
      points.push({ bound, step, series: 'EMA', value: clamp(ema[k] as number) });
      points.push({ bound, step, series: 'true MI', value: truth[k] });
      if (typeof ceiling === 'number' && Number.isFinite(ceiling))
        points.push({ bound, step, series: 'ceiling', value: ceiling });
    }
  }
  if (points.length === 0) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: points },
    facet: { field: 'bound', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: 260,
      height: 180,
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'training step' },
        y: { field: 'value', type: 'quantitative', title: 'MI (nats)' },
        color: {
          field: 'series',
          type: 'nominal',
          scale: {
            domain: ['estimate', 'EMA', 'true MI', 'ceiling'],
            range: ['#9ecae1', '#08519c', '#000000', '#d62728'],
          },
          title: null,
        },
        strokeDash: {
          field: 'series',
          type: 'nominal',
          scale: {
            domain: ['estimate', 'EMA', 'true MI', 'ceiling'],
            range: [
              [1, 0],
              [1, 0],
              [1, 0],
              [4, 3],
            ],
          },
          legend: null,
        },
      },
    },
    title: `${table.task} staircase, ${table.critic} critic (${table.stepsPerLevel} steps per level)`,
  };
}
