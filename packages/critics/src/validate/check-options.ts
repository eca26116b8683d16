import {
  assertNumber,
  assertOneOf,
  assertPositiveInteger,
  DEFAULT_SEED,
  readOptions,
} from '@mi/core';
import { InvalidArgumentError } from '@mi/spec';
import type { DenseInit } from '../layers/dense';

/** Throws on option keys that the factory does not know (catches typos such as `hiden`). */
export function rejectUnknownOptions(
  functionName: string,
  options: object,
  known: readonly string[],
): void {
  readOptions(functionName, options as Record<string, unknown>, known);
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

/**
 * A seed: the given safe integer, or `DEFAULT_SEED` of `@mi/core` (the default of `train` too)
 * when absent, so that a critic built without a seed is reproducible.
 */
export function resolveSeed(functionName: string, seed: unknown): number {
  if (seed === undefined) return DEFAULT_SEED;
  assertNumber(functionName, 'seed', seed, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
  return seed;
}

/**
 * The initialisation an `initStd` option asks for: N(0, initStd²) kernels and zero biases, or
 * PyTorch's `nn.Linear` default when absent.
 */
export function resolveInit(functionName: string, initStd: unknown): DenseInit {
  if (initStd === undefined) return undefined;
  assertNumber(functionName, 'initStd', initStd, { min: 0, minExclusive: true });
  return { std: initStd };
}

export { assertNumber, assertOneOf, assertPositiveInteger };

/** Throws unless `value` is a boolean. */
export function checkBoolean(functionName: string, parameter: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError({ functionName, parameter, value, expected: 'true or false' });
  }
  return value;
}
