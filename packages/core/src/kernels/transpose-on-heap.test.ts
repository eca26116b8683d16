import { readFile } from 'node:fs/promises';
import { transposeOnHeap, transposePlan } from '@mi/core';
import { expectNoTensorLeakSync } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  compileWasmModule,
  generateWasmModuleSource,
  wasmModules,
} from '../../scripts/compile-wasm-modules.mjs';
import { wasmTranspose } from './transpose-on-heap';
import { transposeWasmBase64 } from './transpose-wasm.generated';

// What these tests use of the WebAssembly API (the project's libraries declare none of it).
interface Memory {
  readonly buffer: ArrayBuffer;
}
const { Memory } = (
  globalThis as unknown as { WebAssembly: { Memory: new (descriptor: object) => Memory } }
).WebAssembly;

/** A stand-in for the wasm backend: the parts `wasmTranspose` reads, on `memory`. */
const backendOn = (memory: Memory) => ({
  getMemoryOffset: () => 0,
  wasm: { asm: { memory }, HEAPU8: { buffer: memory.buffer } },
});

/** The transpose by index arithmetic alone: out[perm-ordered index] = x[index]. */
function referenceTranspose(values: ArrayLike<number>, shape: number[], perm: number[]): number[] {
  const outShape = perm.map((axis) => shape[axis]!);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const size = outShape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let source = 0;
    for (let k = outShape.length - 1; k >= 0; k--) {
      const index = rest % outShape[k]!;
      rest = Math.floor(rest / outShape[k]!);
      source += index * strides[perm[k]!]!;
    }
    out.push(values[source]!);
  }
  return out;
}

describe('transposePlan', () => {
  const plan = (outer: number, rows: number, middle: number, columns: number) => ({
    outer,
    rows,
    middle,
    columns,
  });
  it.each([
    { shape: [4, 5], perm: [1, 0], expected: plan(1, 4, 1, 5) },
    { shape: [2, 3, 4], perm: [0, 2, 1], expected: plan(2, 3, 1, 4) },
    // Axes that stay together merge: [2, 0, 1] is the (2·3) × 4 matrix transposed.
    { shape: [2, 3, 4], perm: [2, 0, 1], expected: plan(1, 6, 1, 4) },
    { shape: [2, 3, 4], perm: [1, 2, 0], expected: plan(1, 2, 1, 12) },
    { shape: [2, 3, 4, 5], perm: [0, 1, 3, 2], expected: plan(6, 4, 1, 5) },
    // The outer axes swapped around a middle group (the wasm filter gradient's input).
    { shape: [2, 3, 4], perm: [2, 1, 0], expected: plan(1, 2, 3, 4) },
    { shape: [256, 18, 18, 64], perm: [3, 1, 2, 0], expected: plan(1, 256, 324, 64) },
    { shape: [2, 3, 4, 5], perm: [0, 3, 2, 1], expected: plan(2, 3, 4, 5) },
    // Size-1 axes move no data: [1, 64, 256] by [0, 2, 1] and [64, 1, 256] by [2, 1, 0].
    { shape: [1, 64, 256], perm: [0, 2, 1], expected: plan(1, 64, 1, 256) },
    { shape: [64, 1, 256], perm: [2, 1, 0], expected: plan(1, 64, 1, 256) },
  ])('reads $shape by $perm as $expected', ({ shape, perm, expected }) => {
    expect(transposePlan(shape, perm)).toEqual(expected);
  });

  it.each([
    { shape: [2, 3, 4], perm: [1, 0, 2], why: 'blocks moved whole (the last axis stays)' },
    { shape: [2, 3, 4, 5], perm: [0, 2, 1, 3], why: 'blocks moved within a batch' },
    { shape: [2, 3, 4, 5], perm: [3, 2, 1, 0], why: 'four groups reversed' },
    { shape: [2, 3], perm: [0, 1], why: 'the identity' },
    { shape: [1, 5], perm: [1, 0], why: 'only size-1 axes move' },
    { shape: [2, 3, 1], perm: [1, 0, 1], why: 'a repeated axis (tf.transpose lets it through)' },
    { shape: [2, 3], perm: [1], why: 'too few axes' },
    { shape: [2, 3], perm: [2, 0], why: 'an axis out of range' },
    { shape: [2, 3], perm: [0.5, 1], why: 'a fractional axis' },
  ])('is undefined for $why', ({ shape, perm }) => {
    expect(transposePlan(shape, perm)).toBeUndefined();
  });

  it('describes the transpose exactly, for every permutation of every shape up to rank 4 over sizes 0–3', () => {
    const permutations = (n: number): number[][] =>
      n === 0
        ? [[]]
        : permutations(n - 1).flatMap((p) =>
            Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
          );
    const shapes = (n: number): number[][] =>
      n === 0 ? [[]] : shapes(n - 1).flatMap((s) => [0, 1, 2, 3].map((d) => [...s, d]));
    let planned = 0;
    for (let rank = 1; rank <= 4; rank++) {
      for (const shape of shapes(rank)) {
        const size = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: size }, (_, i) => i);
        for (const perm of permutations(rank)) {
          const found = transposePlan(shape, perm);
          if (found === undefined) continue;
          planned++;
          // The kernel's loops and strides, on plain arrays.
          const { outer, rows, middle, columns } = found;
          expect(outer * rows * middle * columns).toBe(size);
          const out = new Array<number>(size);
          for (let o = 0; o < outer; o++)
            for (let m = 0; m < middle; m++)
              for (let r = 0; r < rows; r++)
                for (let c = 0; c < columns; c++)
                  out[o * rows * middle * columns + c * middle * rows + m * rows + r] =
                    values[o * rows * middle * columns + r * middle * columns + m * columns + c]!;
          expect(out).toEqual(referenceTranspose(values, shape, perm));
        }
      }
    }
    expect(planned).toBeGreaterThan(1000);
  });
});

