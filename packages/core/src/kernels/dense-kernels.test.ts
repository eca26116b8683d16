import {
  fastActivation,
  fastDense,
  fastMatMul,
  setDenseKernels,
  setExplicitTransposes,
} from '@mi/core';
import { expectAllClose, expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';

// The dense kernels (the default, 'fused') against the path they replace ('stock':
// tf.fused.matMul and tfjs autodiff), on whichever backend this project runs: values and the
// gradient of every input to 1e-5.
afterEach(() => {
  setDenseKernels('fused');
  setExplicitTransposes('auto');
});

function valueAndGrads(f: (...inputs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]) {
  return tf.tidy(() => {
    // A weighted sum, so that every output entry gets its own upstream gradient.
    const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
      const out = f(...args);
      return tf.sum(
        tf.mul(out, tf.div(tf.reshape(tf.range(1, out.size + 1), out.shape), out.size)),
      );
    })(inputs);
    return [value.dataSync(), ...grads.map((g) => g.dataSync())].map((a) => Array.from(a));
  });
}

function fusedAgainstStock(f: (...inputs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]) {
  setDenseKernels('stock');
  const stock = valueAndGrads(f, inputs);
  setDenseKernels('fused');
  const fused = valueAndGrads(f, inputs);
  expect(fused.length).toBe(stock.length);
  stock.forEach((values, k) => {
    const scale = Math.max(1, ...values.map(Math.abs));
    expectAllClose(fused[k]!, values, { atol: 1e-5 * scale, rtol: 1e-5 });
  });
}

