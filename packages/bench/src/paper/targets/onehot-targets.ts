import type { BenchmarkRecord } from '@mi/spec';
import type { OnehotBenchmarkOptions } from '../../onehot/onehot-benchmark';
import { toPluginSpec } from '../../specs';
import { approximately, beyond, CLAIM_RULES, type ClaimRow, claimsTable } from '../claims';
import type { PaperPreset, PaperTarget } from '../paper-target';
import { perSeed, selectRecords } from '../records';

/** A one-hot sweep with every protocol option given, so records can be found by them. */
interface OnehotPart {
  readonly classes: number;
  readonly steps: number;
  readonly learningRate: number;
  readonly bounds: readonly string[];
  readonly driftBatchSizes: readonly number[];
  readonly sweepBatchSizes: readonly number[];
}

/** What a figure's claims are computed from. */
interface ClaimContext {
  readonly records: readonly BenchmarkRecord[];
  readonly seeds: readonly number[];
  /** The preset's sweeps, in the order the figure defines them. */
  readonly parts: readonly OnehotPart[];
}

/** One figure of the one-hot studies: its sweeps (paper and quick) and its claims. */
interface OnehotFigure {
  readonly id: string;
  readonly paper: 'ReMINE 2021 (000)' | 'Choi & Lee 2022 (004)';
  readonly artefact: string;
  readonly description: string;
  readonly cost: string;
  readonly notes?: readonly string[];
  readonly paperParts: readonly OnehotPart[];
  readonly quickParts: readonly OnehotPart[];
  claims(context: ClaimContext): ClaimRow[];
}

/** ReMINE §3.1: N = 16, the 32-256-1 critic, SGD 0.1. */
const PAPER = { classes: 16, learningRate: 0.1 } as const;
/** Quick: N = 4, 30 steps, batches of at most 8. */
const QUICK = { classes: 4, learningRate: 0.1, steps: 30 } as const;

const part = (
  base: { classes: number; learningRate: number },
  steps: number,
  bounds: readonly string[],
  driftBatchSizes: readonly number[],
  sweepBatchSizes: readonly number[] = [],
): OnehotPart => ({ ...base, steps, bounds, driftBatchSizes, sweepBatchSizes });

/** The per-seed values of a metric of one run of a part. */
function values(
  context: ClaimContext,
  part: OnehotPart,
  kind: 'drift' | 'sweep',
  bound: string,
  batchSize: number,
  metric: string | ((record: BenchmarkRecord) => number | null),
): (number | null)[] {
  const selected = selectRecords(context.records, 'onehot', {
    kind,
    bound: toPluginSpec(bound, 'bound').label,
    batchSize,
    steps: part.steps,
    classes: part.classes,
    learningRate: part.learningRate,
  });
  return perSeed(selected, context.seeds, metric);
}

const logN = (part: OnehotPart) => Math.log(part.classes);

/** The first sweep of a figure and its first drift batch size. */
function firstDrift(context: ClaimContext): { p: OnehotPart; n: number } {
  const p = context.parts[0] as OnehotPart;
  return { p, n: p.driftBatchSizes[0] as number };
}

/** |mean estimate − log N|, capped at 100; a diverged run counts as 100. */
const estimateError = (part: OnehotPart) => (record: BenchmarkRecord) => {
  const mean = record.metrics['meanEstimate'];
  return typeof mean === 'number' && Number.isFinite(mean)
    ? Math.min(100, Math.abs(mean - logN(part)))
    : 100;
};

/** The larger |output| of joint and non-joint pairs at the end; skipped (non-finite) steps count as 100. */
const outputMagnitude = (record: BenchmarkRecord) => {
  const m = record.metrics;
  if ((m['skippedSteps'] ?? 0) !== 0) return 100;
  const joint = m['finalJointOutput'];
  const other = m['finalNonJointOutput'];
  if (typeof joint !== 'number' || typeof other !== 'number') return 100;
  return Math.min(100, Math.max(Math.abs(joint), Math.abs(other)));
};

/** T on joint pairs minus T on non-joint pairs at the end (how well the critic separates them). */
const separation = (record: BenchmarkRecord) => {
  const joint = record.metrics['finalJointOutput'];
  const other = record.metrics['finalNonJointOutput'];
  return typeof joint === 'number' && typeof other === 'number' ? joint - other : null;
};