describe('the transpose SIMD module', () => {
  it('is what transpose.wat compiles to now (rerun scripts/compile-wasm-modules.mjs if not)', async () => {
    const committed = await readFile(wasmModules.transpose.generatedFile, 'utf8');
    expect(committed).toBe(await generateWasmModuleSource('transpose'));
    expect(Buffer.from(transposeWasmBase64, 'base64')).toEqual(
      Buffer.from(await compileWasmModule('transpose')),
    );
  });

  it('does not import wabt at run time', async () => {
    for (const file of [
      'transpose-on-heap.ts',
      'transpose-wasm.generated.ts',
      'sum-as-product.ts',
      'column-sums-wasm.generated.ts',
      'wasm-heap-module.ts',
    ]) {
      const source = await readFile(new URL(file, import.meta.url), 'utf8');
      expect(source).not.toMatch(/from '[^']*(wabt|scripts\/)/);
    }
  });

  it.each([
    [4, 4],
    [7, 13],
    [1, 9],
    [9, 1],
    [33, 66],
    [64, 36],
    [100, 3],
  ])('transposes %i × %i on a memory, bit for bit, touching nothing else', (rows, columns) => {
    const memory = new Memory({ initial: 1 });
    const transpose = wasmTranspose(backendOn(memory));
    if (transpose === undefined) throw new Error('no WebAssembly SIMD in this engine');
    const size = rows * columns;
    // Source at byte 4 and target at byte 4·(size + 3): 4-byte aligned, not 16.
    const heap = new Int32Array(memory.buffer);
    const source = 1;
    const target = size + 3;
    heap.fill(-7);
    // Bit patterns that float arithmetic would change: signalling NaNs, −0, denormals.
    const values = Array.from({ length: size }, (_, i) =>
      i % 3 === 0 ? 0x7fa00000 + i : i % 3 === 1 ? (0x80000000 | i) >> 0 : i + 1,
    );
    heap.set(values, source);
    transpose(4 * source, 4 * target, rows, columns, columns, rows);
    expect(Array.from(heap.subarray(target, target + size))).toEqual(
      referenceTranspose(values, [rows, columns], [1, 0]),
    );
    expect(Array.from(heap.subarray(source, source + size))).toEqual(values);
    expect(heap[source + size]).toBe(-7);
    expect(heap[target - 1]).toBe(-7);
    expect(heap[target + size]).toBe(-7);
  });

  it('transposes a slice whose rows lie apart (the middle group of a transposePlan)', () => {
    const memory = new Memory({ initial: 1 });
    const transpose = wasmTranspose(backendOn(memory))!;
    // A 6 × 3 × 5 array; the slice [:, 1, :] is a 6 × 5 matrix with rows 15 entries apart. Its
    // transpose goes into the slice [:, 1, :] of a 5 × 3 × 6 array (rows 18 entries apart).
    const heap = new Int32Array(memory.buffer);
    heap.fill(-1);
    heap.set(
      Array.from({ length: 90 }, (_, i) => i),
      0,
    );
    transpose(4 * 3, 4 * (100 + 6), 6, 5, 15, 18);
    const out = Array.from(heap.subarray(100, 190));
    for (let c = 0; c < 5; c++) {
      for (let m = 0; m < 3; m++) {
        for (let r = 0; r < 6; r++) {
          expect(out[c * 18 + m * 6 + r]).toBe(m === 1 ? r * 15 + 3 + c : -1);
        }
      }
    }
  });

  it('is instantiated once per memory, and absent where the backend lacks a part', () => {
    const memory = new Memory({ initial: 1 });
    const transpose = wasmTranspose(backendOn(memory));
    expect(transpose).toBeDefined();
    expect(wasmTranspose(backendOn(memory))).toBe(transpose);
    expect(wasmTranspose(undefined)).toBeUndefined();
    expect(wasmTranspose({ wasm: { asm: { memory } } })).toBeUndefined();
  });
});

