/**
 * Shared pieces of the readers' property-based fuzz tests (`*.fuzz.test.ts`): a bounded runner
 * that turns a hang into a failure, the property every reader must satisfy (a well-formed result
 * or a typed `MIError`), and byte mutations of valid files.
 */
import { createContext, Script } from 'node:vm';
import type { TabularData } from '@mi/datasets';
import { DataFormatError, MIError } from '@mi/spec';
import fc from 'fast-check';

/** One seed for every fuzz property, so a failure reproduces run after run. */
export const FUZZ_SEED = 0x5eed_da7a;

/** A reader gets this long per case; every reader is linear in its input, so 2 s means a hang. */
const CASE_LIMIT_MS = 2_000;

/**
 * fast-check parameters: fixed seed, `numRuns` cases, and a wall-clock budget for the whole
 * property that fails the test (rather than silently stopping early) when it is exceeded.
 */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  return {
    numRuns,
    seed: FUZZ_SEED,
    interruptAfterTimeLimit: 15_000,
    markInterruptAsFailure: true,
  };
}

// The readers are synchronous, so neither a promise timeout nor vitest's testTimeout can stop an
// infinite loop in one. A vm script's `timeout` can: Node's watchdog terminates whatever
// JavaScript runs under it, including functions from this realm that the script calls.
const context = createContext({ read: undefined as unknown });
const script = new Script('read()');

/** Runs `read`, failing with a clear message if it does not return within the case limit. */
function runBounded<T>(read: () => T): { value: T } | { error: unknown } {
  context['read'] = read;
  try {
    return { value: script.runInContext(context, { timeout: CASE_LIMIT_MS }) as T };
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new Error(`reader did not return within ${CASE_LIMIT_MS} ms (a hang)`);
    }
    return { error };
  } finally {
    context['read'] = undefined;
  }
}

/**
 * The readers' contract under any input: `read()` returns within the case limit, and either its
 * result passes `check` or it throws an `MIError`. A `DataFormatError` must name `file` and carry
 * a non-empty detail, and no message may be garbled.
 */
export function expectResultOrTypedError<T>(
  read: () => T,
  file: string,
  check: (value: T) => void,
  options: { readonly binary?: boolean } = {},
): void {
  const outcome = runBounded(read);
  if ('value' in outcome) {
    check(outcome.value);
    return;
  }
  const { error } = outcome;
  if (!MIError.isInstance(error)) {
    throw new Error(`untyped error escaped: ${String(error)}`, { cause: error });
  }
  if (DataFormatError.isInstance(error)) {
    if (!error.file.includes(file)) {
      throw new Error(`DataFormatError names ${error.file}, expected ${file}: ${error.message}`);
    }
    if (error.detail.length === 0)
      throw new Error(`DataFormatError without detail: ${error.message}`);
  }
  // A message with a stray `undefined`, `[object …]` or, from a binary reader (which never quotes
  // values), `NaN` was built from a field that the reader did not actually have.
  const garbled = options.binary ? /undefined|\[object |NaN/ : /undefined|\[object /;
  const message = (error as Error).message;
  if (garbled.test(message)) throw new Error(`garbled message: ${message}`);
}

/** Fails with `message` unless `condition` holds (a plain assertion for use inside properties). */
export function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** One edit of a byte string. Positions are taken modulo the current length. */
export type ByteMutation =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'flip'; readonly at: number; readonly mask: number }
  | { readonly kind: 'set'; readonly at: number; readonly value: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly count: number };

/**
 * One to three mutations of a file: truncation, bit flips, byte overwrites, insertions and
 * deletions. Half of the positions fall in the first `focus` bytes (the header), where a single
 * change matters most.
 */
export function byteMutations(focus: number): fc.Arbitrary<ByteMutation[]> {
  const at = fc.oneof(fc.nat({ max: Math.max(0, focus - 1) }), fc.nat({ max: 1 << 20 }));
  const mutation: fc.Arbitrary<ByteMutation> = fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('flip' as const), at, mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({
      kind: fc.constant('set' as const),
      at,
      value: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      at,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
    fc.record({ kind: fc.constant('delete' as const), at, count: fc.integer({ min: 1, max: 16 }) }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 3 });
}

/** Applies mutations in order to a copy of `bytes`. */
export function mutate(bytes: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    switch (m.kind) {
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'flip':
        if (at < out.length) out[at] = (out[at] as number) ^ m.mask;
        break;
      case 'set':
        if (at < out.length) out[at] = m.value;
        break;
      case 'insert': {
        const next = new Uint8Array(out.length + m.bytes.length);
        next.set(out.subarray(0, at));
        next.set(m.bytes, at);
        next.set(out.subarray(at), at + m.bytes.length);
        out = next;
        break;
      }
      case 'delete': {
        const next = new Uint8Array(Math.max(at, out.length - m.count));
        next.set(out.subarray(0, at));
        next.set(out.subarray(at + m.count), at);
        out = next;
        break;
      }
    }
  }
  return out;
}

/** Number of elements of a shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** X and Y agree on rows, have columns, hold one finite value per cell. */
export function checkTabular(data: TabularData): void {
  for (const [side, m, names] of [
    ['x', data.x, data.xColumns],
    ['y', data.y, data.yColumns],
  ] as const) {
    ensure(m.rows > 0 && m.columns > 0, `${side} is ${m.rows} × ${m.columns}`);
    ensure(m.data.length === m.rows * m.columns, `${side} data length ${m.data.length}`);
    ensure(names.length === m.columns, `${side} has ${m.columns} columns, ${names.length} names`);
    ensure(m.data.every(Number.isFinite), `${side} holds a non-finite value`);
  }
  ensure(data.x.rows === data.y.rows, `x has ${data.x.rows} rows, y ${data.y.rows}`);
  ensure(data.droppedRowNumbers.length === data.droppedRows, 'dropped row count');
}
