import { parseShard, type Shard } from '@mi/bench';
import { splitPluginSpecs } from '@mi/spec';
import { usageError } from './cli-errors';

// Every parser names its flag as the user typed it; commander calls them as it reads the option,
// so a bad value stops the command before anything is read, loaded or trained.

/** `1,2,3` → [1, 2, 3]. */
function numberList(flag: string): (text: string) => number[] {
  return (text) => {
    const values = text.split(',').map((part) => Number(part.trim()));
    if (text.trim() === '' || values.some((v) => !Number.isFinite(v))) {
      throw usageError(flag, text, 'comma-separated numbers, e.g. 2,4,6');
    }
    return values;
  };
}

/** `8,16` → [8, 16], each an integer >= `min`. */
export function integerList(flag: string, min = 1): (text: string) => number[] {
  return (text) => {
    const values = text.split(',').map((part) => Number(part.trim()));
    if (text.trim() === '' || values.some((v) => !Number.isInteger(v) || v < min)) {
      throw usageError(flag, text, `comma-separated integers >= ${min}, e.g. ${min},${min * 2}`);
    }
    return values;
  };
}

/** `2,4.5` → [2, 4.5], each a number > 0. */
export function positiveNumberList(flag: string): (text: string) => number[] {
  return (text) => {
    const values = numberList(flag)(text);
    if (values.some((v) => v <= 0)) {
      throw usageError(flag, text, 'comma-separated numbers > 0, e.g. 2,4,6');
    }
    return values;
  };
}

/** An integer option >= `min` (a positive integer by default). */
export function positiveInteger(flag: string, min = 1): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min) {
      throw usageError(flag, text, min === 1 ? 'a positive integer' : `an integer >= ${min}`);
    }
    return value;
  };
}

/** A positive number option. */
export function positiveNumber(flag: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
      throw usageError(flag, text, 'a positive number');
    }
    return value;
  };
}

/** A fraction of the rows held out: a number in (0, 0.5]. */
export function heldOutFraction(flag: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 0.5) {
      throw usageError(flag, text, 'a fraction in (0, 0.5], e.g. 0.2');
    }
    return value;
  };
}

/** `--seeds 3` → [1, 2, 3]; `--seeds 4,7` → [4, 7]. */
export function seedList(text: string): number[] {
  if (/^\d+$/.test(text.trim())) {
    const count = Number(text);
    if (count < 1) throw usageError('--seeds', text, 'a count >= 1 or a list of integer seeds');
    return Array.from({ length: count }, (_v, k) => k + 1);
  }
  const seeds = text.split(',').map((part) => Number(part.trim()));
  if (text.trim() === '' || seeds.some((seed) => !Number.isInteger(seed))) {
    throw usageError('--seeds', text, 'a count >= 1 or a list of integer seeds, e.g. 3 or 4,7');
  }
  return seeds;
}

/** One of `choices`. */
export function oneOf<T extends string>(flag: string, choices: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(choices as readonly string[]).includes(text)) {
      throw usageError(flag, text, `one of ${choices.join(', ')}`);
    }
    return text as T;
  };
}

/** `a,b` → ['a', 'b'], each one of `choices` when given. */
export function stringList(flag: string, choices?: readonly string[]): (text: string) => string[] {
  return (text) => {
    const values = text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (values.length === 0) {
      throw usageError(flag, text, choices ? `a list of ${choices.join(', ')}` : 'a list of names');
    }
    const unknown = choices === undefined ? undefined : values.find((v) => !choices.includes(v));
    if (unknown !== undefined) {
      throw usageError(flag, text, `a list of ${choices?.join(', ')} (not '${unknown}')`);
    }
    return values;
  };
}

/**
 * A list of bound or critic specs: `smile:tau=5,infonce,joint:hiddenUnits=64,64` → three specs
 * (a comma starts a new spec only where an id follows, so list values keep their commas).
 */
export function specList(flag: string): (text: string) => string[] {
  return (text) => {
    const specs = splitPluginSpecs(text);
    if (specs.length === 0) throw usageError(flag, text, 'one or more specs, e.g. smile:tau=5,nwj');
    return specs;
  };
}

/** `--shard i/N`. */
export function shardOption(text: string): Shard {
  try {
    return parseShard(text);
  } catch {
    throw usageError('--shard', text, "'i/N' with 1 <= i <= N, e.g. 2/4");
  }
}

/** `--window`: last-half, all, or a step count. */
export function windowOption(text: string): 'last-half' | 'all' | number {
  if (text === 'last-half' || text === 'all') return text;
  const steps = Number(text);
  if (!/^\d+$/.test(text.trim()) || steps < 1) {
    throw usageError('--window', text, 'last-half, all, or a positive number of steps');
  }
  return steps;
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
