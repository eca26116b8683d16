import { type AdamStepParameters, fusedAdamUpdate } from '@mi/core';
import { InvalidArgumentError, ShapeMismatchError } from '@mi/spec';
import { expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { wasmAdamUpdate } from './adam-update-wasm';
import { ensureKernelFamily } from './kernel-family';

// fusedAdamUpdate (one kernel on cpu and wasm) against a float32 reference written from Adam's
// formula and against tf.train.adam itself, bit for bit, on values that stress the rounding.

const fusedBackend = () => ['cpu', 'wasm'].includes(tf.getBackend());
const { fround } = Math;

interface Hyperparameters {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

const settings: readonly Hyperparameters[] = [
  { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  // None of these is a float32 number; ε large enough to matter beside √v̂.
  { learningRate: 0.123456789, beta1: 0.7, beta2: 0.95, epsilon: 1e-3 },
  { learningRate: 5e-4, beta1: 0.5, beta2: 0.9999, epsilon: 0 },
];

/**
 * One Adam step on plain float32 arrays, written from the formula as tf.train.adam evaluates it:
 * every scalar a float32 tensor, every operation a float32 kernel (rounded once).
 */
function referenceStep(
  state: { m: Float32Array; v: Float32Array; theta: Float32Array },
  g: Float32Array,
  h: Hyperparameters,
  c1: number,
  c2: number,
): void {
  const f = fround;
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!;
    const m = f(f(state.m[i]! * f(h.beta1)) + f(gi * f(1 - h.beta1)));
    const v = f(f(state.v[i]! * f(h.beta2)) + f(f(gi * gi) * f(1 - h.beta2)));
    const mHat = f(m / c1);
    const vHat = f(v / c2);
    const step = f(f(mHat / f(f(Math.sqrt(vHat)) + f(h.epsilon))) * f(-h.learningRate));
    state.m[i] = m;
    state.v[i] = v;
    state.theta[i] = f(step + state.theta[i]!);
  }
}

/** β₁ᵗ, β₂ᵗ as tf.train.adam's accBeta variables hold them: float32 products from float32 β. */
function* corrections(h: Hyperparameters) {
  let power1 = fround(h.beta1);
  let power2 = fround(h.beta2);
  for (;;) {
    yield [fround(1 - power1), fround(1 - power2)] as const;
    power1 = fround(power1 * fround(h.beta1));
    power2 = fround(power2 * fround(h.beta2));
  }
}

// Magnitudes from float32's smallest subnormal to its largest finite number (g² overflows to ∞
// from ~1.8e19), zero and −0.
const magnitudes = [
  0, -0, 1e-45, 3e-42, 1e-39, 1.2e-38, 1e-30, 1e-20, 1e-10, 1e-7, 1e-3, 0.1, 1, 3, 1e3, 1e7, 1e15,
  1e19, 1e25, 1e30, 3.4e38,
];

/** A deterministic float32 array over the magnitudes, both signs, with random mantissas. */
function stressValues(size: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const u = Math.abs(Math.sin((seed * 7919 + i) * 12.9898) * 43758.5453) % 1;
    const magnitude = magnitudes[Math.floor(u * 997) % magnitudes.length]!;
    out[i] = (u < 0.5 ? -1 : 1) * magnitude * (0.5 + u) * scale;
  }
  return out;
}

const shapes = [[3, 4], [7], [], [2, 1, 3], [40]];
const sizes = shapes.map((shape) => shape.reduce((a, b) => a * b, 1));
const total = sizes.reduce((a, b) => a + b, 0);
const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));

/** The gradient of variable k at a step, or undefined (missing) on some steps for variable 1. */
const gradientAt = (step: number, k: number): Float32Array | undefined =>
  k === 1 && step % 5 === 3
    ? undefined
    : stressValues(sizes[k]!, 100 * step + k, k === 4 ? 1e-6 : 1);

/**
 * As plain numbers, which toEqual compares with Object.is: −0 differs from 0 and NaN equals NaN,
 * so bit identity but for NaN payloads.
 */
