import * as tf from '@tensorflow/tfjs-core';

const identityWithoutGradient = tf.customGrad((x, save) => {
  void save;
  return {
    value: tf.clone(x as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  };
});

/**
 * The value of `x` with a zero gradient: TF.js has no `stopGradient` op, so this is an identity
 * built with `tf.customGrad` whose gradient is zero. Used where a paper reports one quantity and
 * trains on another (SMILE, the JS-trained NWJ estimate); see {@link valueWithGradientOf}.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return identityWithoutGradient(x) as T;
}

/**
 * The value of `reported` with the gradient of `trained`: `trained + stopGradient(reported −
 * trained)`. This is how a bound reports one objective while an optimiser follows another.
 * For tensors of the same shape (the bounds' scalars) it is one op whose only input is
 * `trained`: the value is `reported` itself (no rounding through the sum), and the tape never
 * walks back through the computation of `reported`, where the composition backpropagated zeros
 * (SMILE's clipped partition term and its mask, ~20 kernels a step).
 */
export function valueWithGradientOf<T extends tf.Tensor>(reported: T, trained: T): T {
  if (!tf.util.arraysEqual(reported.shape, trained.shape)) {
    return tf.tidy(() => tf.add(trained, stopGradient(tf.sub(reported, trained))) as T);
  }
  const withGradientOfTrained = tf.customGrad((input, save) => {
    void input;
    void save;
    return { value: tf.clone(reported), gradFunc: (dy: tf.Tensor) => dy };
  });
  return withGradientOfTrained(trained) as T;
}
