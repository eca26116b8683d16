/**
 * Published bias / variance / MSE on the 20-D Gaussian (or Cubic) staircase with the joint
 * critic, for the tables to print beside ours. Signs are converted to ours: bias = truth − mean
 * estimate (positive = under-estimate), except where {@link PublishedRow.biasUnsigned} says the
 * paper printed |truth − mean estimate|. Missing entries are `null` (in ReMINE's Table 1: omitted
 * because above 100).
 */
export interface PublishedRow {
  /** Where the numbers come from. */
  readonly source: string;
  /** `gaussian` (default) or `cubic`. */
  readonly task?: string;
  /**
   * The bound id and options they correspond to in this library, or, for the k-NN rows of
   * ReMINE's Table 1, the id of the `@mi/classical` estimator (`kl`, `mixed-ksg`).
   */
  readonly bound: string;
  readonly label: string;
  readonly bias?: readonly (number | null)[];
  /**
   * The paper printed the bias without its sign, as Song & Ermon's Table 2 does: all 60 of its
   * bias entries are ≥ 0, while the authors' own estimate-vs-step figure shows SMILE τ = 5 above
   * the truth at 6–10 nats by the table's magnitudes (evidence in docs/benchmarks/README.md).
   * Comparisons then use |bias|.
   */
  readonly biasUnsigned?: boolean;
  readonly variance?: readonly (number | null)[];
  readonly mse?: readonly (number | null)[];
}

const SE = 'S&E 2020 Tab. 2';
const RE = 'ReMINE 2021 Tab. 1';

// ReMINE's Table 1 reports bias as estimate − truth; negated here.
const negate = (values: readonly (number | null)[]) => values.map((v) => (v === null ? null : -v));

/** S&E 2020 Table 2 (joint critic), by task and estimator: bias, variance, MSE at 2, 4, 6, 8, 10 nats. */
const SONG_ERMON: readonly (readonly [string, string, string, number[], number[], number[]])[] = [
  [
    'gaussian',
    'infonce',
    'CPC',
    [0.25, 0.99, 2.31, 4.0, 5.89],
    [0.04, 0.04, 0.02, 0.01, 0.0],
    [0.1, 1.02, 5.33, 16.0, 34.66],
  ],
  [
    'gaussian',
    'nwj',
    'NWJ',
    [0.12, 0.3, 0.75, 2.3, 2.97],
    [0.06, 0.22, 1.36, 16.5, 99.0],
    [0.07, 0.32, 2.19, 33.37, 28.43],
  ],
  [
    'gaussian',
    'smile:tau=1',
    'SMILE (τ = 1)',
    [0.15, 0.3, 0.32, 0.18, 0.03],
    [0.05, 0.12, 0.2, 0.28, 0.34],
    [0.08, 0.21, 0.3, 0.32, 0.31],
  ],
  [
    'gaussian',
    'smile:tau=5',
    'SMILE (τ = 5)',
    [0.13, 0.11, 0.19, 0.54, 0.86],
    [0.05, 0.11, 0.19, 0.31, 0.51],
    [0.07, 0.13, 0.22, 0.57, 1.26],
  ],
  [
    'gaussian',
    'smile:tau=10',
    'SMILE (τ = 10)',
    [0.14, 0.21, 0.22, 0.11, 0.19],
    [0.05, 0.13, 0.31, 0.69, 1.35],
    [0.07, 0.18, 0.36, 0.67, 1.33],
  ],
  [
    'gaussian',
    'smile:tau=Infinity',
    'SMILE (τ = ∞)',
    [0.15, 0.21, 0.22, 0.12, 0.22],
    [0.05, 0.14, 0.36, 0.75, 1.54],
    [0.08, 0.19, 0.4, 0.76, 1.62],
  ],
  [
    'cubic',
    'infonce',
    'CPC',
    [0.72, 1.48, 2.63, 4.2, 5.99],
    [0.03, 0.04, 0.03, 0.01, 0.01],
    [0.55, 2.22, 6.95, 17.62, 35.91],
  ],
  [
    'cubic',
    'nwj',
    'NWJ',
    [0.66, 1.21, 2.04, 3.21, 4.7],
    [0.04, 0.1, 0.41, 0.93, 3.23],
    [0.47, 1.55, 4.56, 11.13, 27.0],
  ],
  [
    'cubic',
    'smile:tau=1',
    'SMILE (τ = 1)',
    [0.47, 0.77, 1.16, 1.64, 2.16],
    [0.04, 0.1, 0.14, 0.2, 0.3],
    [0.26, 0.69, 1.49, 2.9, 4.98],
  ],
  [
    'cubic',
    'smile:tau=5',
    'SMILE (τ = 5)',
    [0.71, 1.22, 1.55, 1.84, 2.16],
    [0.04, 0.07, 0.12, 0.18, 0.26],
    [0.54, 1.56, 2.53, 3.58, 4.92],
  ],
  [
    'cubic',
    'smile:tau=10',
    'SMILE (τ = 10)',
    [0.7, 1.28, 1.83, 2.44, 3.02],
    [0.03, 0.1, 0.21, 0.46, 0.79],
    [0.52, 1.75, 3.54, 6.41, 9.91],
  ],
  [
    'cubic',
    'smile:tau=Infinity',
    'SMILE (τ = ∞)',
    [0.71, 1.29, 1.82, 2.35, 2.81],
    [0.03, 0.12, 0.24, 0.65, 0.94],
    [0.54, 1.75, 3.55, 6.09, 8.81],
  ],
];

type Cells = readonly (number | null)[];

