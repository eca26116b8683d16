import { readFile } from 'node:fs/promises';
import {
  conv2DBackpropInputPolyphase,
  registerWasmTrainingKernels,
  replaceKernel,
  restoreStockKernels,
  sliceFromHeap,
  stepAsComparison,
  sumAsProduct,
} from '@mi/core';
import { expectAllClose, expectNoTensorLeakSync } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { generateWasmModuleSource, wasmModules } from '../../scripts/compile-wasm-modules.mjs';
import { wasmColumnSums } from './sum-as-product';

// Each replacement is a function of the stock kernel; called directly here on the active backend
// (cpu or wasm), it must give what the stock kernel gives, fallbacks included.
const backend = () => tf.getBackend();
const run = (func: tf.KernelFunc, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>) =>
  tf.tidy(() => {
    const result = func({
      inputs,
      attrs: attrs as tf.NamedAttrMap,
      backend: tf.backend(),
    } as never) as unknown as tf.Tensor | tf.TensorInfo;
    // Stock kernels return bare TensorInfo (the engine wraps them); replacements return tensors.
    const out = result instanceof tf.Tensor ? result : tf.engine().makeTensorFromTensorInfo(result);
    return Array.from(out.dataSync());
  });
const stockOf = (name: string) => {
  // On wasm the registered kernel is already the replacement; its own fallback is the stock one,
  // so compare against the cpu kernel's values through a plain reference computation instead.
  const kernel = tf.getKernel(name, backend());
  if (kernel === undefined) throw new Error(`no ${name} kernel on ${backend()}`);
  return kernel;
};

