import { expectAllClose } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  applyConv,
  applyConvOriented,
  convAsSame,
  type FlippedAxes,
  type SamePlan,
  samePaddingPlan,
  unflip,
} from './conv';

type Conv = (a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Pads p zeros on each side, then a 'valid' convolution, bias and ReLU: the definition. */
const padThenValid =
  (stride: number, p: number): Conv =>
  (a, f, b) =>
    tf.relu(
      tf.add(
        tf.conv2d(
          tf.pad(a as tf.Tensor4D, [
            [0, 0],
            [p, p],
            [p, p],
            [0, 0],
          ]),
          f as tf.Tensor4D,
          stride,
          'valid',
        ),
        b,
      ),
    );

/** Value and gradients (input, filter, bias) of Σ w ⊙ conv(x) against the definition's. */
function expectSameConvolution(
  conv: Conv,
  shape: readonly [number, number, number, number],
  k: number,
  stride: number,
  p: number,
) {
  const x = tf.randomNormal([...shape], 0, 1, 'float32', 1) as tf.Tensor4D;
  const filter = tf.randomNormal([k, k, shape[3], 4], 0, 1, 'float32', 2) as tf.Tensor4D;
  const bias = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
  const reference = padThenValid(stride, p);
  const outShape = tf.tidy(() => reference(x, filter, bias).shape);
  const weights = tf.randomNormal(outShape, 0, 1, 'float32', 4);
  const run = (f: Conv) =>
    tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
        const out = f(a, w, b);
        expect(out.shape).toEqual(outShape);
        return tf.sum(tf.mul(out, weights));
      })([x, filter, bias]);
      return [value, ...grads].map((t) => Array.from(t.dataSync()));
    });
  const expected = run(reference);
  run(conv).forEach((values, i) => {
    expectAllClose(values, expected[i]!, { atol: 1e-4, rtol: 1e-5 });
  });
  tf.dispose([x, filter, bias, weights]);
}

describe('samePaddingPlan', () => {
  it('maps symmetric padding onto TensorFlow’s (⌊t/2⌋ before, the rest after)', () => {
    // Stride 1, pad (k − 1)/2: t = k − 1 = 2·pad.
    expect(samePaddingPlan(7, 3, 1, 1)).toBe('same');
    expect(samePaddingPlan(6, 5, 1, 2)).toBe('same');
    // 14 → 7, k5 s2 p2: t = 6·2 + 5 − 14 = 3, 'same' pads (1, 2); the symmetric one reads (2, 1).
    expect(samePaddingPlan(14, 5, 2, 2)).toBe('flipped');
    expect(samePaddingPlan(28, 5, 2, 2)).toBe('flipped');
    // ResNet's 32 → 16, k3 s2 p1: t = 1, 'same' pads (0, 1); the symmetric one reads (1, 0).
    expect(samePaddingPlan(32, 3, 2, 1)).toBe('flipped');
    // 15 → 8, k5 s2 p2: t = 14 + 5 − 15 = 4, (2, 2) both ways; 16 → 8, k4 s2 p1: t = 2.
    expect(samePaddingPlan(15, 5, 2, 2)).toBe('same');
    expect(samePaddingPlan(16, 4, 2, 1)).toBe('same');
    // Different output sizes: 14 + 2 − 5 = 11 → 6 outputs against ⌈14/2⌉ = 7; 7 − 2 = 5 against 7.
    expect(samePaddingPlan(14, 5, 2, 1)).toBeUndefined();
    expect(samePaddingPlan(7, 5, 1, 1)).toBeUndefined();
  });
});

describe('convAsSame', () => {
  it.each([
    { shape: [2, 14, 14, 3], k: 5, stride: 2, p: 2 },
    { shape: [2, 15, 14, 3], k: 5, stride: 2, p: 2 },
    { shape: [2, 8, 8, 3], k: 3, stride: 2, p: 1 },
    { shape: [2, 6, 7, 3], k: 3, stride: 1, p: 1 },
  ] as const)('$shape k$k stride $stride pad $p: the symmetric convolution, gradients included', ({
    shape,
    k,
    stride,
    p,
  }) => {
    const plans = [
      samePaddingPlan(shape[1], k, stride, p),
      samePaddingPlan(shape[2], k, stride, p),
    ];
    expect(plans).not.toContain(undefined);
    expectSameConvolution(
      (a, f, b) =>
        unflip(
          convAsSame(
            { maps: a as tf.Tensor4D, flipped: [] },
            f as tf.Tensor4D,
            stride,
            plans as [SamePlan, SamePlan],
            b as tf.Tensor1D,
            'relu',
          ),
        ),
      shape,
      k,
      stride,
      p,
    );
  });
});

