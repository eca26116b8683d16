import { type Bound, type BoundInputs, type BoundState, NonFiniteEstimateError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/** A bound's outputs read back to JavaScript numbers. */
export interface BoundValues {
  readonly estimate: number;
  readonly loss: number;
  readonly terms: Readonly<Record<string, number>>;
  /** The new state (tensors the caller owns). */
  readonly state: BoundState;
}

/**
 * Computes a bound and reads its values, for evaluation rather than training. A non-finite
 * estimate or loss (for example NWJ's e^{T−1} overflowing float32 when scores exceed ~89) throws
 * {@link NonFiniteEstimateError} naming the bound and the quantity; NaN is never returned.
 *
 * @example
 * ```ts
 * const { estimate } = evaluateBound(infoNCE(), { scores });
 * ```
 */
export function evaluateBound(bound: Bound, inputs: BoundInputs, state?: BoundState): BoundValues {
  const fresh = state === undefined ? bound.initialState() : undefined;
  const output = bound.compute(inputs, state ?? fresh ?? {});
  if (fresh) tf.dispose(Object.values(fresh));
  const read = (t: tf.Scalar) => t.dataSync()[0] as number;
  const estimate = read(output.estimate);
  const loss = read(output.loss);
  const terms = Object.fromEntries(Object.entries(output.terms).map(([k, v]) => [k, read(v)]));
  tf.dispose([output.estimate, output.loss, ...Object.values(output.terms)]);
  for (const [quantity, value] of [
    ['estimate', estimate],
    ['loss', loss],
  ] as const) {
    if (!Number.isFinite(value)) {
      tf.dispose(Object.values(output.state));
      throw new NonFiniteEstimateError({
        source: bound.id,
        quantity,
        value,
        reason: 'the bound overflows float32 for these scores',
      });
    }
  }
  return { estimate, loss, terms, state: output.state };
}
