import type { RandomSource, RandomState } from '@mi/spec';
import { InvalidArgumentError } from '@mi/spec';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

const ALGORITHM = 'xoroshiro128+';

/**
 * A seeded random stream for data sampling, on `pure-rand`'s xoroshiro128+ generator.
 *
 * The same seed gives the same numbers on every platform; `getState()` / {@link restoreRandom}
 * save and restore it exactly (checkpoints); `split()` gives an independent stream through the
 * generator's jump, so one stream can feed several consumers without their draws interleaving.
 * Two consumers that each start from `createRandom(seed)` get the same bits, splits included: to
 * drive independent consumers (weights, data, reference batches) from one seed, give each its own
 * purpose with `deriveRandom(seed, purpose)`. Normals use the Marsaglia polar method.
 *
 * @example
 * ```ts
 * const random = createRandom(42);
 * const noise = random.fillNormal(new Float32Array(64 * 20));
 * ```
 */
export function createRandom(seed: number): RandomSource {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError({
      functionName: 'createRandom',
      parameter: 'seed',
      value: seed,
      expected: 'a safe integer',
    });
  }
  // pure-rand takes 32 bits; fold the high bits in so that large seeds stay distinct.
  const folded = (seed ^ Math.floor(seed / 2 ** 32)) | 0;
  const generator = xoroshiro128plus(folded);
  // A small seed gives a state with few bits set, and the first outputs of every seed then
  // agree (the first uniform is ~1.0 for seeds 0–5). One jump (2⁶⁴ steps) mixes the state.
  generator.jump();
  return wrap(generator, null);
}

/** Rebuilds a stream from `RandomSource.getState()`; it continues exactly where that one was. */
export function restoreRandom(state: RandomState): RandomSource {
  if (state?.algorithm !== ALGORITHM || !Array.isArray(state.state)) {
    throw new InvalidArgumentError({
      functionName: 'restoreRandom',
      parameter: 'state',
      value: state?.algorithm,
      expected: `a state saved by createRandom (algorithm '${ALGORITHM}')`,
    });
  }
  return wrap(xoroshiro128plusFromState(state.state), state.spareNormal);
}

function wrap(generator: JumpableRandomGenerator, initialSpare: number | null): RandomSource {
  let spare = initialSpare;

  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * uniformFloat64(generator) - 1;
      v = 2 * uniformFloat64(generator) - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * factor;
    return u * factor;
  };

  const source: RandomSource = {
    uniform: () => uniformFloat64(generator),
    integer(from, to) {
      if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) {
        throw new InvalidArgumentError({
          functionName: 'RandomSource.integer',
          parameter: 'from, to',
          value: [from, to],
          expected: 'integers with from <= to',
        });
      }
      return uniformInt(generator, from, to);
    },
    normal,
    fillNormal(out) {
      for (let i = 0; i < out.length; i++) out[i] = normal();
      return out;
    },
    fillUniform(out, low = 0, high = 1) {
      const width = high - low;
      for (let i = 0; i < out.length; i++) out[i] = low + width * uniformFloat64(generator);
      return out;
    },
    permutation(n) {
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = uniformInt(generator, 0, i);
        const tmp = order[i]!;
        order[i] = order[j]!;
        order[j] = tmp;
      }
      return order;
    },
    split() {
      const child = generator.clone();
      child.jump();
      // Advance this stream too, so parent and child never overlap after repeated splits.
      generator.jump();
      generator.jump();
      return wrap(child, null);
    },
    nextSeed: () => uniformInt(generator, 0, 0x7fffffff),
    getState: () => ({
      algorithm: ALGORITHM,
      state: [...generator.getState()],
      spareNormal: spare,
    }),
  };
  return source;
}
