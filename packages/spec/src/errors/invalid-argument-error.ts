import { describeValue } from './describe-value';
import { MIError } from './mi-error';

const marker = Symbol.for('@mi/error/invalid-argument');

/**
 * An argument or option has a value outside what the function accepts.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError({
 *   functionName: 'smile', parameter: 'tau', value: -1, expected: 'a number > 0',
 * });
 * // smile: invalid option 'tau': expected a number > 0, received -1
 * ```
 */
export class InvalidArgumentError extends MIError {
  private readonly [marker] = true;
  /** The function or factory that rejected the argument. */
  readonly functionName: string;
  /** The argument or option name (`tau`, `options.lambda`, `batchSize`). */
  readonly parameter: string;
  /** The value received. */
  readonly value: unknown;
  /** What would have been accepted, in words. */
  readonly expected: string;

  constructor(options: {
    functionName: string;
    parameter: string;
    value: unknown;
    expected: string;
    message?: string;
    cause?: unknown;
  }) {
    super({
      code: 'MI_INVALID_ARGUMENT',
      message:
        options.message ??
        `${options.functionName}: invalid option '${options.parameter}': expected ${options.expected}, received ${describeValue(options.value)}`,
      cause: options.cause,
    });
    this.name = 'InvalidArgumentError';
    this.functionName = options.functionName;
    this.parameter = options.parameter;
    this.value = options.value;
    this.expected = options.expected;
  }

  static override isInstance(error: unknown): error is InvalidArgumentError {
    return MIError.hasMarker(error, marker);
  }
}
