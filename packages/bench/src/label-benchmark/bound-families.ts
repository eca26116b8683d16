import { type PluginSpec, pluginSpecLabel } from '@mi/spec';
import { createBound, type ResolvedRegistries } from '../specs';

/**
 * Paper 004's six losses (Table 1) and the bound ids of `@mi/bounds` that realise them, original
 * and regularised. MINE is `dv`: Table 1 trains it without MINE's gradient moving average (the
 * `mine` id, with the average, counts as MINE too when asked for).
 */
const FAMILIES: Readonly<Record<string, { family: string; regularized: boolean }>> = {
  dv: { family: 'MINE', regularized: false },
  mine: { family: 'MINE', regularized: false },
  remine: { family: 'MINE', regularized: true },
  'smile-dv': { family: 'SMILE', regularized: false },
  smile: { family: 'SMILE', regularized: false },
  resmile: { family: 'SMILE', regularized: true },
  infonce: { family: 'InfoNCE', regularized: false },
  reinfonce: { family: 'InfoNCE', regularized: true },
  nwj: { family: 'NWJ', regularized: false },
  renwj: { family: 'NWJ', regularized: true },
  tuba: { family: 'TUBA', regularized: false },
  retuba: { family: 'TUBA', regularized: true },
  js: { family: 'JS', regularized: false },
  rejs: { family: 'JS', regularized: true },
};

/** The families in the order of paper 004's Table 2. */
export const FAMILY_ORDER = ['MINE', 'SMILE', 'InfoNCE', 'NWJ', 'TUBA', 'JS'] as const;

/**
 * Table 1 of Choi & Lee (2022), as bound specs: each loss, then its regularised counterpart.
 * SMILE clips at τ = 10 and is trained on the DV objective (`smile-dv`); ReNWJ and ReTUBA clip
 * their partition term at 10 and use the log-Euclidean distance; JS reports the NWJ value; TUBA's
 * baseline is a(y) = 1 — the defaults of those ids in `@mi/bounds`. λ is set per run (see
 * {@link expandLambdas}).
 */
export const TABLE1_BOUNDS = [
  'dv',
  'remine',
  'smile-dv:tau=10',
  'resmile',
  'infonce',
  'reinfonce',
  'nwj',
  'renwj',
  'tuba',
  'retuba',
  'js',
  'rejs',
] as const;

/** The row of Table 2 a bound belongs to, and whether it is the regularised column. */
export function boundFamily(
  boundId: string,
  label: string,
): { family: string; regularized: boolean } {
  return FAMILIES[boundId] ?? { family: label, regularized: false };
}

/** A bound spec of a run, with the λ it was given (`undefined` for bounds without a regulariser). */
export interface BoundRun {
  readonly spec: PluginSpec;
  readonly lambda: number | undefined;
}

/**
 * The runs of each bound spec: a bound whose created config has a regulariser weight `lambda` and
 * whose spec does not set it gets one run per λ of `lambdas` (paper 004 §5.2 picks the best of
 * λ ∈ {0.1, 0.01, 0.001} per loss; Fig. 6 sweeps λ); every other bound gets one run.
 */
export function expandLambdas(
  specs: readonly PluginSpec[],
  lambdas: readonly number[],
  registries: ResolvedRegistries,
): BoundRun[] {
  const runs: BoundRun[] = [];
  for (const spec of specs) {
    const config = createBound(registries.bounds, spec).config;
    const own = config['lambda'];
    if (typeof own !== 'number') {
      runs.push({ spec, lambda: undefined });
    } else if (spec.options['lambda'] !== undefined) {
      runs.push({ spec, lambda: own });
    } else {
      for (const lambda of lambdas) {
        const options = { ...spec.options, lambda };
        runs.push({
          spec: { id: spec.id, options, label: pluginSpecLabel(spec.id, options) },
          lambda,
        });
      }
    }
  }
  return runs;
}