describe('applyConvOriented', () => {
  // Two stride-2 layers (14 → 7 → 4) and a stride-1 one, kept reversed in between, against
  // pad + 'valid' three times; also starting from maps stored reversed.
  it.each([
    [[]],
    [[1]],
    [[2]],
    [[1, 2]],
  ] as const)('a chain from maps stored reversed on %j equals the symmetric convolutions', (start: FlippedAxes) => {
    const x = tf.randomNormal([2, 14, 14, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const f1 = tf.randomNormal([5, 5, 3, 4], 0, 1, 'float32', 6) as tf.Tensor4D;
    const f2 = tf.randomNormal([5, 5, 4, 4], 0, 1, 'float32', 7) as tf.Tensor4D;
    const f3 = tf.randomNormal([3, 3, 4, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
    const b = tf.randomNormal([4], 0, 1, 'float32', 9) as tf.Tensor1D;
    const c = tf.randomNormal([2], 0, 1, 'float32', 10) as tf.Tensor1D;
    const weights = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 11);
    type Chain = (a: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor) => tf.Tensor;
    const reference: Chain = (a, w1, w2, w3) =>
      padThenValid(1, 1)(padThenValid(2, 2)(padThenValid(2, 2)(a, w1, b), w2, b), w3, c);
    const ours: Chain = (a, w1, w2, w3) => {
      const stored = (start.length === 0 ? a : tf.reverse(a, [...start])) as tf.Tensor4D;
      let maps = applyConvOriented(
        { maps: stored, flipped: start },
        w1 as tf.Tensor4D,
        2,
        2,
        b,
        'relu',
      );
      maps = applyConvOriented(maps, w2 as tf.Tensor4D, 2, 2, b, 'relu');
      maps = applyConvOriented(maps, w3 as tf.Tensor4D, 1, 1, c, 'relu');
      return unflip(maps);
    };
    const run = (f: Chain) =>
      tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads(
          (a: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor) =>
            tf.sum(tf.mul(f(a, w1, w2, w3), weights)),
        )([x, f1, f2, f3]);
        return [value, ...grads].map((t) => Array.from(t.dataSync()));
      });
    const expected = run(reference);
    run(ours).forEach((values, i) => {
      expectAllClose(values, expected[i]!, { atol: 1e-3, rtol: 1e-5 });
    });
    tf.dispose([x, f1, f2, f3, b, c, weights]);
  });

  it('keeps the orientation through a symmetric stride-1 layer, drops it for pad + "valid"', () => {
    const x = tf.randomNormal([1, 14, 14, 2]) as tf.Tensor4D;
    const k3 = tf.randomNormal([3, 3, 2, 2]) as tf.Tensor4D;
    const k5 = tf.randomNormal([5, 5, 2, 2]) as tf.Tensor4D;
    const kept = applyConvOriented({ maps: x, flipped: [1, 2] }, k3, 1, 1);
    expect(kept.flipped).toEqual([1, 2]);
    // k5 s2 p1 on 14 gives 6 outputs, 'same' 7: pad + 'valid', stored in natural order.
    const valid = applyConvOriented({ maps: x, flipped: [2] }, k5, 2, 1);
    expect(valid.flipped).toEqual([]);
    tf.dispose([x, k3, k5, kept.maps, valid.maps]);
  });
});

// applyConv on the test project's backend: 'same' for stride 1, pad + 'valid' where 'same' would
// need an axis reversed; always the symmetric convolution.
describe('applyConv', () => {
  it.each([
    { shape: [2, 6, 7, 3], k: 3, stride: 1, p: 1 },
    { shape: [2, 6, 7, 3], k: 5, stride: 1, p: 2 },
    { shape: [2, 14, 14, 3], k: 5, stride: 2, p: 2 },
    { shape: [2, 14, 14, 3], k: 5, stride: 2, p: 1 },
  ] as const)('$shape k$k stride $stride pad $p equals pad + "valid"', ({
    shape,
    k,
    stride,
    p,
  }) => {
    expectSameConvolution(
      (a, f, b) =>
        applyConv(a as tf.Tensor4D, f as tf.Tensor4D, stride, p, b as tf.Tensor1D, 'relu'),
      shape,
      k,
      stride,
      p,
    );
  });

  it.each([
    [3, 1],
    [5, 2],
  ])('k%i stride 1 pad %i runs without the padded copy', async (k, p) => {
    const x = tf.randomNormal([2, 6, 7, 3]) as tf.Tensor4D;
    const filter = tf.randomNormal([k, k, 3, 4]) as tf.Tensor4D;
    const kernels = (await tf.profile(() => applyConv(x, filter, 1, p).dispose())).kernels.map(
      (kernel) => kernel.name,
    );
    expect(kernels).not.toContain('PadV2');
    tf.dispose([x, filter]);
  });

  it('does not reverse a single layer: stride 2 pad 2 on 14 pads and runs "valid"', async () => {
    const x = tf.randomNormal([2, 14, 14, 3]) as tf.Tensor4D;
    const filter = tf.randomNormal([5, 5, 3, 4]) as tf.Tensor4D;
    const kernels = (await tf.profile(() => applyConv(x, filter, 2, 2).dispose())).kernels.map(
      (kernel) => kernel.name,
    );
    expect(kernels).toContain('PadV2');
    expect(kernels).not.toContain('Reverse');
    tf.dispose([x, filter]);
  });
});

describe('oriented convolutions: memory and bad input', () => {
  it('leave no tensors behind but their outputs, on both routes', () => {
    const x = tf.randomNormal([2, 14, 14, 3]) as tf.Tensor4D;
    const f1 = tf.randomNormal([5, 5, 3, 4]) as tf.Tensor4D;
    const f2 = tf.randomNormal([5, 5, 4, 2]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    // The project's route (flipped 'same' on tfjs-node, pad + 'valid' elsewhere) ...
    const first = applyConvOriented({ maps: x, flipped: [] }, f1, 2, 2, undefined, 'relu');
    const second = applyConvOriented(first, f2, 2, 2);
    const out = unflip(second);
    tf.dispose([first.maps, second.maps, out]);
    // ... and the flipped 'same' route on every backend, from maps stored reversed on one axis.
    const same = convAsSame({ maps: x, flipped: [2] }, f1, 2, ['flipped', 'flipped']);
    expect(same.flipped).toEqual([1, 2]);
    same.maps.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, f1, f2]);
  });

  it('name the argument and the value received', () => {
    const x = tf.zeros([1, 6, 6, 3]) as tf.Tensor4D;
    const filter = tf.zeros([3, 3, 3, 2]) as tf.Tensor4D;
    const maps = { maps: x, flipped: [] as FlippedAxes };
    expect(() => applyConvOriented(maps, tf.zeros([3, 3, 4, 2]) as tf.Tensor4D, 1, 1)).toThrow(
      'applyConvOriented: invalid option \'filter\': expected a [kh, kw, 3, out] filter for maps of 3 channels, received "a tensor of shape [3,3,4,2]"',
    );
    expect(() => applyConvOriented(maps, filter, 0, 1)).toThrow(/'stride'.*received 0/);
    expect(() => applyConvOriented(maps, filter, 1, -1)).toThrow(/'padding'.*received -1/);
    expect(() =>
      applyConvOriented(
        { maps: tf.zeros([6, 6, 3]) as unknown as tf.Tensor4D, flipped: [] },
        filter,
        1,
        1,
      ),
    ).toThrow(/'input\.maps'.*a tensor of shape \[6,6,3\]/);
    expect(() => unflip({ maps: x, flipped: [3] as unknown as FlippedAxes })).toThrow(
      /unflip: invalid option 'input\.flipped'.*\[3\]/,
    );
    expect(() => unflip({ maps: x, flipped: [1, 1] })).toThrow(/'input\.flipped'/);
    expect(() => samePaddingPlan(14, 5, 2, 0.5)).toThrow(
      /samePaddingPlan: invalid option 'padding'/,
    );
    expect(() => samePaddingPlan(0, 5, 2, 2)).toThrow(/'size'/);
    tf.dispose([x, filter]);
  });
});
