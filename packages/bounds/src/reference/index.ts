/**
 * Float64 references for every built-in bound, written from the papers in plain TypeScript
 * (no tfjs), for the tests in `reference.test.ts`. Each gives the reported `estimate`, the `loss`
 * value and the `objective` whose gradient the loss carries; `referenceGradient` differentiates
 * the objective numerically. Not part of the public API.
 */
export { ccmi, ccmiValue } from './ccmi';
export {
  type DvReferenceOptions,
  dv,
  dvValue,
  dvValueOver,
  type MineReferenceOptions,
  type MineReferenceState,
  mine,
  mineInitialState,
  type SmileReferenceOptions,
  smile,
  smileDv,
} from './dv-family';
export {
  type InfoNCEReferenceDirection,
  type InfoNCEReferenceOptions,
  infoNCE,
  infoNCELogPartition,
  infoNCEValue,
  tnce,
} from './infonce';
export {
  type InterpolatedReferenceOptions,
  interpolated,
  interpolatedCeiling,
  interpolatedValue,
} from './interpolated';
export { jensenShannonObjective } from './jensen-shannon';
export {
  type EntropicReferenceScores,
  entropicFields,
  minee,
  mineeAsRows,
  mineeFromRows,
} from './minee';
export { numericGradient } from './numeric-gradient';
export {
  type JensenShannonReadout,
  type JensenShannonReferenceOptions,
  js,
  type NwjReferenceOptions,
  nwj,
  nwjValue,
  nwjValueOver,
  type TubaReferenceOptions,
  tuba,
  tubaValue,
} from './nwj-family';
export { type ReferenceBound, referenceGradient, trainedOnItsValue } from './reference-bound';
export {
  type RegularizerReferenceDistance,
  type RegularizerReferenceOptions,
  regularizerDistance,
  reinfonce,
  rejs,
  remine,
  remineJoint,
  renwj,
  resmile,
  retuba,
} from './regularized';
export {
  logMeanExp,
  logPartitionOffDiagonal,
  logPartitionOver,
  logPartitionShifted,
  logSumExp,
  type MarginalsReference,
  type Matrix,
  shiftedPairsOf,
  softplus,
} from './score-matrix';