describe('sumAsProduct', () => {
  const x = () => tf.randomNormal([3, 4, 5], 0, 1, 'float32', 7);
  it.each([
    [[0], false],
    [[1], true],
    [[2], false],
    [[0, 1], false],
    [[1, 2], true],
    [[0, 1, 2], false],
  ] as const)('sums over axes %j (keepDims %s) like tf.sum', (axis, keepDims) => {
    const input = x();
    const expected = tf.tidy(() => {
      // A reference through plain JavaScript arithmetic, independent of any kernel.
      const values = input.arraySync() as number[][][];
      const dims = [3, 4, 5];
      const outDims = dims.map((d, i) => ((axis as readonly number[]).includes(i) ? 1 : d));
      const out = new Float64Array(outDims.reduce((a, b) => a * b, 1));
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++)
          for (let k = 0; k < 5; k++) {
            const idx = [i, j, k].map((v, d) => ((axis as readonly number[]).includes(d) ? 0 : v));
            const at = (idx[0]! * outDims[1]! + idx[1]!) * outDims[2]! + idx[2]!;
            out[at] = (out[at] as number) + values[i]![j]![k]!;
          }
      return Array.from(out);
    });
    const replaced = run(sumAsProduct(stockOf('Sum')), { x: input }, { axis: [...axis], keepDims });
    expectAllClose(replaced, expected, { atol: 1e-5, rtol: 1e-5 });
    const shape = tf.tidy(() => tf.sum(input, [...axis], keepDims).shape);
    expect(shape).toEqual(
      keepDims
        ? [3, 4, 5].map((d, i) => ((axis as readonly number[]).includes(i) ? 1 : d))
        : [3, 4, 5].filter((_d, i) => !(axis as readonly number[]).includes(i)),
    );
    input.dispose();
  });

  // On wasm the sums with axes after the reduced ones now take column-sums.wat, so the product
  // path and its data-id guard run there only where the module cannot link; on cpu they run here.
  it('sums one tensor over different axes in either order (the wasm product cache keys by data id)', () => {
    // tfjs-backend-wasm caches the packed right-hand operand of a product by data id only, and
    // reshape shares the data id: reducing one tensor two ways once gave [3, 1, 1, 1] for [4.5, 4, 5, 4].
    const values = [1, 0.5, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.5, 1.5, 1, 1];
    const columns = [4.5, 4, 5, 4];
    const before = tf.memory().numTensors;
    for (const order of ['all first', 'columns first'] as const) {
      const d = tf.tensor2d(values, [4, 4]);
      // Through the registered Sum kernel, as the gradient tape and every op reach it.
      const all = () => tf.tidy(() => tf.sum(d).arraySync());
      const byColumn = () => tf.tidy(() => tf.sum(d, 0).arraySync());
      if (order === 'all first') {
        expect(all()).toBeCloseTo(17.5, 5);
        expectAllClose(byColumn() as number[], columns, { atol: 1e-5, rtol: 0 });
      } else {
        expectAllClose(byColumn() as number[], columns, { atol: 1e-5, rtol: 0 });
        expect(all()).toBeCloseTo(17.5, 5);
      }
      // And with two shapes as the right-hand operand: [3, 4, 5] over axis 0, then axes 0 and 1.
      const cube = tf.tidy(() => tf.reshape(tf.range(0, 60, 1, 'float32'), [3, 4, 5]));
      const overFirst = tf.tidy(() => tf.sum(cube, 0).arraySync()) as number[][];
      const overTwo = tf.tidy(() => tf.sum(cube, [0, 1]).arraySync()) as number[];
      expect(overFirst[0]).toEqual([60, 63, 66, 69, 72]);
      expect(overTwo).toEqual([330, 342, 354, 366, 378]);
      tf.dispose([d, cube]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is, as column-sums.wat, what that file compiles to now (rerun scripts/compile-wasm-modules.mjs if not)', async () => {
    const committed = await readFile(wasmModules['column-sums'].generatedFile, 'utf8');
    expect(committed).toBe(await generateWasmModuleSource('column-sums'));
  });

  it.runIf(backend() === 'wasm')(
    'adds the rows in order on the wasm heap: the float32 sequential sums, bit for bit',
    async () => {
      expect(wasmColumnSums(tf.backend())).toBeDefined();
      // 3 × 7 × 10 summed over the middle axis (10 columns: two groups of four and a tail of
      // two), and over the first axis of 7 × 30; values whose float32 sums depend on the order.
      for (const [shape, axis] of [
        [[3, 7, 10], 1],
        [[7, 30], 0],
      ] as const) {
        const size = shape.reduce((a: number, b: number) => a * b, 1);
        const values = Array.from(
          { length: size },
          (_, i) => ((i * 7919) % 1000) / 7 - 60 + 1e-3 * i,
        );
        const x = tf.tensor(values, [...shape]);
        const rows = shape[axis]!;
        const columns = shape.slice(axis + 1).reduce((a: number, b: number) => a * b, 1);
        const outer = size / (rows * columns);
        const expected: number[] = [];
        for (let o = 0; o < outer; o++) {
          for (let c = 0; c < columns; c++) {
            let sum = 0;
            for (let r = 0; r < rows; r++) {
              sum = Math.fround(sum + Math.fround(values[(o * rows + r) * columns + c]!));
            }
            expected.push(sum);
          }
        }
        let out: number[] = [];
        // The heap path dispatches no kernel; the product path would run BatchMatMul.
        const profile = await tf.profile(() => {
          out = run(sumAsProduct(stockOf('Sum')), { x }, { axis, keepDims: false });
        });
        expect(profile.kernels.map((k) => k.name)).not.toContain('BatchMatMul');
        expect(out).toEqual(expected);
        x.dispose();
      }
    },
  );

  it('sums empty tensors to zeros, leaving no tensor behind', () => {
    for (const [shape, axis, keepDims, expected] of [
      [[4, 0, 3], 1, false, [4, 3]],
      [[4, 0, 3], 1, true, [4, 1, 3]],
      [[0, 5], 0, false, [5]],
      [[3, 0], 1, false, [3]],
    ] as const) {
      const x = tf.zeros([...shape]);
      const out = tf.tidy(() => {
        const result = sumAsProduct(stockOf('Sum'))({
          inputs: { x },
          attrs: { axis, keepDims },
          backend: tf.backend(),
        } as never) as unknown as tf.Tensor | tf.TensorInfo;
        const tensor =
          result instanceof tf.Tensor ? result : tf.engine().makeTensorFromTensorInfo(result);
        return { shape: tensor.shape, values: Array.from(tensor.dataSync()) };
      });
      expect(out.shape).toEqual([...expected]);
      expect(out.values).toEqual(
        new Array(expected.reduce((a: number, b: number) => a * b, 1)).fill(0),
      );
      x.dispose();
    }
    // Through the registered kernel, as ops reach it (the heap path on wasm): nothing left over.
    expectNoTensorLeakSync(() => {
      const empty = tf.zeros([4, 0, 3]);
      const ones = tf.ones([7, 4, 6]);
      const sums = tf.tidy(() => [
        Array.from(tf.sum(empty, 1).dataSync()),
        Array.from(tf.sum(ones, 0).dataSync()),
        Array.from(tf.sum(ones, 1).dataSync()),
      ]);
      expect(sums[0]).toEqual(new Array(12).fill(0));
      expect(sums[1]).toEqual(new Array(24).fill(7));
      expect(sums[2]).toEqual(new Array(42).fill(4));
      tf.dispose([empty, ones]);
    });
  });

  it.runIf(backend() === 'wasm')(
    'takes the product path, with its data-id guard, where column-sums.wat cannot link',
    () => {
      // The backend without getMemoryOffset (as another tfjs-backend-wasm), shadowed on the
      // backend itself: the stock kernel the guard falls back to allocates through it.
      const wasmBackend = tf.backend();
      Object.defineProperty(wasmBackend, 'getMemoryOffset', {
        value: undefined,
        configurable: true,
      });
      try {
        expect(wasmColumnSums(wasmBackend)).toBeUndefined();
        const cube = tf.tidy(() => tf.reshape(tf.range(0, 60, 1, 'float32'), [3, 4, 5]));
        // The same data as the product's right operand in two shapes: the guard sends the
        // second to the stock kernel instead of XNNPACK's packing of the first.
        const overFirst = run(sumAsProduct(stockOf('Sum')), { x: cube }, { axis: [0] });
        const overTwo = run(sumAsProduct(stockOf('Sum')), { x: cube }, { axis: [0, 1] });
        expect(overFirst.slice(0, 5)).toEqual([60, 63, 66, 69, 72]);
        expect(overTwo).toEqual([330, 342, 354, 366, 378]);
        cube.dispose();
      } finally {
        delete (wasmBackend as unknown as { getMemoryOffset?: unknown }).getMemoryOffset;
      }
      expect(wasmColumnSums(wasmBackend)).toBeDefined();
    },
  );

  it('hands non-contiguous axes and integer tensors to the stock kernel', () => {
    const input = tf.tensor3d(
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ],
      undefined,
      'int32',
    );
    expect(
      run(sumAsProduct(stockOf('Sum')), { x: input }, { axis: [0, 2], keepDims: false }),
    ).toEqual([1 + 2 + 5 + 6, 3 + 4 + 7 + 8]);
    input.dispose();
  });
});

