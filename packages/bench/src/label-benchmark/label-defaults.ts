import type { LabelBenchmarkOptions } from './label-benchmark';

/**
 * A benchmark's defaults with their training and test image counts kept only for an MNIST run:
 * those counts size the default MNIST run; a CIFAR run uses all its images unless told otherwise.
 */
export function mnistSizesOnly(
  defaults: LabelBenchmarkOptions,
  options: LabelBenchmarkOptions,
): LabelBenchmarkOptions {
  const dataset = options.dataset ?? defaults.dataset ?? 'mnist';
  if (dataset === 'mnist') return defaults;
  const { trainSize: _train, testSize: _test, ...rest } = defaults;
  return rest;
}
