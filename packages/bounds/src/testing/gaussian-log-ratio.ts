import { createRandom } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';

/** A sample of n pairs from a d-dimensional correlated Gaussian with its exact log density ratios. */
export interface GaussianRatioSample {
  readonly n: number;
  readonly dimension: number;
  readonly trueMI: number;
  /** x and y, n × d, row-major. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** R[i][j] = log p(x_i, y_j) / (p(x_i) p(y_j)), n × n, row-major. */
  readonly logRatio: Float64Array;
}

/**
 * Draws n pairs with y = ρx + √(1−ρ²)ε in d dimensions, ρ chosen so that the MI is `trueMI`
 * (I = −(d/2) log(1 − ρ²)), and evaluates the exact log density ratio on every pair:
 *
 * ```
 * log p(x,y)/(p(x)p(y)) = Σ_k [ −½ log(1−ρ²) − (ρ² x_k² − 2ρ x_k y_k + ρ² y_k²) / (2(1−ρ²)) ]
 * ```
 *
 * A critic equal to this ratio is the optimal DV critic, so bounds evaluated on it should land
 * on the truth up to their known bias.
 */
export function sampleGaussianLogRatio(options: {
  n: number;
  dimension: number;
  trueMI: number;
  seed: number;
}): GaussianRatioSample {
  const { n, dimension: d, trueMI, seed } = options;
  const rhoSquared = 1 - Math.exp((-2 * trueMI) / d);
  const rho = Math.sqrt(rhoSquared);
  const random = createRandom(seed);
  const x = random.fillNormal(new Float64Array(n * d));
  const noise = random.fillNormal(new Float64Array(n * d));
  const y = new Float64Array(n * d);
  for (let k = 0; k < n * d; k++)
    y[k] = rho * (x[k] as number) + Math.sqrt(1 - rhoSquared) * (noise[k] as number);
  const logRatio = new Float64Array(n * n);
  const constant = -0.5 * d * Math.log(1 - rhoSquared);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let quadratic = 0;
      for (let k = 0; k < d; k++) {
        const a = x[i * d + k] as number;
        const b = y[j * d + k] as number;
        quadratic += rhoSquared * a * a - 2 * rho * a * b + rhoSquared * b * b;
      }
      logRatio[i * n + j] = constant - quadratic / (2 * (1 - rhoSquared));
    }
  }
  return { n, dimension: d, trueMI, x, y, logRatio };
}

/** The log ratios as an n × n score matrix (float32). */
export function logRatioScores(sample: GaussianRatioSample): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(sample.logRatio), [sample.n, sample.n]);
}
