import type { VegaLiteSpec } from './render-figure';

/** One point of a line chart: the value of one series at one x, in one panel. */
export interface LinePoint {
  readonly panel: string;
  readonly x: number;
  readonly series: string;
  readonly value: number;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly points: readonly LinePoint[];
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** Panels per row. Default 2. */
  readonly columns?: number;
  /** Size of one panel, pixels. Default 320 × 220. */
  readonly width?: number;
  readonly height?: number;
  /** Logarithmic axes (batch sizes, variances). Default linear. */
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Give each panel its own y scale. Default `false`. */
  readonly independentY?: boolean;
}

/**
 * Values against a parameter (not a training step): one line with points per series, one panel
 * per group (the estimate against ρ per dimension, the variance against the batch size per
 * bound). A Vega-Lite specification for `writeFigure`.
 */
export function lineChart(options: LineChartOptions): VegaLiteSpec {
  const axis = (log: boolean | undefined) => (log ? { scale: { type: 'log' } } : {});
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: options.points },
    facet: { field: 'panel', type: 'nominal', title: null },
    columns: options.columns ?? 2,
    spec: {
      width: options.width ?? 320,
      height: options.height ?? 220,
      mark: { type: 'line', point: true, strokeWidth: 1.2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: options.xTitle, ...axis(options.logX) },
        y: { field: 'value', type: 'quantitative', title: options.yTitle, ...axis(options.logY) },
        color: { field: 'series', type: 'nominal', title: null },
      },
    },
    ...(options.independentY ? { resolve: { scale: { y: 'independent' } } } : {}),
    title: options.title,
  };
}
