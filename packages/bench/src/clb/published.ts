import { type PublishedLabelRow, publishedRows } from '../label-benchmark/published-row';

/**
 * Choi & Lee (2022), Table 2, contrastive learning benchmark: ResNet-18 on CIFAR-10 (ideal MI
 * log 10 = 2.303) and CIFAR-100 (log 100 = 4.605), 5 runs, 95% intervals, negative estimates
 * clipped to 0 (the 0.000 ± 0.000 rows are runs that diverged: accuracy at chance). CIFAR
 * numbers: beside an MNIST run they show the shape of the comparison, not values to match.
 */
export const PUBLISHED_CLB: readonly PublishedLabelRow[] = [
  ...publishedRows('cifar10', {
    MINE: [
      [2.233, 0.674],
      [2.24, 0.657],
      [0.812, 0.026],
      [0.823, 0.012],
    ],
    SMILE: [
      [0, 0],
      [2.065, 0.842],
      [0.1, 0.001],
      [0.83, 0.008],
    ],
    InfoNCE: [
      [1.705, 0.462],
      [1.739, 0.431],
      [0.83, 0.008],
      [0.826, 0.006],
    ],
    NWJ: [
      [0, 0],
      [1.91, 0.662],
      [0.1, 0],
      [0.831, 0.005],
    ],
    TUBA: [
      [0, 0],
      [1.358, 0.59],
      [0.1, 0],
      [0.83, 0.009],
    ],
    JS: [
      [1.552, 0.485],
      [1.556, 0.546],
      [0.837, 0.003],
      [0.832, 0.009],
    ],
  }),
  ...publishedRows('cifar100', {
    MINE: [
      [4.634, 0.186],
      [4.563, 0.162],
      [0.522, 0.026],
      [0.54, 0.02],
    ],
    SMILE: [
      [0, 0],
      [4.677, 0.162],
      [0.012, 0.003],
      [0.585, 0.007],
    ],
    InfoNCE: [
      [4.112, 0.147],
      [4.115, 0.145],
      [0.576, 0.019],
      [0.585, 0.014],
    ],
    NWJ: [
      [0, 0],
      [4.065, 0.255],
      [0.01, 0],
      [0.521, 0.025],
    ],
    TUBA: [
      [0, 0],
      [2.731, 0.786],
      [0.01, 0],
      [0.49, 0.023],
    ],
    JS: [
      [3.253, 0.368],
      [3.393, 0.124],
      [0.451, 0.02],
      [0.463, 0.031],
    ],
  }),
];