const absolute = (metric: string) => (record: BenchmarkRecord) => {
  const v = record.metrics[metric];
  return typeof v === 'number' ? Math.abs(v) : null;
};

/** log of a variance ratio between two runs, seed by seed. */
function logRatio(a: readonly (number | null)[], b: readonly (number | null)[]): (number | null)[] {
  return a.map((v, k) => {
    const w = b[k];
    return v == null || w == null || v <= 0 || w <= 0 ? null : Math.log(v / w);
  });
}

/** Claims that a DV loss at batch n estimates log N and that both its terms drift (or not). */
function driftClaims(
  context: ClaimContext,
  p: OnehotPart,
  figure: string,
  bound: string,
  name: string,
  n: number,
  drifts: boolean,
): ClaimRow[] {
  const threshold = drifts ? { above: 0.5 } : { below: 0.5 };
  return [
    approximately(
      {
        figure,
        paper: `${name}, n = ${n}: the estimate reaches log N`,
        measure: `mean estimate, last half, ${bound} n=${n}`,
        expected: `≈ ${Math.log(p.classes).toFixed(2)} (log ${p.classes})`,
      },
      values(context, p, 'drift', bound, n, 'meanEstimate'),
      logN(p),
    ),
    beyond(
      {
        figure,
        paper: `${name}: E_P[T] ${drifts ? 'drifts' : 'stays'} after the estimate settles`,
        measure: `|E_P[T] (last 10%) − E_P[T] (middle 10%)|, ${bound} n=${n}`,
      },
      values(context, p, 'drift', bound, n, absolute('jointTermDrift')),
      threshold,
    ),
    beyond(
      {
        figure,
        paper: `${name}: log E_Q[e^T] ${drifts ? 'drifts with it' : 'stays'}`,
        measure: `|log E_Q[e^T] (last 10%) − (middle 10%)|, ${bound} n=${n}`,
      },
      values(context, p, 'drift', bound, n, absolute('logPartitionDrift')),
      threshold,
    ),
  ];
}

/** The claim that the critic separates joint from non-joint pairs by more than log N. */
function separationClaim(
  context: ClaimContext,
  p: OnehotPart,
  figure: string,
  bound: string,
  name: string,
  n: number,
): ClaimRow {
  return beyond(
    {
      figure,
      paper: `${name}: outputs split into a joint and a non-joint cluster`,
      measure: `T(joint) − T(non-joint) at the end, ${bound} n=${n}`,
    },
    values(context, p, 'drift', bound, n, separation),
    { above: logN(p) },
  );
}

/** The claim that training fails (estimate off by more than 0.5 nats, or diverged). */
function failsClaim(
  context: ClaimContext,
  p: OnehotPart,
  figure: string,
  bound: string,
  name: string,
  n: number,
  kind: 'drift' | 'sweep' = 'drift',
): ClaimRow {
  return beyond(
    {
      figure,
      paper: `${name}, n = ${n}: no meaningful estimate`,
      measure: `|mean estimate − log N| (diverged = 100), ${bound} n=${n}`,
    },
    values(context, p, kind, bound, n, estimateError(p)),
    { above: 0.5 },
  );
}

/** The claim that outputs explode (or, with `bounded`, stay within ±10). */
function explosionClaim(
  context: ClaimContext,
  p: OnehotPart,
  figure: string,
  bound: string,
  name: string,
  n: number,
  bounded: boolean,
): ClaimRow {
  return beyond(
    {
      figure,
      paper: `${name}, n = ${n}: outputs ${bounded ? 'stay bounded' : 'explode'}`,
      measure: `max |T| of joint, non-joint pairs at the end (non-finite = 100), ${bound} n=${n}`,
    },
    values(context, p, 'drift', bound, n, outputMagnitude),
    bounded ? { below: 10 } : { above: 10 },
  );
}

/**
 * The bounds the figures train, each with the papers' marginal samples: n per batch (y shuffled
 * against x), which `marginals=shifted` draws as the pairs (x_i, y_{(i+1) mod n}). With all
 * n(n − 1) off-diagonal pairs the gradient is far less noisy and the drift and explosion the
 * figures show do not appear. MINE is `dv`: neither paper's experiments use the moving-average
 * gradient (Choi & Lee 2022 Table 1: "no gradient moving average"; ReMINE §3.2 names the EMA only
 * as a remedy).
 */
