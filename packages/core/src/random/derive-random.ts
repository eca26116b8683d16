import type { RandomSource } from '@mi/spec';
import { InvalidArgumentError } from '@mi/spec';
import { restoreRandom } from './create-random';

/**
 * The seed that critics and `train` use when none is given, so that a run without seeds is
 * reproducible and a critic and a run that both take the default agree on it.
 */
export const DEFAULT_SEED = 0;

/**
 * What one seed drives in `@mi`, each through its own stream of {@link deriveRandom}:
 *
 * - `'critic-init'`: a critic's initial weights (`seed` of every `@mi/critics` factory);
 * - `'data'`: the samples drawn from an infinite sampler and the per-epoch shuffles of a dataset;
 * - `'split'`: the train/validation split of a finite dataset;
 * - `'reference'`: MI-NEE's uniform reference batches.
 *
 * Nothing else in training is random (there is no dropout). Other labels are allowed, for streams
 * of your own.
 */
export type RandomPurpose = 'critic-init' | 'data' | 'split' | 'reference' | (string & {});

const MASK_64 = (1n << 64n) - 1n;

/**
 * A stream for one purpose of one seed, independent of the streams of the other purposes.
 *
 * `createRandom(seed)` and `split()` alone cannot do this: two consumers that each call
 * `createRandom(seed).split()` get the same bits, which is how a critic's initial weights once
 * shared their random numbers with the data stream of a run of the same seed. Here the purpose is
 * mixed into the seed before the generator is seeded:
 *
 * ```
 * key   = finalise(seed mod 2⁶⁴) ⊕ fnv1a64(utf8(purpose))
 * s₀,s₁ = the first two outputs of splitmix64 started at key
 * ```
 *
 * `finalise` is splitmix64's output function, a bijection that spreads every seed over all 64
 * bits, so a small change of seed cannot cancel a change of label; FNV-1a hashes the label; and
 * filling xoroshiro128+'s state with splitmix64 is the seeding its authors recommend (Vigna,
 * https://prng.di.unimi.it/splitmix64.c). The stream is a plain `RandomSource`: its state is saved
 * and restored by `getState()` / `restoreRandom` like any other.
 *
 * @param seed - any safe integer (negative seeds are taken modulo 2⁶⁴).
 * @param purpose - a non-empty label; see {@link RandomPurpose} for those `@mi` uses.
 *
 * @example
 * ```ts
 * const data = deriveRandom(7, 'data');
 * const split = deriveRandom(7, 'split');   // unrelated to `data`
 * ```
 */
export function deriveRandom(seed: number, purpose: RandomPurpose): RandomSource {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError({
      functionName: 'deriveRandom',
      parameter: 'seed',
      value: seed,
      expected: 'a safe integer',
    });
  }
  if (typeof purpose !== 'string' || purpose === '') {
    throw new InvalidArgumentError({
      functionName: 'deriveRandom',
      parameter: 'purpose',
      value: purpose,
      expected: "a non-empty label such as 'data' or 'critic-init'",
    });
  }
  const key = splitmixFinalise(BigInt.asUintN(64, BigInt(seed))) ^ fnv1a64(purpose);
  const first = splitmixNext(key);
  const second = splitmixNext(first.state);
  let s0 = first.output;
  const s1 = second.output;
  // xoroshiro128+ must not start from the all-zero state (it would stay there).
  if (s0 === 0n && s1 === 0n) s0 = 1n;
  // pure-rand keeps each 64-bit word as [high, low] signed 32-bit halves: [s0hi, s0lo, s1hi, s1lo].
  const halves = (word: bigint) => [
    Number(BigInt.asIntN(32, word >> 32n)),
    Number(BigInt.asIntN(32, word)),
  ];
  return restoreRandom({
    algorithm: 'xoroshiro128+',
    state: [...halves(s0), ...halves(s1)],
    spareNormal: null,
  });
}

/** splitmix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit mixer. */
function splitmixFinalise(value: bigint): bigint {
  let z = value & MASK_64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  return z ^ (z >> 31n);
}

/** One step of splitmix64: advance the state by the golden-ratio increment, output its mix. */
function splitmixNext(state: bigint): { state: bigint; output: bigint } {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK_64;
  return { state: next, output: splitmixFinalise(next) };
}

/** 64-bit FNV-1a of the UTF-8 bytes of a string. */
function fnv1a64(text: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & MASK_64;
  }
  return hash;
}
