/**
 * The marker every {@link MIError} carries. A `Symbol.for` key is shared by every copy of
 * `@mi/spec` loaded in one process, so `isInstance` works across package versions and across
 * ESM/CJS duplicates, where `instanceof` does not.
 */
const marker = Symbol.for('@mi/error');

/** Fields common to every error of the family. */
export interface MIErrorOptions {
  /** A stable, machine-readable code such as `MI_INVALID_ARGUMENT`. */
  code: string;
  /** Human-readable message; names the function, the argument, what was expected and received. */
  message: string;
  /** The underlying error, if this one wraps another. */
  cause?: unknown;
}

/**
 * Base class of every error that an `@mi` package throws on purpose.
 *
 * Catch the family with `MIError.isInstance(error)` and branch on `error.code`; each subclass
 * adds structured fields (`parameter`, `value`, `expected`, `received`, …) so that callers never
 * parse messages.
 *
 * @example
 * ```ts
 * try {
 *   registry.get('mine-ff');
 * } catch (error) {
 *   if (NoSuchBoundError.isInstance(error)) console.error(error.knownIds);
 * }
 * ```
 */
export class MIError extends Error {
  private readonly [marker] = true;
  /** Stable machine-readable code. */
  readonly code: string;

  constructor({ code, message, cause }: MIErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MIError';
    this.code = code;
  }

  /** True for any error of the family, from any copy of `@mi/spec`. */
  static isInstance(error: unknown): error is MIError {
    return MIError.hasMarker(error, marker);
  }

  /** @internal shared by the subclasses' `isInstance`. */
  protected static hasMarker(error: unknown, key: symbol): boolean {
    return (
      error != null &&
      typeof error === 'object' &&
      key in error &&
      (error as Record<symbol, unknown>)[key] === true
    );
  }
}
