/**
 * The conformance suite for critic plugins, for vitest. Every built-in critic passes it; a
 * third-party critic runs it in its own tests.
 *
 * @packageDocumentation
 */
export {
  type CriticConformanceOptions,
  type CriticInputs,
  describeCriticConformance,
} from './describe-critic-conformance';