describe('conv2DBackpropInputPolyphase', () => {
  // The CNN critic's layers: padded first, then 'valid', stride 2, k = 5.
  it.each([
    { name: 'MNIST layer 1 (30 × 30 → 13 × 13)', x: [2, 32, 32, 2], k: 5, out: 4 },
    { name: 'MNIST layer 2 (18 × 18 → 7 × 7)', x: [2, 18, 18, 4], k: 5, out: 3 },
    { name: 'k4 (even taps)', x: [1, 10, 12, 3], k: 4, out: 2 },
    { name: 'k1 (ResNet shortcut: stock kernel)', x: [2, 8, 8, 4], k: 1, out: 6 },
  ] as {
    name: string;
    x: [number, number, number, number];
    k: number;
    out: number;
  }[])('equals the gradient of conv2d: $name', ({ x: xShape, k, out }) => {
    const x = tf.randomNormal(xShape, 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal([k, k, xShape[3]!, out], 0, 1, 'float32', 2) as tf.Tensor4D;
    const dy = tf.tidy(() =>
      tf.randomNormal(tf.conv2d(x, filter, 2, 'valid').shape, 0, 1, 'float32', 3),
    ) as tf.Tensor4D;
    // Reference: the input gradient by autodiff of conv2d, i.e. the registered kernel.
    const reference = tf.tidy(() =>
      Array.from(
        tf
          .grad((v) => tf.sum(tf.mul(tf.conv2d(v as tf.Tensor4D, filter, 2, 'valid'), dy)))(x)
          .dataSync(),
      ),
    );
    const stock = tf.getKernel('Conv2DBackpropInput', backend())!;
    const replaced = run(
      conv2DBackpropInputPolyphase(stock),
      { dy, filter },
      {
        inputShape: xShape,
        strides: [2, 2],
        pad: 'valid',
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
      },
    );
    const scale = Math.max(...reference.map(Math.abs));
    expectAllClose(replaced, reference, { atol: 1e-5 * scale, rtol: 1e-5 });
    tf.dispose([x, filter, dy]);
  });
});

describe('stepAsComparison', () => {
  it('is 1 above zero, 0 at and below (and for NaN); leaky steps use the stock kernel', () => {
    const x = tf.tensor1d([-2, 0, 3, Number.NaN]);
    const stock = tf.getKernel('Step', backend())!;
    const values = run(stepAsComparison(stock), { x }, { alpha: 0 });
    expect(values.slice(0, 3)).toEqual([0, 0, 1]);
    expect(values[3]).toBe(0);
    expect(run(stepAsComparison(stock), { x }, { alpha: 0.1 }).slice(0, 3)).toEqual(
      tf.tidy(() => Array.from(tf.step(tf.tensor1d([-2, 0, 3]), 0.1).dataSync())),
    );
    x.dispose();
  });
});

describe.runIf((process.env['MI_BACKEND'] || 'cpu') === 'wasm')('on wasm', () => {
  it('initBackend installed the Sum and Conv2DBackpropInput replacements, once', () => {
    expect(registerWasmTrainingKernels()).toEqual([]);
  });
});

describe('replacements registered through the engine', () => {
  it('leave no tensors behind in a training gradient (dense + conv on the active backend)', () => {
    const x = tf.randomNormal([4, 18, 18, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
    const filter = tf.variable(
      tf.randomNormal([5, 5, 2, 3], 0, 1, 'float32', 5),
    ) as tf.Variable<tf.Rank.R4>;
    const weights = tf.variable(
      tf.randomNormal([147, 8], 0, 1, 'float32', 6),
    ) as tf.Variable<tf.Rank.R2>;
    const loss = () =>
      tf.sum(
        tf.relu(tf.matMul(tf.reshape(tf.conv2d(x, filter, 2, 'valid'), [4, 147]), weights)),
      ) as tf.Scalar;
    const grads = tf.variableGrads(loss);
    tf.dispose([grads.value, ...Object.values(grads.grads)]);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) {
      const again = tf.variableGrads(loss);
      tf.dispose([again.value, ...Object.values(again.grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, filter, weights]);
  });
});

describe('replaceKernel and restoreStockKernels', () => {
  it('replaces once, keeps the stock kernel for fallbacks, and puts it back', () => {
    const name = 'Neg';
    const stock = tf.getKernel(name, backend())!;
    const negTwice: (s: tf.KernelConfig) => tf.KernelFunc = (s) => (args) =>
      tf.tidy(() =>
        tf.mul(tf.engine().makeTensorFromTensorInfo(s.kernelFunc(args) as tf.TensorInfo), 2),
      ) as unknown as tf.TensorInfo;
    expect(replaceKernel(name, backend(), negTwice)).toBe(true);
    expect(replaceKernel(name, backend(), negTwice)).toBe(false);
    expect(tf.tidy(() => Array.from(tf.neg(tf.tensor1d([1, -2])).dataSync()))).toEqual([-2, 4]);
    expect(restoreStockKernels()).toContain(`${backend()}/${name}`);
    expect(tf.getKernel(name, backend())).toBe(stock);
    expect(tf.tidy(() => Array.from(tf.neg(tf.tensor1d([1, -2])).dataSync()))).toEqual([-1, 2]);
    // restoreStockKernels put back every displaced kernel: reinstall the project's replacements.
    if (backend() === 'wasm')
      expect(registerWasmTrainingKernels()).toEqual([
        'Sum',
        'Conv2DBackpropInput',
        'Identity',
        'Slice',
        'SplitV',
        'Transpose',
      ]);
  });
});

describe('sliceFromHeap and splitVFromHeap', () => {
  const x = () =>
    tf.tensor3d(
      Array.from({ length: 2 * 3 * 4 }, (_, i) => i),
      [2, 3, 4],
    );

  it.each([
    { begin: [1, 0, 0], size: [1, 3, 4], name: 'a contiguous block' },
    { begin: [0, 1, 0], size: [1, 2, 4], name: 'rows within the first block' },
    { begin: [0, 1, 1], size: [2, 2, 2], name: 'a strided window (stock kernel)' },
  ])('slices $name like tf.slice', ({ begin, size }) => {
    const input = x();
    const expected = tf.tidy(() => Array.from(tf.slice(input, begin, size).dataSync()));
    // The expected values from plain arithmetic on the indices, independent of any kernel.
    const reference: number[] = [];
    for (let i = 0; i < size[0]!; i++)
      for (let j = 0; j < size[1]!; j++)
        for (let k = 0; k < size[2]!; k++)
          reference.push((begin[0]! + i) * 12 + (begin[1]! + j) * 4 + (begin[2]! + k));
    expect(expected).toEqual(reference);
    if (backend() === 'wasm') {
      expect(run(sliceFromHeap(stockOf('Slice')), { x: input }, { begin, size })).toEqual(
        reference,
      );
    }
    input.dispose();
  });

  it('splits a flat vector into pieces like tf.split, and other axes through the stock kernel', () => {
    const flat = tf.range(0, 10);
    const pieces = tf.tidy(() => tf.split(flat, [3, 5, 2]).map((t) => Array.from(t.dataSync())));
    expect(pieces).toEqual([
      [0, 1, 2],
      [3, 4, 5, 6, 7],
      [8, 9],
    ]);
    const input = x();
    const columns = tf.tidy(() => tf.split(input, [1, 3], 2).map((t) => t.shape));
    expect(columns).toEqual([
      [2, 3, 1],
      [2, 3, 3],
    ]);
    tf.dispose([flat, input]);
  });
});
