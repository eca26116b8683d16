/**
 * What several `@mi` packages need: TensorFlow.js backend start-up, seeded random streams (one
 * independent stream per purpose of a seed) and seeds for tfjs initialisers, numerically safe
 * tensor helpers (log-mean-exp over all entries and over the off-diagonal, diagonal masks through
 * `tf.where`, a stop-gradient built on `tf.customGrad`, softplus⁻¹, the InfoNCE bound and the
 * Jensen–Shannon objective as one kernel each with its own gradient) and argument validation that
 * throws the `@mi/spec` errors.
 *
 * @packageDocumentation
 */
export {
  BACKEND_ORDER,
  BACKEND_PREFERENCES,
  type BackendCandidate,
} from './backend/backend-catalogue';
export { type InitBackendOptions, initBackend, trainingKernelsFor } from './backend/init-backend';
export { registerGradients } from './backend/register-gradients';
export {
  type AdamStepParameters,
  type AdamUpdate,
  fusedAdamUpdate,
} from './kernels/adam-kernel';
export { batchNormTraining } from './kernels/batch-norm-training';
export { type BoundKernelMode, setBoundKernels } from './kernels/bound-kernel-mode';
export { conv2DBackpropInputPolyphase } from './kernels/conv2d-backprop-input-polyphase';
export { concatFlat, splitAdd } from './kernels/flat-pieces';
export { identityShared } from './kernels/identity-shared';
export {
  type InfoNCEDirection,
  type InfoNCEParts,
  infoNCEParts,
} from './kernels/infonce-kernel';
export { jensenShannonObjective } from './kernels/jensen-shannon-kernel';
export { NativeAdamMoments, resourceAdamScalars } from './kernels/native-adam';
export { registerTensorflowTrainingKernels } from './kernels/register-tensorflow-training-kernels';
export { replaceKernel, restoreStockKernels } from './kernels/replace-kernel';
export { sliceFromHeap, splitVFromHeap } from './kernels/slice-from-heap';
export { stepAsComparison } from './kernels/step-as-comparison';
export { sumAsProduct } from './kernels/sum-as-product';
export { type TransposePlan, transposeOnHeap, transposePlan } from './kernels/transpose-on-heap';
export { diagonal, diagonalMask, maskDiagonal } from './math/diagonal-mask';
export { logMeanExp, logMeanExpOffDiagonal, meanOffDiagonal } from './math/log-mean-exp';
export { softplusInverse } from './math/softplus-inverse';
export { stopGradient, valueWithGradientOf } from './math/stop-gradient';
export {
  appendResidentAdam,
  type ResidentAdamNodes,
  type ResidentAdamVariable,
} from './native-graph/graph-adam';
export {
  type GraphAttr,
  GraphDefBuilder,
  graphProtoClasses,
  TF_DTYPE,
} from './native-graph/graph-def';
export {
  compileNativeGraph,
  type GraphExtension,
  type GraphSession,
  type NativeGraph,
  openGraphSession,
  type TraceNodes,
} from './native-graph/native-graph';
export {
  type NativeAttr,
  type NativeTensorMeta,
  type NativeTrace,
  type TracedConstant,
  type TracedOp,
  traceNativeOps,
} from './native-graph/native-trace';
export {
  type OperandSource,
  signatureDifference,
  type TraceSignature,
  traceSignature,
} from './native-graph/trace-signature';
export { papers } from './papers';
export { createRandom, restoreRandom } from './random/create-random';
export { DEFAULT_SEED, deriveRandom, type RandomPurpose } from './random/derive-random';
export { type TensorflowSeeds, tensorflowSeeds } from './random/seed-tensorflow';
export { boundingBox, sampleUniformBox } from './random/uniform-box';
export {
  assertNumber,
  assertOneOf,
  assertPositiveInteger,
  describeRange,
  type NumberRange,
} from './validate/assert-number';
export { assertScoreMatrix, assertShape } from './validate/assert-shape';
export { readOptions } from './validate/read-options';
export { conv2DBackpropFilterWasm } from './wasm/conv2d-backprop-filter';
export {
  type DenseActivation,
  type DenseKernelMode,
  type ExplicitTransposeMode,
  fastActivation,
  fastDense,
  fastMatMul,
  setDenseKernels,
  setExplicitTransposes,
  usesExplicitTransposes,
} from './wasm/explicit-transpose-matmul';
export { registerWasmTrainingKernels } from './wasm/register-wasm-training-kernels';
