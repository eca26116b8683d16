import { registerWasmTrainingKernels } from '@mi/core';
import { expectAllClose, expectNoTensorLeak } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const onWasm = (process.env['MI_BACKEND'] || 'cpu') === 'wasm';

// The filter gradient of a conv2d on the active backend, for a few stride/padding shapes.
function filterGradient(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  dy: tf.Tensor4D,
  stride: number,
  pad: 'same' | 'valid' | number,
): Float32Array {
  const gradient = tf.tidy(() =>
    tf.grad((w) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, stride, pad), dy)))(filter),
  );
  const values = gradient.dataSync() as Float32Array;
  gradient.dispose();
  return values;
}

const shapes = [
  { name: 'MNIST first layer (k5 s2 p2)', x: [2, 28, 28, 2], k: 5, out: 8, stride: 2, pad: 2 },
  { name: 'k5 s2 p2 on 14 × 14 × 8', x: [2, 14, 14, 8], k: 5, out: 4, stride: 2, pad: 2 },
  { name: "k3 s1 'same'", x: [3, 6, 5, 3], k: 3, out: 2, stride: 1, pad: 'same' },
  { name: "k3 s2 'valid' (odd size)", x: [1, 7, 9, 2], k: 3, out: 3, stride: 2, pad: 'valid' },
  { name: 'k1 s2 (ResNet shortcut)', x: [2, 8, 8, 4], k: 1, out: 6, stride: 2, pad: 0 },
] as const;

describe.runIf(onWasm)('Conv2DBackpropFilter on wasm', () => {
  it('is registered by initBackend, and registering again changes nothing', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(registerWasmTrainingKernels()).toEqual([]);
  });

  it.each(shapes)('matches the cpu backend to 1e-5 (relative): $name', async (shape) => {
    const x = tf.randomNormal([...shape.x], 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal(
      [shape.k, shape.k, shape.x[3], shape.out],
      0,
      1,
      'float32',
      2,
    ) as tf.Tensor4D;
    const outShape = tf.tidy(() => tf.conv2d(x, filter, shape.stride, shape.pad).shape);
    const dy = tf.randomNormal(outShape, 0, 1, 'float32', 3) as tf.Tensor4D;
    const onWasmBackend = await expectNoTensorLeak(() =>
      filterGradient(x, filter, dy, shape.stride, shape.pad),
    );
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    try {
      const onCpu = filterGradient(x, filter, dy, shape.stride, shape.pad);
      const scale = Math.max(...onCpu.map(Math.abs));
      expectAllClose(onWasmBackend, onCpu, { atol: 1e-5 * scale, rtol: 1e-5 });
    } finally {
      await tf.setBackend('wasm');
    }
    tf.dispose([x, filter, dy]);
  });
});
