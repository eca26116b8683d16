import { createRandom } from '@mi/core';
import {
  bilinearCriticPlugin,
  builtinCritics,
  cnnCriticPlugin,
  conditionalGaussianCriticPlugin,
  jointCriticPlugin,
  type MineeCritic,
  mineeCriticPlugin,
  type NeuralCritic,
  onehotCriticPlugin,
  resnet18CriticPlugin,
  separableCriticPlugin,
} from '@mi/critics';
import { type CriticInputs, describeCriticConformance } from '@mi/critics/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// Every built-in critic through the suite, with networks small enough for the pure-JS backend.
const covered = new Set<string>();
const conformance: typeof describeCriticConformance = (plugin, options) => {
  covered.add(plugin.id);
  describeCriticConformance(plugin, options);
};

/** n seeded labels in [0, classes). */
function labels(n: number, classes: number, seed: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.integer(0, classes - 1));
}

/** One-hot rows (float32) of n seeded labels, built on the host (wasm's float32 oneHot is 0). */
function oneHotRows(n: number, classes: number, seed: number): tf.Tensor2D {
  const rows = new Float32Array(n * classes);
  labels(n, classes, seed).forEach((label, i) => {
    rows[i * classes + label] = 1;
  });
  return tf.tensor2d(rows, [n, classes]);
}

/** n seeded images of the given shape with entries from N(0, 1). */
function images(n: number, shape: readonly number[], seed: number): tf.Tensor {
  const full = [n, ...shape];
  return tf.tensor(
    createRandom(seed).fillNormal(new Float32Array(tf.util.sizeFromShape(full))),
    full,
  );
}

conformance(jointCriticPlugin, {
  options: { xFeatures: 3, yFeatures: 2, hiddenUnits: [5, 4] },
  inputs: { x: [3], y: [2] },
});
conformance(jointCriticPlugin, {
  options: {
    xFeatures: 2,
    yFeatures: 2,
    hiddenUnits: [4],
    activation: 'elu',
    negatives: 2,
    initStd: 0.5,
  },
  inputs: { x: [2], y: [2] },
});

conformance(separableCriticPlugin, {
  options: { xFeatures: 3, yFeatures: 2, hiddenUnits: [4], embeddingSize: 3, temperature: 0.5 },
  inputs: { x: [3], y: [2] },
});
conformance(separableCriticPlugin, {
  options: { xFeatures: 2, yFeatures: 2, hiddenUnits: [], embeddingSize: 3, cosine: true },
  inputs: { x: [2], y: [2] },
});

conformance(bilinearCriticPlugin, {
  options: { xFeatures: 3, yFeatures: 2 },
  inputs: { x: [3], y: [2] },
});
conformance(bilinearCriticPlugin, {
  options: { xFeatures: 3, yFeatures: 2, hiddenUnits: [4], embeddingSize: 3, activation: 'elu' },
  inputs: { x: [3], y: [2] },
});

// One-hot rows, and class labels (rank 1: the width check does not apply to them).
conformance(onehotCriticPlugin, {
  options: { xClasses: 3, yClasses: 4, hiddenUnits: [6] },
  inputs: (n, seed) => ({ x: oneHotRows(n, 3, seed), y: oneHotRows(n, 4, seed + 100) }),
});
conformance(onehotCriticPlugin, {
  name: 'onehot with class labels',
  options: { xClasses: 3, hiddenUnits: [6] },
  inputs: (n, seed) => ({
    x: tf.tensor1d(labels(n, 3, seed), 'int32'),
    y: tf.tensor1d(labels(n, 3, seed + 100), 'int32'),
  }),
});

// 8 × 8 images with the paper's kernel 5, stride 2, padding 2: two convolutions leave 2 × 2 maps.
conformance(cnnCriticPlugin, {
  options: { height: 8, width: 8, xChannels: 2, yChannels: 1, filters: [2, 3], denseUnits: [4] },
  inputs: { x: [8, 8, 2], y: [8, 8, 1] },
});
// The separable head: one small encoder per side, g(x)·h(y).
conformance(cnnCriticPlugin, {
  options: {
    head: 'separable',
    height: 8,
    width: 8,
    xChannels: 2,
    yChannels: 1,
    filters: [2, 3],
    denseUnits: [4],
    embeddingSize: 3,
  },
  inputs: { x: [8, 8, 2], y: [8, 8, 1] },
});

// 4 × 4 images: the three stride-2 stages leave 1 × 1 maps. Batch norm is checked per pair in
// inference mode (the suite's orientation check) and with batch statistics elsewhere.
const resnetSize = { height: 4, width: 4, widths: [2, 2, 3, 3] };
conformance(resnet18CriticPlugin, {
  options: { ...resnetSize, xChannels: 1, yChannels: 2 },
  inputs: { x: [4, 4, 1], y: [4, 4, 2] },
});
conformance(resnet18CriticPlugin, {
  options: { ...resnetSize, head: 'slb', xChannels: 1, classes: 3 },
  inputs: (n, seed) => ({ x: images(n, [4, 4, 1], seed), y: oneHotRows(n, 3, seed + 100) }),
});
conformance(resnet18CriticPlugin, {
  options: { ...resnetSize, head: 'clb', xChannels: 1, embeddingSize: 3 },
  inputs: { x: [4, 4, 1], y: [4, 4, 1] },
});

// scores/pairs use f₀ only; the gradient check needs the x and y heads too.
const mineeHeadsTarget = (critic: NeuralCritic, x: tf.Tensor, y: tf.Tensor) => {
  const data: CriticInputs = { x, y };
  const heads = (critic as MineeCritic).entropicScores(data, data);
  return tf.addN(Object.values(heads).map((t) => tf.sum(t))) as tf.Scalar;
};
conformance(mineeCriticPlugin, {
  options: { xFeatures: 2, yFeatures: 3, hiddenUnits: [4] },
  inputs: { x: [2], y: [3] },
  gradientTarget: mineeHeadsTarget,
});
conformance(mineeCriticPlugin, {
  options: { xFeatures: 2, yFeatures: 3, hiddenUnits: [4], activation: 'elu', initStd: 0.5 },
  inputs: { x: [2], y: [3] },
  gradientTarget: mineeHeadsTarget,
});

// TNCE's q(y | x): an MLP mean, and the affine mean that contains a Gaussian's exact conditional.
conformance(conditionalGaussianCriticPlugin, {
  options: { xFeatures: 3, yFeatures: 2, hiddenUnits: [4], activation: 'elu' },
  inputs: { x: [3], y: [2] },
});
conformance(conditionalGaussianCriticPlugin, {
  options: { xFeatures: 2, yFeatures: 3, mean: 'linear' },
  inputs: { x: [2], y: [3] },
});

describe('builtinCritics', () => {
  it('are all in the conformance suite above', () => {
    expect([...covered].sort()).toEqual(builtinCritics.map((p) => p.id).sort());
  });
});
