import { describeValue } from './describe-value';
import { MIError } from './mi-error';

const marker = Symbol.for('@mi/error/unsupported-specification-version');

/** A plugin declares a `specificationVersion` this copy of `@mi/spec` does not implement. */
export class UnsupportedSpecificationVersionError extends MIError {
  private readonly [marker] = true;
  readonly kind: string;
  readonly id: string;
  readonly version: unknown;
  readonly supported: readonly string[];

  constructor(options: {
    kind: string;
    id: string;
    version: unknown;
    supported: readonly string[];
  }) {
    super({
      code: 'MI_UNSUPPORTED_SPECIFICATION_VERSION',
      message: `${options.kind} plugin '${options.id}' declares specificationVersion ${describeValue(options.version)}; this version of @mi supports ${options.supported.map((v) => `'${v}'`).join(', ')}`,
    });
    this.name = 'UnsupportedSpecificationVersionError';
    this.kind = options.kind;
    this.id = options.id;
    this.version = options.version;
    this.supported = options.supported;
  }

  static override isInstance(error: unknown): error is UnsupportedSpecificationVersionError {
    return MIError.hasMarker(error, marker);
  }
}
