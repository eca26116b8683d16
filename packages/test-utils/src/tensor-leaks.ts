import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Runs `body` and asserts that `tf.memory().numTensors` is the same afterwards: every tensor the
 * code under test made was disposed (tidy'd), and none of the caller's was. Returns the body's
 * result so that assertions on values can follow.
 */
export async function expectNoTensorLeak<T>(body: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await body();
  const after = tf.memory().numTensors;
  expect(after - before, `tensors leaked: ${after - before}`).toBe(0);
  return result;
}

/** Same as {@link expectNoTensorLeak} for synchronous code. */
export function expectNoTensorLeakSync<T>(body: () => T): T {
  const before = tf.memory().numTensors;
  const result = body();
  const after = tf.memory().numTensors;
  expect(after - before, `tensors leaked: ${after - before}`).toBe(0);
  return result;
}

/**
 * Runs `body`, which returns the tensors it made for the caller, and asserts that exactly those
 * were added to memory: nothing else leaked, and nothing of the caller's was disposed. Use it for
 * functions that return tensors, without wrapping them in `tf.tidy` (which would hide leaks).
 */
export function expectNoTensorLeakOf<T extends tf.Tensor | tf.Tensor[]>(body: () => T): T {
  const before = tf.memory().numTensors;
  const result = body();
  const returned = new Set((Array.isArray(result) ? result : [result]).map((t) => t.id)).size;
  const after = tf.memory().numTensors;
  expect(after - before - returned, `tensors leaked: ${after - before - returned}`).toBe(0);
  return result;
}