const DV = 'dv:marginals=shifted';
const NWJ = 'nwj:marginals=shifted';
const REMINE = 'remine:marginals=shifted';
const RENWJ = 'renwj:marginals=shifted';
const remineWith = (lambda: number) => `remine:lambda=${lambda};marginals=shifted`;

/** The protocol line every one-hot target prints. */
const MARGINALS_NOTE = "marginals: n shifted pairs per batch as the papers' shuffled samples";

/** Fig. 4 of both papers: ReMINE's log-partition term settles at each C. */
const C_VALUES = [-2, 0, 2, 4];
const remineAt = (c: number, lambda: number) =>
  `remine:lambda=${lambda};marginals=shifted;target=${c}`;

function targetClaims(
  context: ClaimContext,
  p: OnehotPart,
  figure: string,
  lambda: number,
): ClaimRow[] {
  const n = p.driftBatchSizes[0] as number;
  return C_VALUES.flatMap((c) => [
    approximately(
      {
        figure,
        paper: `ReMINE (λ = ${lambda}, C = ${c}): log E_Q[e^T] settles at C`,
        measure: `log E_Q[e^T] at the end, n=${n}`,
      },
      values(context, p, 'drift', remineAt(c, lambda), n, 'finalLogPartition'),
      c,
    ),
    approximately(
      {
        figure,
        paper: `ReMINE (C = ${c}): the estimate is still log N`,
        measure: `mean estimate, last half, n=${n}`,
      },
      values(context, p, 'drift', remineAt(c, lambda), n, 'meanEstimate'),
      logN(p),
    ),
  ]);
}

/** ReMINE Fig. 4 and Choi & Lee Fig. 4: ReMINE (λ = 0.1) for 1500 steps at batch 100, each C. */
const TARGET_SWEEP = {
  paperParts: [
    part(
      PAPER,
      1500,
      C_VALUES.map((c) => remineAt(c, 0.1)),
      [100],
    ),
  ],
  quickParts: [
    part(
      QUICK,
      QUICK.steps,
      C_VALUES.map((c) => remineAt(c, 0.1)),
      [8],
    ),
  ],
} as const;

/** Choi & Lee Figs. 1–2: I_MINE (DV) and I_NWJ at batch 100 for 3000 steps. */
const DRIFT_SWEEP = {
  paperParts: [part(PAPER, 3000, [DV, NWJ], [100])],
  quickParts: [part(QUICK, QUICK.steps, [DV, NWJ], [8])],
} as const;

