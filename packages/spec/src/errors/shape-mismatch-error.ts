import { MIError } from './mi-error';

const marker = Symbol.for('@mi/error/shape-mismatch');

function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;
}

/**
 * A tensor or array has the wrong rank or size. `null` in `expected` means "any size".
 *
 * @example
 * ```ts
 * // joint.scores: argument 'y' has shape [32, 5], expected [64, 20]
 * ```
 */
export class ShapeMismatchError extends MIError {
  private readonly [marker] = true;
  readonly functionName: string;
  readonly parameter: string;
  readonly expected: readonly (number | null)[];
  readonly received: readonly number[];

  constructor(options: {
    functionName: string;
    parameter: string;
    expected: readonly (number | null)[];
    received: readonly number[];
    detail?: string;
    cause?: unknown;
  }) {
    super({
      code: 'MI_SHAPE_MISMATCH',
      message: `${options.functionName}: argument '${options.parameter}' has shape ${formatShape(options.received)}, expected ${formatShape(options.expected)}${options.detail ? ` (${options.detail})` : ''}`,
      cause: options.cause,
    });
    this.name = 'ShapeMismatchError';
    this.functionName = options.functionName;
    this.parameter = options.parameter;
    this.expected = options.expected;
    this.received = options.received;
  }

  static override isInstance(error: unknown): error is ShapeMismatchError {
    return MIError.hasMarker(error, marker);
  }
}
