/**
 * Test helpers shared by the `@mi` packages (private).
 *
 * @packageDocumentation
 */
export { expectAllClose, scalarValue } from './close-to';
export {
  expectGradientMatchesFiniteDifferences,
  type GradientCheckOptions,
} from './gradient-check';
export { seededScores } from './seeded-scores';
export { expectNoTensorLeak, expectNoTensorLeakOf, expectNoTensorLeakSync } from './tensor-leaks';
