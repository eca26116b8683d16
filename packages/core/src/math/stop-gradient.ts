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
 * The value of `reported` with the gradient of `trained`:
 * `trained + stopGradient(reported − trained)`. This is how a bound reports one objective
 * while an optimiser follows another.
 */
export function valueWithGradientOf<T extends tf.Tensor>(reported: T, trained: T): T {
  return tf.tidy(() => tf.add(trained, stopGradient(tf.sub(reported, trained))) as T);
}