describe('dense kernels (fused) against the stock path', () => {
  it.each([
    ['linear', true],
    ['relu', true],
    ['elu', true],
    ['linear', false],
    ['relu', false],
  ] as const)('fastDense %s (bias %s): values and gradients to 1e-5', async (activation, withBias) => {
    const x = tf.randomNormal([7, 5], 0, 1, 'float32', 11);
    const w = tf.randomNormal([5, 6], 0, 1, 'float32', 12);
    const b = tf.randomNormal([6], 0, 1, 'float32', 13);
    await expectNoTensorLeak(() => {
      if (withBias) {
        fusedAgainstStock(
          (x, w, b) => fastDense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, activation),
          [x, w, b],
        );
      } else {
        fusedAgainstStock(
          (x, w) => fastDense(x as tf.Tensor2D, w as tf.Tensor2D, undefined, activation),
          [x, w],
        );
      }
    });
    tf.dispose([x, w, b]);
  });

  it.each([
    'relu',
    'elu',
  ] as const)('fastActivation %s: tf.relu / tf.elu exactly, zeros and negatives included, and one gradient kernel', async (activation) => {
    // Exact zeros and a 2-D shape as the joint critic's broadcast sum gives it.
    const x = tf.tensor2d([-2, -0.5, 0, 0, 0.25, 3, -1e-6, 1e-6, 7, -7, 0.5, -0.25], [3, 4]);
    await expectNoTensorLeak(() => {
      const reference = valueAndGrads(
        (x) => (activation === 'relu' ? tf.relu(x!) : tf.elu(x!)),
        [x],
      );
      for (const mode of ['stock', 'fused'] as const) {
        setDenseKernels(mode);
        const ours = valueAndGrads((x) => fastActivation(x!, activation), [x]);
        expectAllClose(ours[0]!, reference[0]!, { atol: 1e-6, rtol: 1e-6 });
        expect(ours[1]).toEqual(reference[1]);
      }
    });
    setDenseKernels('fused');
    const profile = await tf.profile(() =>
      tf.tidy(() => tf.grad((x) => tf.sum(fastActivation(x, activation)))(x)),
    );
    const names = profile.kernels.map((k) => k.name);
    if (['cpu', 'wasm', 'tensorflow'].includes(tf.getBackend())) {
      expect(names).toContain('MiActivation');
      expect(names).toContain('MiActivationGrad');
      expect(names).not.toContain('Step');
    }
    x.dispose();
  });

  it('fastActivation refuses an activation it does not have, naming it', () => {
    const x = tf.ones([2, 2]);
    expect(() => fastActivation(x, 'tanh' as 'relu')).toThrow(
      "fastActivation: invalid option 'activation': expected one of 'relu', 'elu', received \"tanh\"",
    );
    x.dispose();
  });

  // With explicit transposes (wasm's way), products whose output is a vector keep the kernel's own
  // transposes and the others copy their transposed operands: every case must be the product.
  it.each([
    [[4, 3], [3, 5], false, false],
    [[3, 4], [3, 5], true, false],
    [[4, 3], [5, 3], false, true],
    [[3, 4], [5, 3], true, true],
    [[9, 4], [9, 1], true, false],
    [[1, 9], [9, 4], false, false],
    [[9, 1], [9, 4], true, false],
    [[4, 9], [1, 9], false, true],
    [[6, 1], [1, 6], false, false],
    // Few rows against a wide right operand: computed as (B·Aᵀ)ᵀ, which packs the smaller side.
    [[2, 6], [8, 6], false, true],
    [[6, 2], [8, 6], true, true],
  ] as const)('fastMatMul %j · %j (transposeA %s, transposeB %s) with explicit transposes', async (aShape, bShape, ta, tb) => {
    const a = tf.randomNormal([...aShape], 0, 1, 'float32', 21);
    const b = tf.randomNormal([...bShape], 0, 1, 'float32', 22);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      fastMatMul(a as tf.Tensor2D, b as tf.Tensor2D, { transposeA: ta, transposeB: tb });
    const reference = valueAndGrads((a, b) => tf.matMul(a!, b!, ta, tb), [a, b]);
    for (const mode of ['never', 'always'] as const) {
      setExplicitTransposes(mode);
      const fused = await expectNoTensorLeak(() => valueAndGrads(f, [a, b]));
      reference.forEach((values, k) => {
        expectAllClose(fused[k]!, values, { atol: 1e-5, rtol: 1e-5 });
      });
    }
    tf.dispose([a, b]);
  });

  it('a three-layer MLP trains to the same weights as the stock path (two Adam steps)', () => {
    const x = tf.randomNormal([16, 8], 0, 1, 'float32', 31);
    const initial = [
      tf.randomNormal([8, 12], 0, 0.4, 'float32', 32),
      tf.randomNormal([12], 0, 0.4, 'float32', 33),
      tf.randomNormal([12, 12], 0, 0.3, 'float32', 34),
      tf.randomNormal([12], 0, 0.3, 'float32', 35),
      tf.randomNormal([12, 1], 0, 0.3, 'float32', 36),
    ];
    const train = (mode: 'fused' | 'stock') => {
      setDenseKernels(mode);
      const vars = initial.map((t) => tf.variable(t.clone()));
      const [w0, b0, w1, b1, w2] = vars as [
        tf.Variable<tf.Rank.R2>,
        tf.Variable<tf.Rank.R1>,
        tf.Variable<tf.Rank.R2>,
        tf.Variable<tf.Rank.R1>,
        tf.Variable<tf.Rank.R2>,
      ];
      const optimizer = tf.train.adam(0.01);
      for (let step = 0; step < 2; step++) {
        optimizer.minimize(() =>
          tf.tidy(() => {
            const h = fastDense(fastDense(x as tf.Tensor2D, w0, b0, 'relu'), w1, b1, 'elu');
            return tf.mean(tf.square(fastDense(h, w2))) as tf.Scalar;
          }),
        );
      }
      const values = vars.map((v) => Array.from(v.dataSync()));
      optimizer.dispose();
      tf.dispose(vars);
      return values;
    };
    const stock = train('stock');
    const fused = train('fused');
    stock.forEach((values, k) => {
      expectAllClose(fused[k]!, values, { atol: 1e-5, rtol: 1e-5 });
    });
    tf.dispose([x, ...initial]);
  });

  it('forms the input gradient only when something needs it (one product less per first layer)', async () => {
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 41);
    const w = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 42)) as tf.Variable<tf.Rank.R2>;
    const products = async (f: () => void) =>
      (await tf.profile(f)).kernels.filter((k) => k.name === 'MiMatMul2D').length;
    // The gradient of the kernel only: dW = xᵀ·dz, no dz·Wᵀ.
    const kernelOnly = await products(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(fastDense(x as tf.Tensor2D, w, undefined, 'relu')) as tf.Scalar,
        [w],
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    const both = await products(() => {
      tf.dispose(
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(fastDense(a as tf.Tensor2D, b as tf.Tensor2D, undefined, 'relu')),
        )([x, w]),
      );
    });
    expect(kernelOnly).toBe(1);
    expect(both).toBe(2);
    tf.dispose([x, w]);
  });

  it('runs one dense kernel per layer in the forward pass', async () => {
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 51);
    const w = tf.randomNormal([4, 3], 0, 1, 'float32', 52);
    const b = tf.randomNormal([3], 0, 1, 'float32', 53);
    const names = (
      await tf.profile(() =>
        fastDense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, 'relu').dispose(),
      )
    ).kernels.map((k) => k.name);
    expect(names.filter((n) => n === 'MiDense')).toHaveLength(1);
    expect(names).not.toContain('Relu');
    tf.dispose([x, w, b]);
  });

  it('setDenseKernels rejects unknown modes and returns the previous one', () => {
    expect(setDenseKernels('stock')).toBe('fused');
    expect(setDenseKernels('fused')).toBe('stock');
    expect(() => setDenseKernels('fast' as never)).toThrow(TypeError);
  });
});
