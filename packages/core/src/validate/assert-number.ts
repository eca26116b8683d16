import { InvalidArgumentError } from '@mi/spec';
import { readOptions } from './read-options';

const RANGE_KEYS = [
  'min',
  'max',
  'minExclusive',
  'maxExclusive',
  'integer',
  'allowInfinity',
] as const satisfies readonly (keyof NumberRange)[];

/** Bounds of an accepted numeric range; `exclusive` makes an end open. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  /** Require an integer. */
  readonly integer?: boolean;
  /** Accept ±Infinity (within the range). */
  readonly allowInfinity?: boolean;
}

/**
 * Throws {@link InvalidArgumentError} unless `value` is a number in `range`. The message names
 * the function, the option and the value, e.g.
 * `smile: invalid option 'tau': expected a number > 0, received -1`.
 */
export function assertNumber(
  functionName: string,
  parameter: string,
  value: unknown,
  range: NumberRange = {},
): asserts value is number {
  // A misspelt range key (`exclusiveMin`) would silently widen the range.
  readOptions('assertNumber', range, RANGE_KEYS);
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (range.allowInfinity === true || Number.isFinite(value)) &&
    (range.integer !== true || Number.isInteger(value)) &&
    (range.min === undefined || (range.minExclusive ? value > range.min : value >= range.min)) &&
    (range.max === undefined || (range.maxExclusive ? value < range.max : value <= range.max));
  if (!ok) {
    throw new InvalidArgumentError({
      functionName,
      parameter,
      value,
      expected: describeRange(range),
    });
  }
}

/** Shorthand for a positive integer (sizes, counts, steps). */
export function assertPositiveInteger(
  functionName: string,
  parameter: string,
  value: unknown,
): asserts value is number {
  assertNumber(functionName, parameter, value, { min: 1, integer: true });
}

/** Throws unless `value` is one of `choices`. */
export function assertOneOf<T extends string>(
  functionName: string,
  parameter: string,
  value: unknown,
  choices: readonly T[],
): asserts value is T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new InvalidArgumentError({
      functionName,
      parameter,
      value,
      expected: `one of ${choices.map((c) => `'${c}'`).join(', ')}`,
    });
  }
}

/** The range in words: `an integer >= 1`, `a number in (0, 1)`. */
export function describeRange(range: NumberRange): string {
  const noun = range.integer ? 'an integer' : 'a number';
  const { min, max } = range;
  if (min !== undefined && max !== undefined) {
    return `${noun} in ${range.minExclusive ? '(' : '['}${min}, ${max}${range.maxExclusive ? ')' : ']'}`;
  }
  if (min !== undefined) return `${noun} ${range.minExclusive ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${noun} ${range.maxExclusive ? '<' : '<='} ${max}`;
  return range.allowInfinity ? noun : `a finite ${noun.replace(/^an? /, '')}`;
}
