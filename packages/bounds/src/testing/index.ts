/**
 * The conformance suite for bound plugins, for vitest. Every built-in bound passes it; a
 * third-party bound runs it in its own tests.
 *
 * @packageDocumentation
 */
export {
  type BoundConformanceOptions,
  describeBoundConformance,
} from './describe-bound-conformance';
export {
  type GaussianRatioSample,
  logRatioScores,
  sampleGaussianLogRatio,
} from './gaussian-log-ratio';