/** ReMINE 2021 Table 1 (App. 9), as printed: bias = estimate − truth; `null` = omitted (> 100). */
const REMINE: readonly (readonly [string, string, Cells, Cells, Cells])[] = [
  [
    'ccmi',
    'CCMI',
    [-0.65, -1.24, -2.55, -4.18, -6.0],
    [0.24, 0.03, 0.02, 0.01, 0.0],
    [0.67, 1.57, 6.54, 17.51, 35.95],
  ],
  [
    'infonce',
    'InfoNCE',
    [-0.3, -1.0, -2.31, -4.0, -5.89],
    [0.09, 0.03, 0.02, 0.01, 0.0],
    [0.17, 1.03, 5.33, 16.02, 34.68],
  ],
  [
    'js',
    'JS',
    [-0.57, -0.72, -0.94, -1.21, -1.61],
    [0.12, 0.1, 0.15, 0.22, 0.57],
    [0.45, 0.62, 1.03, 1.67, 3.17],
  ],
  [
    'kl',
    'KL',
    [-4.35, -5.25, -6.46, -7.52, -8.83],
    [0.0, 0.0, 0.0, 0.0, 0.0],
    [18.92, 27.54, 41.71, 56.56, 77.94],
  ],
  // The table's MINE is the DV bound without the moving-average gradient (our `dv`): as
  // Choi & Lee (paper 004) Table 1 defines I_MINE, and the only form whose runs explode as the
  // row does at 8–10 nats (`docs/benchmarks/README.md`, 000 Table 1).
  [
    'dv',
    'MINE',
    [-0.15, -0.24, 0.32, 33.81, null],
    [0.12, 0.27, 7.16, null, null],
    [0.14, 0.33, 7.27, null, null],
  ],
  [
    'mixed-ksg',
    'Mixed KSG',
    [-1.49, -2.99, -4.51, -6.08, -7.64],
    [0.0, 0.0, 0.0, 0.0, 0.0],
    [2.22, 8.93, 20.34, 36.98, 58.37],
  ],
  [
    'nwj',
    'NWJ',
    [-0.2, -0.36, -0.74, -1.47, -2.7],
    [0.15, 0.26, 1.54, 6.85, 23.42],
    [0.19, 0.39, 2.09, 9.01, 30.68],
  ],
  [
    'smile-dv:tau=10',
    'SMILE (τ = 10)',
    [-0.15, -0.26, null, null, null],
    [0.12, 0.26, null, null, null],
    [0.14, 0.33, null, null, null],
  ],
  [
    'smile:tau=10',
    'SMILE+JS (τ = 10)',
    [-0.19, -0.26, -0.34, -0.51, -0.74],
    [0.11, 0.12, 0.27, 0.53, 1.19],
    [0.15, 0.19, 0.39, 0.79, 1.74],
  ],
  [
    'tnce',
    'TNCE',
    [-0.19, -0.93, -2.26, -3.98, -5.88],
    [0.04, 0.03, 0.02, 0.01, 0.0],
    [0.08, 0.89, 5.14, 15.82, 34.55],
  ],
  [
    'tuba',
    'TUBA',
    [-0.17, -0.33, -0.74, -1.42, -2.85],
    [0.12, 0.21, 2.06, 21.97, 35.54],
    [0.14, 0.32, 2.6, 23.97, 43.67],
  ],
  [
    'interpolated:alpha=0.01',
    'Iα (α = 0.01)',
    [-0.16, -0.28, -0.53, -1.01, -1.91],
    [0.12, 0.16, 0.31, 0.38, 0.38],
    [0.14, 0.23, 0.6, 1.39, 4.03],
  ],
  [
    'remine',
    'ReMINE (C = 0, λ = 1)',
    [-0.16, -0.27, -0.49, -0.62, -0.51],
    [0.13, 0.15, 0.34, 0.69, 1.39],
    [0.15, 0.22, 0.58, 1.08, 1.65],
  ],
  [
    'remine:distance=l1',
    'ReMINE-L1 (C = 0, λ = 1)',
    [-0.25, -0.27, -0.33, 0.78, 40.44],
    [0.2, 0.14, 0.48, 4.44, null],
    [0.27, 0.21, 0.59, 5.06, null],
  ],
  [
    'remine-j',
    'ReMINE-J (C = 0, λ = 1)',
    [-0.16, -0.27, -0.49, -0.65, -0.56],
    [0.12, 0.13, 0.21, 0.29, 0.59],
    [0.15, 0.2, 0.45, 0.72, 0.9],
  ],
];

/** S&E 2020 Table 2, every row of both tasks, levels 2, 4, 6, 8, 10 nats (bias = |truth − estimate|). */
export const PUBLISHED_SONG_ERMON: readonly PublishedRow[] = SONG_ERMON.map(
  ([task, bound, label, bias, variance, mse]) => ({
    source: SE,
    task,
    bound,
    label,
    bias,
    biasUnsigned: true,
    variance,
    mse,
  }),
);

/** ReMINE 2021 Table 1, every row, levels 2, 4, 6, 8, 10 nats, bias converted to truth − estimate. */
export const PUBLISHED_REMINE: readonly PublishedRow[] = REMINE.map(
  ([bound, label, bias, variance, mse]) => ({
    source: RE,
    task: 'gaussian',
    bound,
    label,
    bias: negate(bias),
    variance,
    mse,
  }),
);

/** Every published staircase row: S&E Table 2 (both tasks) and ReMINE Table 1. */
export const PUBLISHED_STAIRCASE_JOINT: readonly PublishedRow[] = [
  ...PUBLISHED_SONG_ERMON,
  ...PUBLISHED_REMINE,
];
