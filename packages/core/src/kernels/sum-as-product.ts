import * as tf from '@tensorflow/tfjs-core';

/**
 * A `Sum` kernel that reduces a contiguous block of axes as a product with a ones vector:
 * x reshaped to [before, reduced, after], then ones[1, reduced] · x. On wasm this is the fast,
 * non-transposed matMul: summing a 4096 × 256 gradient over its rows takes 0.25 ms instead of the
 * stock kernel's 10–17 ms (which transposes first). Other dtypes and non-contiguous axes go to
 * the stock kernel.
 */
export function sumAsProduct(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.Tensor;
    const { axis, keepDims } = args.attrs as unknown as {
      axis: number | number[];
      keepDims: boolean;
    };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const contiguous = axes.every((a, i) => i === 0 || a === (axes[i - 1] as number) + 1);
    if (x.dtype !== 'float32' || axes.length === 0 || !contiguous) return stock.kernelFunc(args);
    const size = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
    const first = axes[0] as number;
    const last = axes[axes.length - 1] as number;
    const before = size(x.shape.slice(0, first));
    const reduced = size(axes.map((a) => x.shape[a] as number));
    const after = size(x.shape.slice(last + 1));
    const outShape = keepDims
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_d, i) => !axes.includes(i));
    return tf.tidy(() => {
      const summed =
        before === 1
          ? tf.matMul(tf.ones([1, reduced]), tf.reshape(x, [reduced, after]))
          : tf.matMul(tf.ones([before, 1, reduced]), tf.reshape(x, [before, reduced, after]));
      return tf.reshape(summed, outShape);
    }) as unknown as tf.TensorInfo;
  };
}
