import { assertNumber, assertPositiveInteger } from '@mi/core';
import {
  type CorrelatedGaussianSampler,
  correlatedGaussian,
} from '../gaussian/correlated-gaussian';

/** Options of {@link highDimensionalGaussian}. */
export interface HighDimensionalGaussianOptions {
  /** Per-coordinate correlation ρ in [0, 1); 0.9 in MI-NEE §4. */
  readonly rho: number;
  /** Dimension d of x and of y; 6 in MI-NEE §4. */
  readonly dimension: number;
}

/**
 * MI-NEE's higher-dimensional Gaussian HG(ρ, d), eq. (25): d independent coordinate pairs, each a
 * standard bivariate normal with correlation ρ,
 *
 *   p(x, y) = ∏ᵢ N((xᵢ, yᵢ); 0, [[1, ρ], [ρ, 1]]),   I(X; Y) = −(d/2)·log(1 − ρ²)
 *
 * (closed form; HG(0.9, 6) = 4.9822 nats). The same task as {@link correlatedGaussian}, under the
 * paper's name.
 *
 * @see Chan et al., *Neural Entropic Estimation* §4, eq. (25).
 * @example
 * ```ts
 * highDimensionalGaussian({ rho: 0.9, dimension: 6 }).trueMI; // 4.9822
 * ```
 */
export function highDimensionalGaussian(
  options: HighDimensionalGaussianOptions,
): CorrelatedGaussianSampler {
  const { rho, dimension } = options;
  assertNumber('highDimensionalGaussian', 'rho', rho, { min: 0, max: 1, maxExclusive: true });
  assertPositiveInteger('highDimensionalGaussian', 'dimension', dimension);
  return correlatedGaussian({ dimension, rho, name: `HG(${rho}, ${dimension})` });
}
