/**
 * Published bias / variance / MSE on the 20-D Gaussian staircase with the joint critic, for the
 * tables to print beside ours. Signs are converted to ours: bias = truth − mean estimate
 * (positive = under-estimate). Missing entries are `null` (not reported, or above 100 in the
 * source).
 */
export interface PublishedRow {
  /** Where the numbers come from. */
  readonly source: string;
  /** The bound id and options they correspond to in this library. */
  readonly bound: string;
  readonly label: string;
  readonly bias?: readonly (number | null)[];
  readonly variance?: readonly (number | null)[];
  readonly mse?: readonly (number | null)[];
}

const SE = 'S&E 2020 Tab. 2';
const RE = 'ReMINE 2021 Tab. 1';

// ReMINE's Table 1 reports bias as estimate − truth; negated here.
const negate = (values: readonly (number | null)[]) => values.map((v) => (v === null ? null : -v));

/** Levels 2, 4, 6, 8, 10 nats. */
export const PUBLISHED_GAUSSIAN_JOINT: readonly PublishedRow[] = [
  { source: SE, bound: 'infonce', label: 'CPC', bias: [0.25, 0.99, 2.31, 4.0, 5.89] },
  {
    source: SE,
    bound: 'nwj',
    label: 'NWJ',
    bias: [0.12, 0.3, 0.75, 2.3, 2.97],
    variance: [0.06, 0.22, 1.36, 16.5, 99.0],
  },
  {
    source: SE,
    bound: 'smile:tau=5',
    label: 'SMILE (τ = 5)',
    bias: [0.13, 0.11, 0.19, 0.54, 0.86],
    variance: [0.05, 0.11, 0.19, 0.31, 0.51],
  },
  {
    source: RE,
    bound: 'infonce',
    label: 'InfoNCE',
    bias: negate([-0.3, -1.0, -2.31, -4.0, -5.89]),
    variance: [0.09, 0.03, 0.02, 0.01, 0.0],
    mse: [0.17, 1.03, 5.33, 16.02, 34.68],
  },
  {
    source: RE,
    bound: 'js',
    label: 'JS',
    bias: negate([-0.57, -0.72, -0.94, -1.21, -1.61]),
    variance: [0.12, 0.1, 0.15, 0.22, 0.57],
    mse: [0.45, 0.62, 1.03, 1.67, 3.17],
  },
  {
    source: RE,
    bound: 'mine',
    label: 'MINE',
    bias: negate([-0.15, -0.24, 0.32, 33.81, null]),
    variance: [0.12, 0.27, 7.16, null, null],
    mse: [0.14, 0.33, 7.27, null, null],
  },
  {
    source: RE,
    bound: 'nwj',
    label: 'NWJ',
    bias: negate([-0.2, -0.36, -0.74, -1.47, -2.7]),
    variance: [0.15, 0.26, 1.54, 6.85, 23.42],
    mse: [0.19, 0.39, 2.09, 9.01, 30.68],
  },
  {
    source: RE,
    bound: 'smile-dv:tau=10',
    label: 'SMILE (τ = 10)',
    bias: negate([-0.15, -0.26, null, null, null]),
    variance: [0.12, 0.26, null, null, null],
    mse: [0.14, 0.33, null, null, null],
  },
  {
    source: RE,
    bound: 'smile:tau=10',
    label: 'SMILE+JS (τ = 10)',
    bias: negate([-0.19, -0.26, -0.34, -0.51, -0.74]),
    variance: [0.11, 0.12, 0.27, 0.53, 1.19],
    mse: [0.15, 0.19, 0.39, 0.79, 1.74],
  },
  {
    source: RE,
    bound: 'tuba',
    label: 'TUBA',
    bias: negate([-0.17, -0.33, -0.74, -1.42, -2.85]),
    variance: [0.12, 0.21, 2.06, 21.97, 35.54],
    mse: [0.14, 0.32, 2.6, 23.97, 43.67],
  },
  {
    source: RE,
    bound: 'interpolated',
    label: 'Iα (α = 0.01)',
    bias: negate([-0.16, -0.28, -0.53, -1.01, -1.91]),
    variance: [0.12, 0.16, 0.31, 0.38, 0.38],
    mse: [0.14, 0.23, 0.6, 1.39, 4.03],
  },
  {
    source: RE,
    bound: 'remine',
    label: 'ReMINE (C = 0, λ = 1)',
    bias: negate([-0.16, -0.27, -0.49, -0.62, -0.51]),
    variance: [0.13, 0.15, 0.34, 0.69, 1.39],
    mse: [0.15, 0.22, 0.58, 1.08, 1.65],
  },
  {
    source: RE,
    bound: 'remine:distance=l1',
    label: 'ReMINE-L1 (C = 0, λ = 1)',
    bias: negate([-0.25, -0.27, -0.33, 0.78, 40.44]),
    variance: [0.2, 0.14, 0.48, 4.44, null],
    mse: [0.27, 0.21, 0.59, 5.06, null],
  },
  {
    source: RE,
    bound: 'remine-j',
    label: 'ReMINE-J (C = 0, λ = 1)',
    bias: negate([-0.16, -0.27, -0.49, -0.65, -0.56]),
    variance: [0.12, 0.13, 0.21, 0.29, 0.59],
    mse: [0.15, 0.2, 0.45, 0.72, 0.9],
  },
];
