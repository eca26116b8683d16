import { InvalidArgumentError } from '@mi/spec';

/**
 * Checks that `options` is an object (or undefined) with no keys besides `allowed`, so that a
 * misspelt option (`lamda`, `hiden`) is an error instead of being silently ignored. The one
 * unknown-option check of every package: bounds, critics, training, benchmarks.
 *
 * @example
 * ```ts
 * const { tau = 5 } = readOptions('smile', options, ['tau']);
 * ```
 */
export function readOptions<T extends object>(
  functionName: string,
  options: T | undefined,
  allowed: readonly (keyof T & string)[],
): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'options',
      value: options,
      expected: 'an options object',
    });
  }
  for (const key of Object.keys(options)) {
    if (!(allowed as readonly string[]).includes(key)) {
      throw new InvalidArgumentError({
        functionName,
        parameter: key,
        value: (options as Record<string, unknown>)[key],
        expected: `no such option; known options: ${allowed.join(', ') || '(none)'}`,
        message: `${functionName}: unknown option '${key}'; known options: ${allowed.join(', ') || '(none)'}`,
      });
    }
  }
  return options;
}