const FIGURES: readonly OnehotFigure[] = [
  {
    id: '000-fig1',
    paper: 'ReMINE 2021 (000)',
    artefact: 'Fig. 1',
    description:
      'MINE on one-hot U(1, 16), 3000 SGD steps at batch 100 (a, b: the DV terms drift in parallel, outputs split in two clusters) and batch 10 (c, d: the estimate fails, outputs explode).',
    cost: '6 runs of 3000 steps (2 batch sizes × 3 seeds), tiny critic: ≈ 5 min',
    notes: [
      'MINE is the DV bound without the moving-average gradient (`dv`): ReMINE §3.2 mentions the EMA only as a remedy, and Choi & Lee 2022 Table 1 sets I_MINE with no gradient moving average.',
    ],
    paperParts: [part(PAPER, 3000, [DV], [100, 10])],
    quickParts: [part(QUICK, QUICK.steps, [DV], [8, 4])],
    claims(context) {
      const p = context.parts[0] as OnehotPart;
      const [large, small] = p.driftBatchSizes as [number, number];
      return [
        ...driftClaims(context, p, 'Fig. 1a', DV, 'MINE', large, true),
        separationClaim(context, p, 'Fig. 1b', DV, 'MINE', large),
        failsClaim(context, p, 'Fig. 1c', DV, 'MINE', small),
        explosionClaim(context, p, 'Fig. 1d', DV, 'MINE', small, false),
      ];
    },
  },
  {
    id: '000-fig2',
    paper: 'ReMINE 2021 (000)',
    artefact: 'Fig. 2',
    description:
      'MINE at batch sizes 100, 200, 400, 800: (a) histograms of the estimate over the final 1000 batches, narrower as the batch grows; (b) histograms of the outputs at several steps, a joint and a non-joint cluster.',
    cost: '12 runs of 3000 steps (4 batch sizes × 3 seeds); n = 800 scores 640 000 pairs a step: ≈ 1.5 h (94 min measured)',
    notes: ['MINE is the DV bound without the moving-average gradient (`dv`), as in 000-fig1.'],
    paperParts: [part(PAPER, 3000, [DV], [100, 200, 400, 800])],
    quickParts: [part(QUICK, QUICK.steps, [DV], [4, 8])],
    claims(context) {
      const p = context.parts[0] as OnehotPart;
      const sizes = p.driftBatchSizes;
      const first = sizes[0] as number;
      const last = sizes.at(-1) as number;
      return [
        beyond(
          {
            figure: 'Fig. 2a',
            paper: 'a larger batch gives a narrower histogram of the estimate',
            measure: `log(variance at n=${last} / variance at n=${first}), last half`,
          },
          logRatio(
            values(context, p, 'drift', DV, last, 'varianceEstimate'),
            values(context, p, 'drift', DV, first, 'varianceEstimate'),
          ),
          { below: 0 },
        ),
        ...sizes.map((n) =>
          approximately(
            {
              figure: 'Fig. 2a',
              paper: `MINE, n = ${n}: estimates centred on log N`,
              measure: `mean estimate, last half, n=${n}`,
            },
            values(context, p, 'drift', DV, n, 'meanEstimate'),
            logN(p),
          ),
        ),
        separationClaim(context, p, 'Fig. 2b', DV, 'MINE', first),
      ];
    },
  },
  {
    id: '000-fig4',
    paper: 'ReMINE 2021 (000)',
    artefact: 'Fig. 4',
    description:
      'ReMINE (λ = 0.1) for 1500 steps at batch 100 with C = −2, 0, 2, 4: (a) log E_Q[e^T] settles at C and the estimate at log N; (b) with C = 0 the joint output goes to log N and the non-joint output to −∞.',
    cost: '12 runs of 1500 steps (4 Cs × 3 seeds): ≈ 5 min',
    notes: ['The paper does not list its values of C; we use −2, 0, 2, 4.'],
    ...TARGET_SWEEP,
    claims(context) {
      const { p, n } = firstDrift(context);
      return [
        ...targetClaims(context, p, 'Fig. 4a', 0.1),
        approximately(
          {
            figure: 'Fig. 4b',
            paper: 'C = 0: the joint output j → log N + C',
            measure: `T(joint) at the end, n=${n}`,
          },
          values(context, p, 'drift', remineAt(0, 0.1), n, 'finalJointOutput'),
          logN(p),
        ),
        beyond(
          {
            figure: 'Fig. 4b',
            paper: 'C = 0: e^{j̄} → 0 for non-joint pairs',
            measure: `T(non-joint) at the end, n=${n} (e^{−2.3} = 0.1)`,
          },
          values(context, p, 'drift', remineAt(0, 0.1), n, 'finalNonJointOutput'),
          { below: -2.3 },
        ),
      ];
    },
  },
  {
    id: '000-fig8',
    paper: 'ReMINE 2021 (000)',
    artefact: 'Fig. 8',
    description:
      'Small batches: (a) ReMINE with λ = 0.01 drives j → 0 and j̄ → −1/(2λ) = −50; (b) MINE fails; (c) the estimate against the batch size for several λ: regularisation lowers the variance at large batches and fails at the smallest.',
    cost: '6 drift runs of 5000 steps and 84 sweep runs of 3000 steps (4 bounds × 7 batch sizes × 3 seeds): ≈ 1 h',
    notes: [
      'The paper uses batch size 1 for (a) and (b); here the marginal pairs of a batch are its n shifted pairs (x_i, y_{(i+1) mod n}), and at n = 1 the only such pair is the joint pair, so the smallest batch is 2 (two marginal pairs): n = 2 stands in for n = 1, and the paper’s j → 0, j̄ → −50 are its batch-1 analysis.',
      'The paper does not list the λs of (c); we use 0.01, 0.1 and 1 beside MINE.',
      'MINE is the DV bound without the moving-average gradient (`dv`), as in 000-fig1.',
    ],
    paperParts: [
      part(PAPER, 5000, [remineWith(0.01), DV], [2]),
      part(
        PAPER,
        3000,
        [DV, remineWith(0.01), remineWith(0.1), remineWith(1)],
        [],
        [2, 4, 8, 16, 32, 64, 100],
      ),
    ],
    quickParts: [
      part(QUICK, QUICK.steps, [remineWith(0.01), DV], [2]),
      part(QUICK, QUICK.steps, [DV, remineWith(0.01), remineWith(0.1), remineWith(1)], [], [2, 8]),
    ],
    claims(context) {
      const [drift, sweep] = context.parts as [OnehotPart, OnehotPart];
      const n = drift.driftBatchSizes[0] as number;
      const large = sweep.sweepBatchSizes.at(-1) as number;
      const small = sweep.sweepBatchSizes[0] as number;
      const lambdas = sweep.bounds.filter((b) => b !== DV);
      return [
        approximately(
          {
            figure: 'Fig. 8a',
            paper: 'ReMINE λ = 0.01, batch 1: joint output j → 0',
            measure: `T(joint) at the end, n=${n}`,
          },
          values(context, drift, 'drift', remineWith(0.01), n, 'finalJointOutput'),
          0,
        ),
        approximately(
          {
            figure: 'Fig. 8a',
            paper: 'ReMINE λ = 0.01, batch 1: non-joint output j̄ → −1/(2λ)',
            measure: `T(non-joint) at the end, n=${n}`,
          },
          values(context, drift, 'drift', remineWith(0.01), n, 'finalNonJointOutput'),
          -50,
        ),
        failsClaim(context, drift, 'Fig. 8b', DV, 'MINE', n),
        ...lambdas.map((bound) =>
          beyond(
            {
              figure: 'Fig. 8c',
              paper: `${bound}: less variance than MINE at a large batch`,
              measure: `log(variance ${bound} / variance MINE), n=${large}`,
            },
            logRatio(
              values(context, sweep, 'sweep', bound, large, 'varianceEstimate'),
              values(context, sweep, 'sweep', DV, large, 'varianceEstimate'),
            ),
            { below: 0 },
          ),
        ),
        failsClaim(context, sweep, 'Fig. 8c', remineWith(0.01), 'ReMINE λ = 0.01', small, 'sweep'),
      ];
    },
  },
  {
    id: '004-fig1',
    paper: 'Choi & Lee 2022 (004)',
    artefact: 'Fig. 1',
    description:
      'I_MINE (no moving average, Table 1) and I_NWJ at batch 100 for 3000 steps: the two DV terms of MINE drift in parallel, NWJ’s (self-normalised) do not; both estimate log N.',
    cost: '6 runs of 3000 steps (2 losses × 3 seeds): ≈ 5 min',
    notes: [
      'I_MINE is the DV bound without the moving-average gradient (`dv`), as the paper’s Table 1 sets it.',
    ],
    ...DRIFT_SWEEP,
    claims(context) {
      const { p, n } = firstDrift(context);
      return [
        ...driftClaims(context, p, 'Fig. 1', DV, 'MINE', n, true),
        ...driftClaims(context, p, 'Fig. 1', NWJ, 'NWJ', n, false),
      ];
    },
  },
  {
    id: '004-fig2',
    paper: 'Choi & Lee 2022 (004)',
    artefact: 'Fig. 2',
    description:
      'The outputs of Fig. 1’s runs on joint and non-joint pairs: T isolates the joint pairs (the same runs as 004-fig1: one --out serves both).',
    cost: 'the runs of 004-fig1 (≈ 5 min)',
    ...DRIFT_SWEEP,
    claims(context) {
      const { p, n } = firstDrift(context);
      return [
        separationClaim(context, p, 'Fig. 2', DV, 'MINE', n),
        separationClaim(context, p, 'Fig. 2', NWJ, 'NWJ', n),
      ];
    },
  },
  {
    id: '004-fig3',
    paper: 'Choi & Lee 2022 (004)',
    artefact: 'Fig. 3',
    description:
      'I_MINE and I_NWJ at batch 32 for 3000 steps: both estimates diverge and NWJ’s outputs explode.',
    cost: '6 runs of 3000 steps: ≈ 5 min',
    notes: [
      'The paper’s caption says 3000 iterations but also shows an "empty plot after 23k iterations", so its run was longer; we keep 3000 steps.',
    ],
    paperParts: [part(PAPER, 3000, [DV, NWJ], [32])],
    quickParts: [part(QUICK, QUICK.steps, [DV, NWJ], [4])],
    claims(context) {
      const { p, n } = firstDrift(context);
      return [
        failsClaim(context, p, 'Fig. 3', DV, 'MINE', n),
        failsClaim(context, p, 'Fig. 3', NWJ, 'NWJ', n),
        explosionClaim(context, p, 'Fig. 3', NWJ, 'NWJ', n, false),
      ];
    },
  },
  {
    id: '004-fig4',
    paper: 'Choi & Lee 2022 (004)',
    artefact: 'Fig. 4',
    description:
      'I_ReMINE at batch 100 for 1500 steps with several C*: the second term settles at C* (the runs of 000-fig4).',
    cost: 'the runs of 000-fig4 (≈ 5 min)',
    notes: [
      'The paper states neither λ nor its C*s; we use ReMINE’s Fig. 4 setting, λ = 0.1 and C = −2, 0, 2, 4 (the same runs as 000-fig4).',
    ],
    ...TARGET_SWEEP,
    claims(context) {
      return targetClaims(context, context.parts[0] as OnehotPart, 'Fig. 4', 0.1);
    },
  },
  {
    id: '004-fig5',
    paper: 'Choi & Lee 2022 (004)',
    artefact: 'Fig. 5',
    description:
      'I_ReMINE and I_ReNWJ (λ = 1) at batch 32 for 3000 steps, Fig. 3’s setting: no drift, no explosion.',
    cost: '6 runs of 3000 steps: ≈ 5 min',
    notes: ['The paper does not state λ for this figure; we use λ = 1, the value of its §5.3.'],
    paperParts: [part(PAPER, 3000, [REMINE, RENWJ], [32])],
    quickParts: [part(QUICK, QUICK.steps, [REMINE, RENWJ], [4])],
    claims(context) {
      const { p, n } = firstDrift(context);
      return [REMINE, RENWJ].flatMap((bound) => {
        const name = bound === REMINE ? 'ReMINE' : 'ReNWJ';
        return [
          explosionClaim(context, p, 'Fig. 5', bound, name, n, true),
          beyond(
            {
              figure: 'Fig. 5',
              paper: `${name}, n = ${n}: the estimate is meaningful again`,
              measure: `|mean estimate − log N| (diverged = 100), ${bound} n=${n}`,
            },
            values(context, p, 'drift', bound, n, estimateError(p)),
            { below: 0.5 },
          ),
        ];
      });
    },
  },
];

