import { MIError } from './mi-error';

const marker = Symbol.for('@mi/error/backend-unavailable');

/** A TensorFlow.js backend was requested but its package is not installed or failed to start. */
export class BackendUnavailableError extends MIError {
  private readonly [marker] = true;
  readonly backend: string;
  /** The npm package that provides it. */
  readonly packageName: string;

  constructor(options: { backend: string; packageName: string; detail: string; cause?: unknown }) {
    super({
      code: 'MI_BACKEND_UNAVAILABLE',
      message: `backend '${options.backend}' is not available: ${options.detail}`,
      cause: options.cause,
    });
    this.name = 'BackendUnavailableError';
    this.backend = options.backend;
    this.packageName = options.packageName;
  }

  static override isInstance(error: unknown): error is BackendUnavailableError {
    return MIError.hasMarker(error, marker);
  }
}
