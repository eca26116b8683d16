import { thin, type VegaLiteSpec } from './render-figure';

/** One point of a step chart: the value of one series at one training step, in one panel. */
export interface StepPoint {
  readonly panel: string;
  readonly step: number;
  readonly series: string;
  readonly value: number;
}

/** A series of a trace: a value per step, or one value for every step (the true MI). */
export type TraceSeries = readonly (number | string | null)[] | number | string | undefined;

/**
 * The points of one run's trace in one panel, at most `limit` evenly spaced steps: for each kept
 * step, one point per series, in the order the series are given. Values that are not finite
 * numbers (a diverged step, a missing ceiling) are left out.
 */
export function tracePoints(
  panel: string,
  steps: readonly number[],
  series: Readonly<Record<string, TraceSeries>>,
  limit = Number.POSITIVE_INFINITY,
): StepPoint[] {
  const points: StepPoint[] = [];
  for (const k of thin([...steps.keys()], limit)) {
    const step = steps[k] as number;
    for (const [name, values] of Object.entries(series)) {
      const value = Array.isArray(values) ? values[k] : values;
      if (typeof value === 'number' && Number.isFinite(value))
        points.push({ panel, step, series: name, value });
    }
  }
  return points;
}

/** How one series is drawn, where a chart fixes it (the legend follows this order). */
export interface SeriesStyle {
  readonly name: string;
  readonly color: string;
  /** Stroke dash pattern, e.g. `[4, 3]`. Default solid. */
  readonly dash?: readonly number[];
}

/** Options of {@link stepChart}. */
export interface StepChartOptions {
  readonly points: readonly StepPoint[];
  readonly title: string;
  /** Panels per row. */
  readonly columns: number;
  /** Size of one panel, pixels. */
  readonly width: number;
  readonly height: number;
  /** Default `training step`. */
  readonly xTitle?: string;
  /** Default `MI (nats)`; `null` for none. */
  readonly yTitle?: string | null;
  /** Give each panel its own y scale. Default `false`. */
  readonly independentY?: boolean;
  /** Fixed colours and dashes; by default vega-lite's palette, solid lines. */
  readonly series?: readonly SeriesStyle[];
}

/**
 * The chart every benchmark draws from its traces: values against training steps, one panel per
 * group of runs (a bound, a task, a batch size), one line per series (raw estimate, its EMA, the
 * true MI, the bound's ceiling, the DV terms). A Vega-Lite specification for `writeFigure`.
 */
export function stepChart(options: StepChartOptions): VegaLiteSpec {
  const style = options.series;
  // Series names such as `mine-resampled (EMA)` outgrow vega-lite's default label width (160 px).
  const color: Record<string, unknown> = {
    field: 'series',
    type: 'nominal',
    title: null,
    legend: { labelLimit: 240 },
  };
  const encoding: Record<string, unknown> = {
    x: { field: 'step', type: 'quantitative', title: options.xTitle ?? 'training step' },
    y: {
      field: 'value',
      type: 'quantitative',
      title: options.yTitle === undefined ? 'MI (nats)' : options.yTitle,
    },
    color,
  };
  if (style) {
    const domain = style.map((s) => s.name);
    color['scale'] = { domain, range: style.map((s) => s.color) };
    encoding['strokeDash'] = {
      field: 'series',
      type: 'nominal',
      scale: { domain, range: style.map((s) => s.dash ?? [1, 0]) },
      legend: null,
    };
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: options.points },
    facet: { field: 'panel', type: 'nominal', title: null },
    columns: options.columns,
    spec: {
      width: options.width,
      height: options.height,
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding,
    },
    ...(options.independentY ? { resolve: { scale: { y: 'independent' } } } : {}),
    title: options.title,
  };
}