function onehotTarget(figure: OnehotFigure): PaperTarget {
  const partsOf = (preset: PaperPreset) =>
    preset === 'quick' ? figure.quickParts : figure.paperParts;
  return {
    id: figure.id,
    paper: figure.paper,
    artefact: figure.artefact,
    description: figure.description,
    cost: figure.cost,
    protocolNotes: [
      'One-hot X ~ U(1, N) with Y = X, I = log N (N = 16); the critic concat(onehot x, onehot y) → 256 → 1 without a last bias; SGD, learning rate 0.1 (ReMINE §3.1). "Joint" outputs are those of pairs of the same class, wherever they sit.',
      MARGINALS_NOTE,
      'The papers make these points with figures: each row reads one statement as a number and says which threshold reads it.',
      ...(figure.notes ?? []),
    ],
    settings(preset, seeds) {
      const chosen = seeds ?? (preset === 'quick' ? [1, 2] : [1, 2, 3]);
      return {
        preset,
        seeds: chosen,
        parts: partsOf(preset).map((p) => ({
          benchmark: 'onehot' as const,
          options: { ...p, seeds: chosen } satisfies OnehotBenchmarkOptions,
        })),
      };
    },
    compare(records, context) {
      const rows = figure.claims({
        records,
        seeds: context.settings.seeds,
        parts: partsOf(context.settings.preset),
      });
      const { table, verdicts } = claimsTable(rows);
      return {
        sections: [{ title: `${figure.artefact}: what the figure shows, as numbers`, table }],
        rules: [...CLAIM_RULES],
        verdicts,
      };
    },
  };
}

/** The one-hot figures of ReMINE (000) and Choi & Lee (004), as paper targets. */
export const onehotTargets: readonly PaperTarget[] = FIGURES.map(onehotTarget);
