import { type PublishedLabelRow, publishedRows } from '../label-benchmark/published-row';

/**
 * Choi & Lee (2022), Table 2, supervised learning benchmark: ResNet-18 on CIFAR-10 (ideal MI
 * log 10 = 2.303) and CIFAR-100 (log 100 = 4.605), 5 runs, 95% intervals, negative estimates
 * clipped to 0. These are CIFAR numbers: beside an MNIST run they are a reference for the shape of
 * the comparison, not values to match.
 */
export const PUBLISHED_SLB: readonly PublishedLabelRow[] = [
  ...publishedRows('cifar10', {
    MINE: [
      [2.3, 0.003],
      [2.298, 0.005],
      [0.85, 0.009],
      [0.856, 0.004],
    ],
    SMILE: [
      [2.297, 0.009],
      [2.3, 0.003],
      [0.854, 0.008],
      [0.853, 0.009],
    ],
    InfoNCE: [
      [2.301, 0.002],
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: a published estimate, not ln 10
      [2.302, 0.001],
      [0.845, 0.006],
      [0.845, 0.005],
    ],
    NWJ: [
      [2.297, 0.009],
      [2.294, 0.013],
      [0.859, 0.003],
      [0.862, 0.004],
    ],
    TUBA: [
      [2.297, 0.008],
      [2.3, 0.003],
      [0.862, 0.008],
      [0.859, 0.003],
    ],
    JS: [
      [1.944, 0.039],
      [2.0, 0.049],
      [0.838, 0.012],
      [0.842, 0.004],
    ],
  }),
  ...publishedRows('cifar100', {
    MINE: [
      [4.597, 0.011],
      [4.603, 0.001],
      [0.61, 0.007],
      [0.61, 0.006],
    ],
    SMILE: [
      [4.595, 0.015],
      [4.602, 0.002],
      [0.601, 0.015],
      [0.606, 0.007],
    ],
    InfoNCE: [
      [4.594, 0.017],
      [4.599, 0.005],
      [0.589, 0.01],
      [0.593, 0.005],
    ],
    NWJ: [
      [4.572, 0.055],
      [4.586, 0.034],
      [0.558, 0.042],
      [0.599, 0.009],
    ],
    TUBA: [
      [4.495, 0.207],
      [4.603, 0.002],
      [0.543, 0.055],
      [0.611, 0.007],
    ],
    JS: [
      [4.088, 0.43],
      [4.24, 0.116],
      [0.591, 0.026],
      [0.598, 0.01],
    ],
  }),
];
