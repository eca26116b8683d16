import { fastDense, fastMatMul } from '@mi/core';
import { applyConvOriented, type OrientedMaps, unflip } from '@mi/critics';
import type { Critic } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { type ClassifierTrunk, MNIST_CLASSIFIER } from './flop-count';

/**
 * The SLB and CLB steps with the `cnn` critic's trunk (paper 004 §5.1 on MNIST):
 *
 * ```
 * slb:  T(x, y)   = f(x)·o(y),   f: conv 64 k5 s2 → conv 128 k5 s2 → dense 1024 → 10 logits, o(y) one-hot
 * clb:  T(x₁, x₂) = f(x₁)·f(x₂), the same trunk with a 128-unit head, one pass over the 2n images
 * ```
 *
 * Harness-local: `@mi/critics` has these heads on ResNet-18 (`resnet18Critic`, heads `slb` and
 * `clb`) and the pair and separable heads on the CNN, not a CNN classifier; the layers are the
 * ones `cnnCritic` uses (`applyConvOriented`: 'same' convolutions on maps kept reversed where that
 * equals the symmetric padding, on tfjs-node; zero padding then 'valid' elsewhere; `fastDense`), initialised as
 * PyTorch's `nn.Conv2d` / `nn.Linear`. The PyTorch side (`scripts/torch-timing.py`) builds the
 * same network.
 */
export function imageClassifierCritic(options: {
  readonly head: 'slb' | 'clb';
  readonly seed: number;
  readonly classes?: number;
  readonly embeddingSize?: number;
  /** The trunk; default the MNIST network of the `cnn` critic ({@link MNIST_CLASSIFIER}). */
  readonly layout?: Partial<ClassifierTrunk>;
}): Critic {
  const outputs = options.head === 'slb' ? (options.classes ?? 10) : (options.embeddingSize ?? 128);
  const layout = { ...MNIST_CLASSIFIER, ...options.layout };
  const { filters, kernelSize: k, stride, padding, denseUnits, channels } = layout;
  let side = [layout.height, layout.width];
  let seed = options.seed * 1000 + 17;
  const variables: tf.Variable[] = [];
  const prefix = `mi-perf-${options.head}-${Math.random().toString(36).slice(2, 10)}`;
  const uniform = (name: string, shape: number[], fanIn: number) => {
    const limit = 1 / Math.sqrt(fanIn);
    const value = tf.tidy(() => tf.randomUniform(shape, -limit, limit, 'float32', seed++));
    const variable = tf.variable(value, true, `${prefix}/${name}`);
    value.dispose();
    variables.push(variable);
    return variable;
  };
  const convs: { filter: tf.Variable; bias: tf.Variable }[] = [];
  let inChannels: number = channels;
  filters.forEach((out, index) => {
    side = side.map((size) => Math.floor((size + 2 * padding - k) / stride) + 1);
    const fanIn = k * k * inChannels;
    convs.push({
      filter: uniform(`conv${index}/filter`, [k, k, inChannels, out], fanIn),
      bias: uniform(`conv${index}/bias`, [out], fanIn),
    });
    inChannels = out;
  });
  const flat = side[0]! * side[1]! * inChannels;
  const sizes = [flat, ...denseUnits, outputs];
  const dense: { kernel: tf.Variable; bias: tf.Variable }[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    dense.push({
      kernel: uniform(`dense${l}/kernel`, [sizes[l]!, sizes[l + 1]!], sizes[l]!),
      bias: uniform(`dense${l}/bias`, [sizes[l + 1]!], sizes[l]!),
    });
  }
  const f = (images: tf.Tensor4D): tf.Tensor2D => {
    let maps: OrientedMaps = { maps: images, flipped: [] };
    for (const conv of convs) {
      maps = applyConvOriented(
        maps,
        conv.filter as tf.Tensor4D,
        stride,
        padding,
        conv.bias as tf.Tensor1D,
        'relu',
      );
    }
    const last = unflip(maps);
    let h = tf.reshape(last, [last.shape[0], flat]) as tf.Tensor2D;
    dense.forEach((layer, l) => {
      h = fastDense(
        h,
        layer.kernel as tf.Tensor2D,
        layer.bias as tf.Tensor1D,
        l + 1 === dense.length ? 'linear' : 'relu',
      );
    });
    return h;
  };
  const factors = (x: tf.Tensor, y: tf.Tensor): [tf.Tensor2D, tf.Tensor2D] => {
    if (options.head === 'slb') return [f(x as tf.Tensor4D), y as tf.Tensor2D];
    const both = f(tf.concat([x as tf.Tensor4D, y as tf.Tensor4D], 0));
    return tf.split(both, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
  };
  const critic: Critic = {
    id: `cnn-${options.head}`,
    scores: (x, y) =>
      tf.tidy(() => {
        const [fx, fy] = factors(x, y);
        return fastMatMul(fx, fy, { transposeB: true });
      }),
    pairs: (x, y) =>
      tf.tidy(() => {
        const [fx, fy] = factors(x, y);
        return tf.sum(tf.mul(fx, fy), 1) as tf.Tensor1D;
      }),
    trainableVariables: variables,
    nonTrainableVariables: [],
    getConfig: () => ({
      id: `cnn-${options.head}`,
      config: { head: options.head, outputs, seed: options.seed },
    }),
    dispose: () => {
      for (const v of variables) v.dispose();
    },
  };
  return critic;
}
