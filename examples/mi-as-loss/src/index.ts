/**
 * MI as a training loss (the ML-engineer use: an MI bound as a contrastive objective): learn an encoder from two noisy views of
 * the same signal by maximising a regularised InfoNCE bound between them (contrastive learning;
 * van den Oord et al. 2018, with the regulariser of Choi & Lee 2022, Table 1).
 *
 * Each example has a hidden 2-D signal s; the two views are v₁ = A s + 3 ε₁ and v₂ = B s + 3 ε₂
 * in 10 dimensions, with independent noise three times larger than the signal. A random 2-D
 * embedding of a view mostly holds noise; a separable critic g(v₁)·h(v₂) trained on the bound
 * learns encoders whose outputs carry s, the only thing the two views share.
 *
 * @packageDocumentation
 */
import { reinfonce } from '@mi/bounds';
import { createRandom } from '@mi/core';
import { type SeparableCritic, separableCritic } from '@mi/critics';
import type { Batch, RandomSource, Sampler } from '@mi/spec';
import { type TrainRunResult, train } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';

const SIGNAL = 2;
const VIEW = 10;

/** Two noisy 10-D views of a shared 2-D signal, with fixed random mixing matrices. */
export function twoViews(
  noise = 3,
  seed = 0,
): Sampler & { draw(n: number, random: RandomSource): { signal: Float32Array; batch: Batch } } {
  const mixing = createRandom(seed);
  const a = mixing.fillNormal(new Float32Array(SIGNAL * VIEW));
  const b = mixing.fillNormal(new Float32Array(SIGNAL * VIEW));
  const draw = (n: number, random: RandomSource) => {
    const signal = random.fillNormal(new Float32Array(n * SIGNAL));
    const view = (matrix: Float32Array) => {
      const out = random.fillNormal(new Float32Array(n * VIEW));
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < VIEW; k++) {
          let sum = 0;
          for (let j = 0; j < SIGNAL; j++)
            sum += (signal[i * SIGNAL + j] as number) * (matrix[j * VIEW + k] as number);
          out[i * VIEW + k] = sum + noise * (out[i * VIEW + k] as number);
        }
      }
      return tf.tensor2d(out, [n, VIEW]);
    };
    return { signal, batch: { x: view(a), y: view(b) } };
  };
  return {
    kind: 'sampler',
    name: 'two views',
    shape: { x: [VIEW], y: [VIEW] },
    trueMI: undefined,
    sample: (n, random) => draw(n, random).batch,
    draw,
  };
}

/** Trains the encoders with ReInfoNCE as the loss; returns the critic (its g is the encoder). */
export async function learnRepresentation(
  steps = 400,
  seed = 1,
): Promise<{ critic: SeparableCritic; result: TrainRunResult }> {
  const critic = separableCritic({
    xFeatures: VIEW,
    yFeatures: VIEW,
    hiddenUnits: [32],
    embeddingSize: SIGNAL,
    seed,
  });
  const result = await train({
    critic,
    bound: reinfonce({ lambda: 0.1 }),
    data: twoViews(),
    steps,
    batchSize: 64,
    seed,
    optimizer: { kind: 'adam', learningRate: 3e-3 },
  });
  return { critic, result };
}

/**
 * How much of the hidden signal a representation holds: R² of the best linear prediction of each
 * signal coordinate from the embedding (least squares with an intercept), averaged.
 */
export function signalRSquared(
  embedding: Float32Array,
  signal: Float32Array,
  n: number,
  width: number,
): number {
  return tf.tidy(() => {
    const design = tf.concat([tf.tensor2d(embedding, [n, width]), tf.ones([n, 1])], 1);
    const target = tf.tensor2d(signal, [n, SIGNAL]);
    const gram = tf.matMul(design, design, true, false);
    const solution = tf.matMul(tf.matMul(inverse(gram), design, false, true), target);
    const residual = tf.sub(target, tf.matMul(design, solution));
    const centred = tf.sub(target, tf.mean(target, 0));
    const ratio = tf.div(tf.sum(tf.square(residual), 0), tf.sum(tf.square(centred), 0));
    return tf.mean(tf.sub(1, ratio)).dataSync()[0] as number;
  });
}

// Gauss–Jordan inverse of a small symmetric positive-definite matrix (tfjs-core has none).
function inverse(matrix: tf.Tensor): tf.Tensor2D {
  const size = matrix.shape[0];
  const a = Array.from({ length: size }, (_r, i) =>
    Array.from(matrix.dataSync().slice(i * size, (i + 1) * size)),
  );
  const inv = Array.from({ length: size }, (_r, i) =>
    Array.from({ length: size }, (_c, j) => (i === j ? 1 : 0)),
  );
  for (let c = 0; c < size; c++) {
    const pivot = a[c]![c]!;
    for (let j = 0; j < size; j++) {
      a[c]![j]! /= pivot;
      inv[c]![j]! /= pivot;
    }
    for (let r = 0; r < size; r++) {
      if (r === c) continue;
      const factor = a[r]![c]!;
      for (let j = 0; j < size; j++) {
        a[r]![j]! -= factor * a[c]![j]!;
        inv[r]![j]! -= factor * inv[c]![j]!;
      }
    }
  }
  return tf.tensor2d(inv.flat(), [size, size]);
}
