// Test fixtures (not shipped: package.json's "files" excludes this file, and no entry point
// imports it): one small configuration per built-in critic, with inputs of matching shapes.
import * as tf from '@tensorflow/tfjs-core';

// Small options per critic, with inputs to score.
export const small: Record<string, { options: Record<string, unknown>; x: number[]; y: number[] }> =
  {
    joint: { options: { xFeatures: 2, yFeatures: 3, hiddenUnits: [4] }, x: [2], y: [3] },
    separable: {
      options: { xFeatures: 2, yFeatures: 3, hiddenUnits: [4], embeddingSize: 2, cosine: true },
      x: [2],
      y: [3],
    },
    bilinear: { options: { xFeatures: 2, yFeatures: 3 }, x: [2], y: [3] },
    onehot: { options: { xClasses: 3, hiddenUnits: [4] }, x: [3], y: [3] },
    cnn: {
      options: { height: 4, width: 4, filters: [2], kernelSize: 3, padding: 1, denseUnits: [3] },
      x: [4, 4, 1],
      y: [4, 4, 1],
    },
    resnet18: {
      options: { height: 4, width: 4, xChannels: 1, yChannels: 1, widths: [1, 1, 2, 2] },
      x: [4, 4, 1],
      y: [4, 4, 1],
    },
    minee: { options: { xFeatures: 2, yFeatures: 3, hiddenUnits: [4] }, x: [2], y: [3] },
    'conditional-gaussian': {
      options: { xFeatures: 2, yFeatures: 3, hiddenUnits: [4] },
      x: [2],
      y: [3],
    },
  };

export function smallCase(id: string, seed: number) {
  const entry = small[id]!;
  const make = (shape: number[], s: number) =>
    id === 'onehot'
      ? tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), shape[0]!)
      : tf.randomNormal([3, ...shape], 0, 1, 'float32', s);
  return { options: { ...entry.options, seed }, x: make(entry.x, 1), y: make(entry.y, 2) };
}
