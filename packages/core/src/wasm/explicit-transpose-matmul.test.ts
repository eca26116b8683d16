import { fastDense, fastMatMul, setExplicitTransposes, usesExplicitTransposes } from '@mi/core';
import { expectAllClose, expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';

afterEach(() => {
  setExplicitTransposes('auto');
});

// Value and gradients (w.r.t. every input) of f, read back as plain arrays.
function valueAndGrads(f: (...inputs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]) {
  return tf.tidy(() => {
    // A weighted sum, so that every output entry gets its own upstream gradient.
    const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
      const out = f(...args);
      return tf.sum(tf.mul(out, tf.reshape(tf.range(1, out.size + 1), out.shape)));
    })(inputs);
    return [value.dataSync(), ...grads.map((g) => g.dataSync())].map((a) => Array.from(a));
  });
}

describe('explicit-transpose matMul and dense', () => {
  it('uses the explicit transposes on wasm only, unless told otherwise', () => {
    expect(usesExplicitTransposes()).toBe(tf.getBackend() === 'wasm');
    setExplicitTransposes('always');
    expect(usesExplicitTransposes()).toBe(true);
    expect(setExplicitTransposes('never')).toBe('always');
    expect(usesExplicitTransposes()).toBe(false);
    expect(() => setExplicitTransposes('sometimes' as never)).toThrow(TypeError);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('fastMatMul (transposeA %s, transposeB %s) equals tf.matMul, gradients included', async (ta, tb) => {
    const a = tf.randomNormal(ta ? [5, 3] : [3, 5], 0, 1, 'float32', 1);
    const b = tf.randomNormal(tb ? [4, 5] : [5, 4], 0, 1, 'float32', 2);
    const f = (x: tf.Tensor, y: tf.Tensor) =>
      fastMatMul(x as tf.Tensor2D, y as tf.Tensor2D, { transposeA: ta, transposeB: tb });
    setExplicitTransposes('never');
    const stock = valueAndGrads(f, [a, b]);
    setExplicitTransposes('always');
    const explicit = await expectNoTensorLeak(() => valueAndGrads(f, [a, b]));
    stock.forEach((values, k) => {
      expectAllClose(explicit[k]!, values, { atol: 1e-4, rtol: 1e-5 });
    });
    tf.dispose([a, b]);
  });

  it.each([
    'linear',
    'relu',
    'elu',
  ] as const)('fastDense with %s equals the unfused layer, gradients included (with and without bias)', async (activation) => {
    const x = tf.randomNormal([6, 4], 0, 1, 'float32', 3);
    const w = tf.randomNormal([4, 5], 0, 1, 'float32', 4);
    const b = tf.randomNormal([5], 0, 1, 'float32', 5);
    const act = (z: tf.Tensor) =>
      activation === 'relu' ? tf.relu(z) : activation === 'elu' ? tf.elu(z) : z;
    const reference = valueAndGrads((x, w, b) => act(tf.add(tf.matMul(x!, w!), b!)), [x, w, b]);
    for (const mode of ['never', 'always'] as const) {
      setExplicitTransposes(mode);
      const withBias = await expectNoTensorLeak(() =>
        valueAndGrads(
          (x, w, b) => fastDense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, activation),
          [x, w, b],
        ),
      );
      reference.forEach((values, k) => {
        expectAllClose(withBias[k]!, values, { atol: 1e-4, rtol: 1e-5 });
      });
      const withoutBias = valueAndGrads(
        (x, w) => fastDense(x as tf.Tensor2D, w as tf.Tensor2D, undefined, activation),
        [x, w],
      );
      const referenceWithoutBias = valueAndGrads((x, w) => act(tf.matMul(x!, w!)), [x, w]);
      referenceWithoutBias.forEach((values, k) => {
        expectAllClose(withoutBias[k]!, values, { atol: 1e-4, rtol: 1e-5 });
      });
    }
    tf.dispose([x, w, b]);
  });
});
