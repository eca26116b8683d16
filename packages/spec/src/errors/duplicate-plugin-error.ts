import { MIError } from './mi-error';

const marker = Symbol.for('@mi/error/duplicate-plugin');

/** Two plugins with one id (or alias) were registered without `{ override: true }`. */
export class DuplicatePluginError extends MIError {
  private readonly [marker] = true;
  readonly kind: string;
  readonly id: string;

  constructor(options: { kind: string; id: string }) {
    super({
      code: 'MI_DUPLICATE_PLUGIN',
      message: `a ${options.kind} named '${options.id}' is already registered; pass { override: true } to replace it`,
    });
    this.name = 'DuplicatePluginError';
    this.kind = options.kind;
    this.id = options.id;
  }

  static override isInstance(error: unknown): error is DuplicatePluginError {
    return MIError.hasMarker(error, marker);
  }
}
