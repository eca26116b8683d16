import type { ResultsFolder } from '../records/results-folder';

/** A Vega-Lite specification (kept loose: it is plain JSON handed to vega-lite). */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * Renders a Vega-Lite chart to SVG (vega's headless renderer) and PNG (resvg, at 2× scale), and
 * writes both into the results folder atomically. The libraries are loaded on first use, so
 * commands that draw nothing do not pay for them.
 */
export async function writeFigure(
  folder: ResultsFolder,
  name: string,
  spec: VegaLiteSpec,
): Promise<{ svg: string; png: string }> {
  const svg = await renderSvg(spec);
  const { Resvg } = await import('@resvg/resvg-js');
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true },
  })
    .render()
    .asPng();
  return {
    svg: await folder.write(`${name}.svg`, svg),
    png: await folder.write(`${name}.png`, png),
  };
}

/** Renders a Vega-Lite chart to an SVG string. */
async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** Keeps at most `limit` evenly spaced points of a long series (figures of 20 000-step runs). */
export function thin<T>(values: readonly T[], limit: number): T[] {
  if (values.length <= limit) return [...values];
  const stride = values.length / limit;
  const out: T[] = [];
  for (let k = 0; k < limit; k++) out.push(values[Math.floor(k * stride)] as T);
  out.push(values[values.length - 1] as T);
  return out;
}
