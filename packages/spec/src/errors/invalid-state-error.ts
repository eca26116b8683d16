import { MIError } from './mi-error';

const marker = Symbol.for('@mi/error/invalid-state');

/**
 * An object was used in a state that does not allow the call: a critic after `dispose()`, a
 * results folder after it was closed. The arguments were fine; the object was not.
 */
export class InvalidStateError extends MIError {
  private readonly [marker] = true;
  /** The function or method called, e.g. `joint.scores`. */
  readonly functionName: string;
  /** The state the object was in, e.g. `disposed`. */
  readonly state: string;

  constructor(options: { functionName: string; state: string; message?: string; cause?: unknown }) {
    super({
      code: 'MI_INVALID_STATE',
      message: options.message ?? `${options.functionName}: called on a ${options.state} object`,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'InvalidStateError';
    this.functionName = options.functionName;
    this.state = options.state;
  }

  static override isInstance(error: unknown): error is InvalidStateError {
    return MIError.hasMarker(error, marker);
  }
}