const entries = (values: ArrayLike<number>) => Array.from(values);

describe('fusedAdamUpdate', () => {
  it.each(
    settings.map((h, k) => [k, h] as const),
  )('equals the float32 formula bit for bit over 60 steps of stress values (setting %d)', async (_, h) => {
    const state = {
      m: new Float32Array(total),
      v: new Float32Array(total),
      theta: stressValues(total, 1),
    };
    let m = tf.zeros([total]);
    let v = tf.zeros([total]);
    let values = shapes.map((shape, k) =>
      tf.tensor(state.theta.slice(offsets[k], offsets[k]! + sizes[k]!), shape),
    );
    const bias = corrections(h);
    await expectNoTensorLeak(() => {
      for (let step = 0; step < 60; step++) {
        const [correction1, correction2] = bias.next().value as readonly [number, number];
        const grads = shapes.map((_, k) => gradientAt(step, k));
        const flat = new Float32Array(total);
        grads.forEach((g, k) => {
          if (g !== undefined) flat.set(g, offsets[k]);
        });
        referenceStep(state, flat, h, correction1, correction2);
        const gradients = grads.map((g, k) =>
          g === undefined ? undefined : tf.tensor(g, shapes[k]),
        );
        const parameters: AdamStepParameters = { ...h, correction1, correction2 };
        const update = fusedAdamUpdate(m, v, gradients, values, parameters);
        tf.dispose(gradients.filter((g) => g !== undefined));
        if (update === undefined) {
          expect(fusedBackend()).toBe(false);
          break;
        }
        tf.dispose([m, v, ...values]);
        ({ m, v, values } = update);
        expect(entries(m.dataSync())).toEqual(entries(state.m));
        expect(entries(v.dataSync())).toEqual(entries(state.v));
        values.forEach((value, k) => {
          expect(value.shape).toEqual(shapes[k]);
          expect(entries(value.dataSync())).toEqual(
            entries(state.theta.subarray(offsets[k], offsets[k]! + sizes[k]!)),
          );
        });
      }
    });
    tf.dispose([m, v, ...values]);
  });

  it.each(
    settings.map((h, k) => [k, h] as const),
  )('moves variables and moments exactly as tf.train.adam, with a missing gradient (setting %d)', async (_, h) => {
    if (!fusedBackend()) return;
    const initial = shapes.map((shape, k) =>
      tf.tensor(stressValues(sizes[k]!, 7 + k, 1e-3), shape),
    );
    const stock = initial.map((t) => tf.variable(t));
    const ours = initial.map((t) => tf.variable(t));
    const m = tf.variable(tf.zeros([total]));
    const v = tf.variable(tf.zeros([total]));
    tf.dispose(initial);
    await expectNoTensorLeak(async () => {
      const reference = tf.train.adam(h.learningRate, h.beta1, h.beta2, h.epsilon);
      const bias = corrections(h);
      for (let step = 0; step < 25; step++) {
        const [correction1, correction2] = bias.next().value as readonly [number, number];
        const gradients = shapes.map((shape, k) => {
          const g = gradientAt(step, k);
          return g === undefined ? undefined : tf.tensor(g, shape);
        });
        // tf.train.adam skips a missing gradient; a zero one is what the fused update treats it as.
        const zeros = gradients.map((g, k) => g ?? tf.zeros(shapes[k]!));
        reference.applyGradients(stock.map((w, k) => ({ name: w.name, tensor: zeros[k]! })));
        const update = fusedAdamUpdate(m, v, gradients, ours, {
          ...h,
          correction1,
          correction2,
        }) as NonNullable<ReturnType<typeof fusedAdamUpdate>>;
        m.assign(update.m);
        v.assign(update.v);
        ours.forEach((w, k) => {
          w.assign(update.values[k]!);
        });
        tf.dispose([update.m, update.v, ...update.values, ...zeros]);
      }
      ours.forEach((w, k) => {
        expect(entries(w.dataSync())).toEqual(entries(stock[k]!.dataSync()));
      });
      const weights = await reference.getWeights();
      // tf.train.adam's weights: iter, the k first moments, then the k second moments.
      const slots = weights.slice(1).map((w) => entries(w.tensor.dataSync()));
      expect(entries(m.dataSync())).toEqual(slots.slice(0, shapes.length).flat());
      expect(entries(v.dataSync())).toEqual(slots.slice(shapes.length).flat());
      tf.dispose(weights[0]!.tensor);
      reference.dispose();
    });
    tf.dispose([...stock, ...ours, m, v]);
  });

  it('runs as one kernel, and returns new tensors shaped as its inputs without touching them', async () => {
    const values = shapes.map((shape, k) => tf.randomNormal(shape, 0, 1, 'float32', k));
    const gradients = shapes.map((shape, k) => tf.randomNormal(shape, 0, 1, 'float32', 10 + k));
    // Moments shaped as one variable: a large variable's own moments (k = 1).
    const m = tf.randomNormal([5, 2, 7], 0, 1, 'float32', 20);
    const v = tf.square(tf.randomNormal([5, 2, 7], 0, 1, 'float32', 21));
    const matrix = tf.randomNormal([5, 2, 7], 0, 1, 'float32', 22);
    const before = [...values, m, v].map((t) => entries(t.dataSync()));
    const parameters = {
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      correction1: fround(0.1),
      correction2: fround(0.001),
    };
    await expectNoTensorLeak(async () => {
      const flatM = tf.zeros([total]);
      const flatV = tf.zeros([total]);
      const profile = await tf.profile(() => {
        const update = fusedAdamUpdate(flatM, flatV, gradients, values, parameters);
        if (update !== undefined) {
          expect(update.m.shape).toEqual([total]);
          expect(update.values.map((t) => t.shape)).toEqual(shapes);
          tf.dispose([update.m, update.v, ...update.values]);
        }
        const own = fusedAdamUpdate(m, v, [matrix], [matrix], parameters);
        if (own !== undefined) {
          expect([own.m.shape, own.v.shape, own.values[0]!.shape]).toEqual([
            [5, 2, 7],
            [5, 2, 7],
            [5, 2, 7],
          ]);
          tf.dispose([own.m, own.v, ...own.values]);
        }
      });
      if (fusedBackend()) {
        expect(profile.kernels.map((k) => k.name)).toEqual(['MiAdamUpdate', 'MiAdamUpdate']);
      }
      tf.dispose([flatM, flatV]);
    });
    expect([...values, m, v].map((t) => entries(t.dataSync()))).toEqual(before);
    tf.dispose([...values, ...gradients, m, v, matrix]);
  });

  it('rejects gradients and moments that do not fit the values, on every backend', () => {
    const parameters = {
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      correction1: 0.1,
      correction2: 0.001,
    };
    tf.tidy(() => {
      const values = [tf.zeros([2, 3]), tf.zeros([4])];
      const m = tf.zeros([10]);
      expect(() => fusedAdamUpdate(m, m, [values[0]], values, parameters)).toThrow(
        InvalidArgumentError,
      );
      expect(() => fusedAdamUpdate(m, m, [tf.zeros([3, 2]), null], values, parameters)).toThrow(
        ShapeMismatchError,
      );
      expect(() =>
        fusedAdamUpdate(tf.zeros([9]), tf.zeros([9]), [null, null], values, parameters),
      ).toThrow(/as many entries as the values/);
      expect(() => fusedAdamUpdate(m, tf.zeros([2, 5]), [null, null], values, parameters)).toThrow(
        ShapeMismatchError,
      );
    });
  });

  it('returns undefined, making no tensor, where the kernel does not run: int32 values, tfjs-node, a backend without it', async () => {
    const parameters = {
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      correction1: 0.1,
      correction2: 0.001,
    };
    const runs = () =>
      tf.tidy(() => {
        const value = tf.zeros([3]);
        const before = tf.memory().numTensors;
        const update = fusedAdamUpdate(tf.zeros([3]), tf.zeros([3]), [value], [value], parameters);
        const made = tf.memory().numTensors - before - 2;
        if (update !== undefined) tf.dispose([update.m, update.v, ...update.values]);
        return { runs: update !== undefined, made };
      });
    tf.tidy(() => {
      const integers = tf.zeros([3], 'int32');
      expect(
        fusedAdamUpdate(tf.zeros([3]), tf.zeros([3]), [integers], [integers], parameters),
      ).toBe(undefined);
    });
    expect(runs().runs).toBe(fusedBackend());
    // A host-only family runs on cpu and wasm only (no native side for tfjs-node).
    expect(ensureKernelFamily({ probe: 'MiAdamUpdate', host: () => [] })).toBe(fusedBackend());
    if (!fusedBackend()) {
      expect(runs().made).toBe(0);
      return;
    }
    // The same engine on a backend of another name, which has none of @mi/core's kernels.
    const { MathBackendCPU } = await import('@tensorflow/tfjs-backend-cpu');
    const active = tf.getBackend();
    const other = 'mi-test-without-kernels';
    tf.registerBackend(
      other,
      () => {
        // As initBackend does for cpu: no "install the node backend" notice on first use.
        const backend = new MathBackendCPU();
        (backend as unknown as { firstUse: boolean }).firstUse = false;
        return backend;
      },
      -1,
    );
    await tf.setBackend(other);
    try {
      await expectNoTensorLeak(() => {
        expect(runs()).toEqual({ runs: false, made: 0 });
        expect(ensureKernelFamily({ probe: 'MiAdamUpdate', host: () => [] })).toBe(false);
      });
    } finally {
      await tf.setBackend(active);
      tf.removeBackend(other);
    }
  });
});