describe.runIf((process.env['MI_BACKEND'] || 'cpu') === 'wasm')('Transpose on wasm', () => {
  it.each([
    { shape: [64, 256], perm: [1, 0] },
    { shape: [37, 5], perm: [1, 0] },
    { shape: [3, 10, 7], perm: [0, 2, 1] },
    { shape: [4, 6, 5], perm: [2, 0, 1] },
    { shape: [4, 6, 5], perm: [1, 2, 0] },
    { shape: [6, 3, 3, 5], perm: [3, 1, 2, 0] },
    { shape: [2, 5, 3, 6], perm: [0, 3, 2, 1] },
    { shape: [2, 3, 4, 5], perm: [0, 2, 1, 3] },
    { shape: [2, 3, 4], perm: [1, 0, 2] },
    { shape: [1, 64, 256], perm: [0, 2, 1] },
    { shape: [64, 1, 6], perm: [2, 1, 0] },
    { shape: [0, 5], perm: [1, 0] },
    { shape: [300, 2, 3], perm: [0, 2, 1] },
  ])('tf.transpose of $shape by $perm gives the reference values', ({ shape, perm }) => {
    expectNoTensorLeakSync(() => {
      const size = shape.reduce((a, b) => a * b, 1);
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const values = Array.from({ length: size }, (_, i) =>
          dtype === 'bool' ? i % 2 : dtype === 'int32' ? i - 50 : i * 0.5 - 3,
        );
        const x = tf.tensor(values, shape, dtype);
        const out = tf.transpose(x, perm);
        expect(out.shape).toEqual(perm.map((axis) => shape[axis]!));
        expect(out.dtype).toBe(dtype);
        expect(Array.from(out.dataSync())).toEqual(referenceTranspose(values, shape, perm));
        tf.dispose([x, out]);
      }
    });
  });

  it('is the registered kernel, and its gradient (a transpose) flows through it', () => {
    expect(tf.getKernel('Transpose', 'wasm')?.kernelFunc).not.toBe(undefined);
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const weights = tf.tensor2d([1, -1, 2, 0.5, 3, -2], [3, 2]);
    const gradient = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.transpose(z), weights)))(x);
    // d/dz Σ zᵀ ⊙ W = Wᵀ.
    expect(Array.from(gradient.dataSync())).toEqual([1, 2, 3, -1, 0.5, -2]);
    tf.dispose([x, weights, gradient]);
  });

  it('falls back to the stock kernel where the module cannot run', () => {
    const stock = tf.getKernel('Transpose', 'wasm')!;
    let stockCalls = 0;
    const counted = {
      ...stock,
      kernelFunc: (args: Parameters<tf.KernelFunc>[0]) => {
        stockCalls++;
        return stock.kernelFunc(args);
      },
    } as tf.KernelConfig;
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const kernel = transposeOnHeap(counted);
    // The backend without getMemoryOffset (as another tfjs-backend-wasm): no heap offsets to pass.
    // Shadowed on the backend itself, not on a copy: the stock kernel allocates through it.
    const wasmBackend = tf.backend();
    Object.defineProperty(wasmBackend, 'getMemoryOffset', { value: undefined, configurable: true });
    try {
      const out = kernel({ inputs: { x }, attrs: { perm: [1, 0] }, backend: wasmBackend } as never);
      expect(stockCalls).toBe(1);
      tf.engine()
        .makeTensorFromTensorInfo(out as tf.TensorInfo)
        .dispose();
    } finally {
      delete (wasmBackend as unknown as { getMemoryOffset?: unknown }).getMemoryOffset;
    }
    expect(typeof (wasmBackend as unknown as { getMemoryOffset: unknown }).getMemoryOffset).toBe(
      'function',
    );
    const own = kernel({ inputs: { x }, attrs: { perm: [1, 0] }, backend: tf.backend() } as never);
    expect(stockCalls).toBe(1);
    const values = tf.engine().makeTensorFromTensorInfo(own as tf.TensorInfo);
    expect(Array.from(values.dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
    values.dispose();
    x.dispose();
  });
});
