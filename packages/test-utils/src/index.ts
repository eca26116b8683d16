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
export { expectNoTensorLeak, expectNoTensorLeakOf, expectNoTensorLeakSync } from './tensor-leaks';
