import { MIError } from './mi-error';

const marker = Symbol.for('@mi/error/no-such-plugin');

/** A registry was asked for an id it does not hold; the message lists the ids it knows. */
export class NoSuchPluginError extends MIError {
  private readonly [marker] = true;
  /** What kind of plugin was looked up: `bound`, `critic`, `dataset`, … */
  readonly kind: string;
  readonly id: string;
  readonly knownIds: readonly string[];

  constructor(options: { kind: string; id: string; knownIds: readonly string[]; code?: string }) {
    super({
      code: options.code ?? 'MI_NO_SUCH_PLUGIN',
      message: `no ${options.kind} named '${options.id}'; known ${options.kind}s: ${options.knownIds.join(', ') || '(none)'}`,
    });
    this.name = 'NoSuchPluginError';
    this.kind = options.kind;
    this.id = options.id;
    this.knownIds = options.knownIds;
  }

  static override isInstance(error: unknown): error is NoSuchPluginError {
    return MIError.hasMarker(error, marker);
  }
}

const boundMarker = Symbol.for('@mi/error/no-such-bound');

/** A bound registry was asked for an unknown id. */
export class NoSuchBoundError extends NoSuchPluginError {
  private readonly [boundMarker] = true;

  constructor(options: { id: string; knownIds: readonly string[] }) {
    super({ ...options, kind: 'bound', code: 'MI_NO_SUCH_BOUND' });
    this.name = 'NoSuchBoundError';
  }

  static override isInstance(error: unknown): error is NoSuchBoundError {
    return MIError.hasMarker(error, boundMarker);
  }
}

const criticMarker = Symbol.for('@mi/error/no-such-critic');

/** A critic registry was asked for an unknown id. */
export class NoSuchCriticError extends NoSuchPluginError {
  private readonly [criticMarker] = true;

  constructor(options: { id: string; knownIds: readonly string[] }) {
    super({ ...options, kind: 'critic', code: 'MI_NO_SUCH_CRITIC' });
    this.name = 'NoSuchCriticError';
  }

  static override isInstance(error: unknown): error is NoSuchCriticError {
    return MIError.hasMarker(error, criticMarker);
  }
}