// On wasm these run adam-update.wat's SIMD loop (four lanes, then a scalar tail), on cpu the
// JavaScript loop: the same float32 reference either way.
describe('fusedAdamUpdate, lane by lane', () => {
  // Sizes around multiples of 4 (all but two pieces end in a scalar tail), single entries, an
  // empty piece, and moments offsets that are not multiples of 4 entries (16 bytes).
  const pieceSizes = [1, 3, 5, 7, 1, 2, 13, 4, 9, 0, 1, 6, 33, 1, 8, 17, 2, 11];
  const pieceTotal = pieceSizes.reduce((a, b) => a + b, 0);
  const pieceOffsets = pieceSizes.map((_, k) => pieceSizes.slice(0, k).reduce((a, b) => a + b, 0));
  // Special values every third entry (so in every lane position): ±0, subnormals, ±∞, NaN, the
  // largest float32 (its square overflows), 1e19 (its square nearly does).
  const specials = [0, -0, 1e-45, -1e-45, 1.1e-38, 3.4028234e38, -3.4028234e38, 1e19, NaN];
  const special = (size: number, shift: number, extra: readonly number[] = []) => {
    const values = stressValues(size, shift);
    const pool = [...specials, ...extra];
    for (let i = shift % 3; i < size; i += 3) values[i] = pool[(i + shift) % pool.length]!;
    return values;
  };

  /** Moments of any sign, with specials: v < 0 makes √v̂ NaN, ∞ and NaN propagate. */
  const start = (seed: number, size = pieceTotal) => ({
    m: special(size, seed, [Infinity, -Infinity]),
    v: special(size, seed + 1, [Infinity]),
    theta: special(size, seed + 2, [-Infinity]),
  });

  it.each(
    settings.map((h, k) => [k, h] as const),
  )('equals the float32 formula bit for bit on 18 pieces of odd sizes, special values and missing gradients (setting %d)', async (_, h) => {
    const state = start(3);
    // Copies: the cpu backend would keep the reference's arrays as the tensors' data.
    let m = tf.tensor(state.m.slice(), [pieceTotal]);
    let v = tf.tensor(state.v.slice(), [pieceTotal]);
    let values = pieceSizes.map((size, k) =>
      tf.tensor(state.theta.slice(pieceOffsets[k], pieceOffsets[k]! + size), [size]),
    );
    const bias = corrections(h);
    await expectNoTensorLeak(() => {
      for (let step = 0; step < 4; step++) {
        const [correction1, correction2] = bias.next().value as readonly [number, number];
        const flat = special(pieceTotal, 10 + step, [Infinity, -Infinity]);
        // Pieces 2, 9 and 13 (and on odd steps piece 0) have no gradient: zero, as on cpu.
        const missing = (k: number) =>
          k === 2 || k === 9 || k === 13 || (k === 0 && step % 2 === 1);
        pieceSizes.forEach((size, k) => {
          if (missing(k)) flat.fill(0, pieceOffsets[k], pieceOffsets[k]! + size);
        });
        referenceStep(state, flat, h, correction1, correction2);
        const gradients = pieceSizes.map((size, k) =>
          missing(k)
            ? null
            : tf.tensor(flat.slice(pieceOffsets[k], pieceOffsets[k]! + size), [size]),
        );
        const update = fusedAdamUpdate(m, v, gradients, values, {
          ...h,
          correction1,
          correction2,
        });
        tf.dispose(gradients.filter((g) => g !== null));
        if (update === undefined) {
          expect(fusedBackend()).toBe(false);
          break;
        }
        tf.dispose([m, v, ...values]);
        ({ m, v, values } = update);
        expect(entries(m.dataSync())).toEqual(entries(state.m));
        expect(entries(v.dataSync())).toEqual(entries(state.v));
        expect(values.flatMap((value) => entries(value.dataSync()))).toEqual(entries(state.theta));
      }
    });
    // The stress values reached every kind of result.
    const all = [...state.m, ...state.v, ...state.theta];
    expect(all.some(Number.isNaN) && all.includes(Infinity) && all.includes(-Infinity)).toBe(true);
    expect(all.some((x) => x !== 0 && Math.abs(x) < 1.1754944e-38)).toBe(true);
    expect(all.some((x) => Object.is(x, -0))).toBe(true);
    tf.dispose([m, v, ...values]);
  });

  it('keeps working when the heap grows between updates, with no tensor left behind', async () => {
    const h = settings[0]!;
    const size = 1001;
    const reference = start(40, size);
    const [m, v, theta] = [reference.m, reference.v, reference.theta].map((x) =>
      tf.variable(tf.tensor(x.slice()), false),
    ) as [tf.Variable, tf.Variable, tf.Variable];
    // The wasm backend's heap (the same buffer as its Emscripten module's HEAPU8).
    const heap = () =>
      (tf.backend() as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.buffer.byteLength ?? 0;
    const bias = corrections(h);
    await expectNoTensorLeak(() => {
      for (let step = 0; step < 3; step++) {
        if (step === 2 && tf.getBackend() === 'wasm') {
          // As large as the whole heap: it cannot fit without growing it.
          const before = heap();
          tf.dispose(tf.fill([before / 4], 1));
          expect(heap()).toBeGreaterThan(before);
        }
        const [correction1, correction2] = bias.next().value as readonly [number, number];
        const g = stressValues(size, 50 + step);
        referenceStep(reference, g, h, correction1, correction2);
        const gradient = tf.tensor(g);
        const update = fusedAdamUpdate(m, v, [gradient], [theta], {
          ...h,
          correction1,
          correction2,
        });
        gradient.dispose();
        if (update === undefined) {
          expect(fusedBackend()).toBe(false);
          return;
        }
        m.assign(update.m);
        v.assign(update.v);
        theta.assign(update.values[0]!);
        tf.dispose([update.m, update.v, ...update.values]);
        expect(entries(m.dataSync())).toEqual(entries(reference.m));
        expect(entries(v.dataSync())).toEqual(entries(reference.v));
        expect(entries(theta.dataSync())).toEqual(entries(reference.theta));
      }
    });
    // The instance kept for the heap's memory is the one in use after it grew.
    if (tf.getBackend() === 'wasm') expect(wasmAdamUpdate(tf.backend())).toBeDefined();
    tf.dispose([m, v, theta]);
  });
});
