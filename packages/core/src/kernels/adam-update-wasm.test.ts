import { readFile } from 'node:fs/promises';
import { fusedAdamUpdate } from '@mi/core';
import { expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  compileWasmModule,
  generateWasmModuleSource,
  wasmModules,
} from '../../scripts/compile-wasm-modules.mjs';
import { type WasmAdamBackend, wasmAdamUpdate } from './adam-update-wasm';
import { adamUpdateWasmBase64 } from './adam-update-wasm.generated';

// The SIMD module of adam-update.wat: its committed bytes against its source, and the fallbacks
// where it cannot run.

// What these tests use of the WebAssembly API (the project's libraries declare none of it).
interface Memory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
const { Memory } = (
  globalThis as unknown as {
    WebAssembly: { Memory: new (descriptor: object) => Memory };
  }
).WebAssembly;

/** A stand-in for the wasm backend: the parts `wasmAdamUpdate` reads, on `memory`. */
const backendOn = (memory: unknown, heap: unknown = (memory as Memory).buffer) => ({
  getMemoryOffset: () => 0,
  wasm: { asm: { memory }, HEAPU8: { buffer: heap } },
});

const parameters = {
  learningRate: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  correction1: Math.fround(0.1),
  correction2: Math.fround(0.001),
};

describe('the Adam SIMD module', () => {
  it('is what adam-update.wat compiles to now (rerun scripts/compile-wasm-modules.mjs if not)', async () => {
    const committed = await readFile(wasmModules['adam-update'].generatedFile, 'utf8');
    expect(committed).toBe(await generateWasmModuleSource('adam-update'));
    expect(Buffer.from(adamUpdateWasmBase64, 'base64')).toEqual(
      Buffer.from(await compileWasmModule('adam-update')),
    );
  });

  it('does not import wabt at run time', async () => {
    const sources = await Promise.all(
      [
        'adam-update-wasm.ts',
        'adam-update-wasm.generated.ts',
        'adam-kernel.ts',
        'wasm-heap-module.ts',
      ].map((file) => readFile(new URL(file, import.meta.url), 'utf8')),
    );
    for (const source of sources) expect(source).not.toMatch(/from '[^']*(wabt|scripts\/)/);
  });

  it('is instantiated once per memory, and updates entries in it without reading a missing gradient', () => {
    const memory = new Memory({ initial: 1 });
    const update = wasmAdamUpdate(backendOn(memory));
    if (update === undefined) throw new Error('no WebAssembly SIMD in this engine');
    expect(wasmAdamUpdate(backendOn(memory))).toBe(update);
    const other = new Memory({ initial: 1 });
    expect(wasmAdamUpdate(backendOn(other))).not.toBe(update);
    // m, v, θ at bytes 4, 64, 128 (not 16-byte aligned); outputs at 256, 320, 384; 5 entries.
    const heap = new Float32Array(memory.buffer);
    heap.set([0.5, -1, 2, 0, -0], 1);
    heap.set([1, 4, 0.25, 0, 9], 16);
    heap.set([10, 20, 30, 40, 50], 32);
    const c = parameters;
    const f = Math.fround;
    // g in the last 4 bytes of the memory's one page: a 16-byte read there would trap.
    const g = 65536 - 4;
    const constants = [f(0.9), f(0.1), f(0.999), f(0.001), c.correction1, c.correction2] as const;
    update(4, 64, g, 128, 256, 320, 384, 5, 0, ...constants, f(c.epsilon), f(-c.learningRate));
    const m = Array.from(heap.subarray(64, 69));
    expect(m).toEqual([0.5, -1, 2, 0, -0].map((x) => f(f(x * f(0.9)) + 0)));
    expect(m.map((x) => Object.is(x, -0))).toEqual([false, false, false, false, false]);
    const v = Array.from(heap.subarray(80, 85));
    expect(v).toEqual([1, 4, 0.25, 0, 9].map((x) => f(x * f(0.999))));
    const theta = Array.from(heap.subarray(96, 101));
    theta.forEach((t, i) => {
      const step = f(
        f(f(m[i]! / c.correction1) / f(f(Math.sqrt(f(v[i]! / c.correction2))) + f(c.epsilon))) *
          f(-c.learningRate),
      );
      expect(t).toBe(f(step + [10, 20, 30, 40, 50][i]!));
    });
  });

  it('is not there, so callers take another path, where a part is missing or the memory is shared', () => {
    const memory = new Memory({ initial: 1 });
    const shared = new Memory({ initial: 1, maximum: 1, shared: true });
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    const { getMemoryOffset: _, ...withoutOffsets } = backendOn(memory);
    for (const backend of [
      undefined,
      {},
      withoutOffsets,
      { ...backendOn(memory), wasm: { HEAPU8: { buffer: memory.buffer } } },
      backendOn({ buffer: memory.buffer }),
      backendOn(memory, new ArrayBuffer(8)),
      backendOn(shared),
    ]) {
      expect(wasmAdamUpdate(backend)).toBeUndefined();
    }
  });

  it('on wasm without it: fusedAdamUpdate makes nothing and returns undefined, the kernel computes the same in JavaScript', async () => {
    const backend = tf.backend() as unknown as WasmAdamBackend & { wasm: object };
    expect(wasmAdamUpdate(backend) !== undefined).toBe(tf.getBackend() === 'wasm');
    if (tf.getBackend() !== 'wasm') return;
    const values = [tf.randomNormal([7]), tf.randomNormal([2, 3])];
    const gradients = [tf.randomNormal([7]), null];
    const m = tf.randomNormal([13]);
    const v = tf.square(tf.randomNormal([13]));
    const entries = (update: ReturnType<typeof fusedAdamUpdate>) => {
      const all = update === undefined ? [] : [update.m, update.v, ...update.values];
      const out = all.map((t) => Array.from(t.dataSync()));
      tf.dispose(all);
      return out;
    };
    const simd = entries(fusedAdamUpdate(m, v, gradients, values, parameters));
    const { wasm } = backend;
    // The Emscripten module without its exports: no memory to instantiate the module on.
    Object.assign(backend, {
      wasm: new Proxy(wasm, {
        get: (target, key) => (key === 'asm' ? undefined : Reflect.get(target, key)),
      }),
    });
    try {
      expect(wasmAdamUpdate(backend)).toBeUndefined();
      await expectNoTensorLeak(() => {
        const dataIds = tf.memory().numDataBuffers;
        expect(fusedAdamUpdate(m, v, gradients, values, parameters)).toBeUndefined();
        expect(tf.memory().numDataBuffers).toBe(dataIds);
        // The kernel itself still runs (registered by the first call), on the JavaScript loop.
        const inputs = { m, v, value0: values[0]!, value1: values[1]!, gradient0: gradients[0]! };
        const outputs = tf.engine().runKernel('MiAdamUpdate', inputs, parameters) as tf.Tensor[];
        const [newM, newV, ...newValues] = outputs;
        expect(entries({ m: newM!, v: newV!, values: newValues })).toEqual(simd);
      });
    } finally {
      Object.assign(backend, { wasm });
    }
    expect(wasmAdamUpdate(backend)).toBeDefined();
    tf.dispose([...values, ...gradients.filter((g) => g !== null), m, v]);
  });
});
