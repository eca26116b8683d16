import * as tf from '@tensorflow/tfjs-core';

/**
 * The input gradient of a stride-2 'valid' NHWC convolution as four stride-1 convolutions (a
 * polyphase split of the transposed convolution): output phase (r_y, r_x) of dx is a full
 * correlation of dy with the taps k ≡ r (mod 2), flipped. tfjs-backend-wasm's own
 * `Conv2DBackpropInput` is a plain loop (1.6–2.1 s for the MNIST CNN critic's second layer at
 * n = 16); its `Conv2D` runs on XNNPACK, and the four convolutions take ~0.45 s. Other cases
 * (strides ≠ 2, padding other than 'valid', odd input sizes, non-square or 1 × 1 filters, dilations) go to
 * the stock kernel. The CNN critics pad first and use 'valid' (tfjs-node rejects explicit pads).
 */
export function conv2DBackpropInputPolyphase(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const dy = args.inputs['dy'] as tf.Tensor4D;
    const filter = args.inputs['filter'] as tf.Tensor4D;
    const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs & {
      dilations?: number | [number, number];
    };
    const [batch, inHeight, inWidth, inChannels] = attrs.inputShape;
    const strides =
      typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
    const dilations =
      attrs.dilations === undefined
        ? [1, 1]
        : typeof attrs.dilations === 'number'
          ? [attrs.dilations, attrs.dilations]
          : attrs.dilations;
    if (
      attrs.pad !== 'valid' ||
      attrs.dataFormat === 'NCHW' ||
      strides[0] !== 2 ||
      strides[1] !== 2 ||
      dilations[0] !== 1 ||
      dilations[1] !== 1 ||
      inHeight % 2 !== 0 ||
      inWidth % 2 !== 0 ||
      filter.shape[0] !== filter.shape[1] ||
      // A 1 × 1 filter leaves the odd phases without taps (the ResNet shortcut): stock kernel.
      filter.shape[0] < 2 ||
      dy.shape[1] > inHeight / 2 ||
      dy.shape[2] > inWidth / 2
    ) {
      return stock.kernelFunc(args);
    }
    const [k, , , outChannels] = filter.shape;
    const [, outHeight, outWidth] = dy.shape;
    return tf.tidy(() => {
      const rows: tf.Tensor[] = [];
      for (let ry = 0; ry < 2; ry++) {
        const phases: tf.Tensor[] = [];
        for (let rx = 0; rx < 2; rx++) {
          const tapsY = Math.ceil((k - ry) / 2);
          const tapsX = Math.ceil((k - rx) / 2);
          const taps = tf.transpose(
            tf.reverse(
              tf.stridedSlice(
                filter,
                [ry, rx, 0, 0],
                [k, k, inChannels, outChannels],
                [2, 2, 1, 1],
              ),
              [0, 1],
            ),
            [0, 1, 3, 2],
          ) as tf.Tensor4D;
          const padded = tf.pad(dy, [
            [0, 0],
            [tapsY - 1, inHeight / 2 - outHeight],
            [tapsX - 1, inWidth / 2 - outWidth],
            [0, 0],
          ]) as tf.Tensor4D;
          phases.push(tf.conv2d(padded, taps, 1, 'valid'));
        }
        rows.push(tf.stack(phases, 3));
      }
      return tf.reshape(tf.stack(rows, 2), [batch, inHeight, inWidth, inChannels]);
    }) as unknown as tf.TensorInfo;
  };
}
