import { MIError } from './mi-error';

const marker = Symbol.for('@mi/error/non-finite-estimate');

/**
 * A bound, loss or estimate came out NaN or infinite. Carries where it happened and the last
 * finite value, so that a caller can still report something true.
 */
export class NonFiniteEstimateError extends MIError {
  private readonly [marker] = true;
  /** Which quantity was not finite: `estimate`, `loss`, a term name. */
  readonly quantity: string;
  /** The value received: NaN, Infinity or -Infinity. */
  readonly value: number;
  /** The training step, when the error comes from a training run. */
  readonly step: number | undefined;
  /** The last finite estimate before the failure, if any. */
  readonly lastFiniteEstimate: number | undefined;

  constructor(options: {
    source: string;
    quantity: string;
    value: number;
    step?: number;
    lastFiniteEstimate?: number;
    reason?: string;
    cause?: unknown;
  }) {
    const where = options.step === undefined ? '' : ` at step ${options.step}`;
    const last =
      options.lastFiniteEstimate === undefined
        ? ''
        : `; last finite estimate ${options.lastFiniteEstimate}`;
    super({
      code: 'MI_NON_FINITE_ESTIMATE',
      message: `${options.source}: ${options.quantity} is ${options.value}${where}${options.reason ? ` (${options.reason})` : ''}${last}`,
      cause: options.cause,
    });
    this.name = 'NonFiniteEstimateError';
    this.quantity = options.quantity;
    this.value = options.value;
    this.step = options.step;
    this.lastFiniteEstimate = options.lastFiniteEstimate;
  }

  static override isInstance(error: unknown): error is NonFiniteEstimateError {
    return MIError.hasMarker(error, marker);
  }
}
