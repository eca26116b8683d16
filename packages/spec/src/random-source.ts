/**
 * A seeded source of random numbers whose state can be saved and restored, so a checkpointed
 * run continues with exactly the numbers an uninterrupted run would have drawn.
 * `@mi/core`'s `createRandom(seed)` implements it.
 */
export interface RandomSource {
  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number;
  /** Uniform integer in [from, to], both included. */
  integer(from: number, to: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Fills `out` with standard normals and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T): T;
  /** Fills `out` with uniforms on [low, high) and returns it. */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low?: number, high?: number): T;
  /** A permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array;
  /** An independent stream (the generator's jump), for splitting one seed across consumers. */
  split(): RandomSource;
  /** A 32-bit seed drawn from this stream, for APIs that take a number (tfjs initialisers). */
  nextSeed(): number;
  /** The complete state, JSON-serialisable. */
  getState(): RandomState;
}

/** The serialised state of a {@link RandomSource}. */
export interface RandomState {
  readonly algorithm: string;
  readonly state: readonly number[];
  /** A cached second normal from the polar method, if one is pending. */
  readonly spareNormal: number | null;
}
