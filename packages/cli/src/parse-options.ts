import { InvalidArgumentError, splitPluginSpecs } from '@mi/spec';

/** `1,2,3` → [1, 2, 3]; names the option in the error. */
export function numberList(option: string): (text: string) => number[] {
  return (text) => {
    const values = text.split(',').map((part) => Number(part.trim()));
    if (text.trim() === '' || values.some((v) => !Number.isFinite(v))) {
      throw new InvalidArgumentError({
        functionName: 'mi',
        parameter: option,
        value: text,
        expected: 'comma-separated numbers, e.g. 2,4,6',
      });
    }
    return values;
  };
}

/** A positive integer option. */
export function positiveInteger(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidArgumentError({
        functionName: 'mi',
        parameter: option,
        value: text,
        expected: 'a positive integer',
      });
    }
    return value;
  };
}

/** A positive number option. */
export function positiveNumber(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
      throw new InvalidArgumentError({
        functionName: 'mi',
        parameter: option,
        value: text,
        expected: 'a positive number',
      });
    }
    return value;
  };
}

/** `--seeds 3` → [1, 2, 3]; `--seeds 4,7` → [4, 7]. */
export function seedList(text: string): number[] {
  if (/^\d+$/.test(text.trim())) {
    const count = Number(text);
    if (count < 1)
      throw new InvalidArgumentError({
        functionName: 'mi',
        parameter: '--seeds',
        value: text,
        expected: 'a count >= 1 or a list of seeds',
      });
    return Array.from({ length: count }, (_v, k) => k + 1);
  }
  return numberList('--seeds')(text).map((seed) => {
    if (!Number.isInteger(seed))
      throw new InvalidArgumentError({
        functionName: 'mi',
        parameter: '--seeds',
        value: text,
        expected: 'integer seeds',
      });
    return seed;
  });
}

/** `a,b` → ['a', 'b']. */
export function stringList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A list of bound or critic specs: `smile:tau=5,infonce,joint:hiddenUnits=64,64` → three specs
 * (a comma starts a new spec only where an id follows, so list values keep their commas).
 */
export function specList(text: string): string[] {
  return splitPluginSpecs(text);
}

/**
 * The options the user gave, without the ones commander left undefined, so that spreading them
 * over a preset keeps the preset's values for the options not given.
 */
export function given<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
