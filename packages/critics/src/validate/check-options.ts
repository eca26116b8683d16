import { assertNumber, assertOneOf, assertPositiveInteger } from '@mi/core';
import { InvalidArgumentError } from '@mi/spec';

/** Throws on option keys that the factory does not know (catches typos such as `hiden`). */
export function rejectUnknownOptions(
  functionName: string,
  options: object,
  known: readonly string[],
): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError({
        functionName,
        parameter: key,
        value: (options as Record<string, unknown>)[key],
        expected: `no such option; known options: ${known.join(', ')}`,
        message: `${functionName}: unknown option '${key}'; known options: ${known.join(', ')}`,
      });
    }
  }
}

/** Throws unless `value` is an array of positive integers (at least `minLength` of them). */
export function checkUnits(
  functionName: string,
  parameter: string,
  value: unknown,
  minLength = 0,
): number[] {
  if (
    !Array.isArray(value) ||
    value.length < minLength ||
    !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)
  ) {
    throw new InvalidArgumentError({
      functionName,
      parameter,
      value,
      expected: `an array of at least ${minLength} positive integers`,
    });
  }
  return [...value] as number[];
}

/** A seed: the given safe integer, or a fresh one (recorded in the config) when absent. */
export function resolveSeed(functionName: string, seed: unknown): number {
  if (seed === undefined) return Math.floor(Math.random() * 0x7fffffff);
  assertNumber(functionName, 'seed', seed, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
  return seed;
}

export { assertNumber, assertOneOf, assertPositiveInteger };

/** Throws unless `value` is a boolean. */
export function checkBoolean(functionName: string, parameter: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError({ functionName, parameter, value, expected: 'true or false' });
  }
  return value;
}
