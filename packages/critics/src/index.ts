/**
 * Critic networks for mutual-information bounds: joint, separable, bilinear, one-hot, CNN,
 * ResNet-18, MI-NEE and conditional-Gaussian (TNCE's q(y | x)) critics, each returning the score
 * matrix `S[i][j] = T(x_i, y_j)`, with seeded initialisation, config round trips through an
 * explicit registry, and save/load of weights to a local directory. Call `initBackend()` from `@mi/core` first: it registers the
 * gradients and, on wasm, the kernels training needs.
 *
 * @packageDocumentation
 */
export {
  type BilinearCriticOptions,
  bilinearCritic,
  bilinearCriticPlugin,
} from './bilinear-critic';
export { type CnnCriticOptions, type CnnHead, cnnCritic, cnnCriticPlugin } from './cnn-critic';
export {
  type ConditionalGaussianCritic,
  type ConditionalGaussianCriticOptions,
  conditionalGaussianCritic,
  conditionalGaussianCriticPlugin,
} from './conditional-gaussian-critic';
export {
  CRITIC_FILE_FORMAT,
  type FileSystemHandlerOptions,
  fileSystemHandler,
} from './io/file-system-handler';
export {
  type JointCritic,
  type JointCriticOptions,
  jointCritic,
  jointCriticPlugin,
} from './joint-critic';
export {
  applyConvOriented,
  type FlippedAxes,
  type OrientedMaps,
  type SamePlan,
  samePaddingPlan,
  unflip,
} from './layers/conv';
export {
  type MineeCritic,
  type MineeCriticOptions,
  mineeCritic,
  mineeCriticPlugin,
  type PairedBatch,
} from './minee-critic';
export type { NeuralCritic, NeuralCriticPlugin } from './neural-critic';
export { type OnehotCriticOptions, onehotCritic, onehotCriticPlugin } from './onehot-critic';
export { builtinCritics, type CriticRegistry, createCriticRegistry } from './registry';
export {
  type ResNet18Critic,
  type ResNet18CriticOptions,
  type ResNetHead,
  resnet18Critic,
  resnet18CriticPlugin,
} from './resnet18-critic';
export {
  type SeparableCritic,
  type SeparableCriticOptions,
  separableCritic,
  separableCriticPlugin,
} from './separable-critic';
