import { assertNumber, assertPositiveInteger } from '@mi/core';
import { InvalidArgumentError, type RandomSource } from '@mi/spec';
import { defineSampler, type SyntheticSampler } from '../sampler/synthetic-sampler';

/**
 * Mutual information in nats of a d-dimensional correlated Gaussian whose coordinate pairs
 * (xᵢ, yᵢ) are independent standard bivariate normals with correlation ρ:
 *
 *   I(X; Y) = −(d/2) · log(1 − ρ²).
 *
 * Song & Ermon (ICLR 2020) App. B.1 eq. (53) prints `1 − ρ/2` inside the logarithm; that is a
 * typesetting slip, the Gaussian identity is the one above (it gives their levels 2 … 10 nats).
 *
 * @param rho - correlation in (−1, 1)
 * @param dimension - number of coordinate pairs d ≥ 1
 * @see Belghazi et al. 2018 (MINE) §4.1; Song & Ermon 2020 App. B.1.
 * @example
 * ```ts
 * gaussianMI(0.5, 20); // 2.877 nats
 * ```
 */
export function gaussianMI(rho: number, dimension: number): number {
  assertNumber('gaussianMI', 'rho', rho, {
    min: -1,
    max: 1,
    minExclusive: true,
    maxExclusive: true,
  });
  assertPositiveInteger('gaussianMI', 'dimension', dimension);
  // log1p keeps precision when ρ is small.
  return -(dimension / 2) * Math.log1p(-rho * rho);
}

/**
 * The correlation ρ ≥ 0 that gives a d-dimensional correlated Gaussian the mutual information
 * `mi` nats: the inverse of {@link gaussianMI},
 *
 *   ρ = √(1 − exp(−2·I/d)).
 *
 * @param mi - target MI in nats, ≥ 0
 * @param dimension - number of coordinate pairs d ≥ 1
 * @example
 * ```ts
 * gaussianRho(2, 20); // 0.4257, the first level of the staircase
 * ```
 */
export function gaussianRho(mi: number, dimension: number): number {
  assertNumber('gaussianRho', 'mi', mi, { min: 0 });
  assertPositiveInteger('gaussianRho', 'dimension', dimension);
  // −expm1(−x) = 1 − e^{−x} without cancellation for small MI.
  return Math.sqrt(-Math.expm1((-2 * mi) / dimension));
}

/** The element-wise map applied to y after sampling. */
export type GaussianTransform = 'identity' | 'cubic';

/** Options of {@link correlatedGaussian}: give either `rho` or `mi`. */
export interface CorrelatedGaussianOptions {
  /** Number of coordinate pairs d (20 in Song & Ermon's benchmark). */
  readonly dimension: number;
  /** Per-coordinate correlation ρ in (−1, 1). */
  readonly rho?: number;
  /** Target MI in nats; ρ is then {@link gaussianRho}(mi, d). */
  readonly mi?: number;
  /** `cubic` applies y ↦ y³ element-wise (MI unchanged). Default `identity`. */
  readonly transform?: GaussianTransform;
  /** Name shown in reports; defaults to a description of the task. */
  readonly name?: string;
}

/** A correlated Gaussian task: a {@link SyntheticSampler} that also reports its ρ. */
export interface CorrelatedGaussianSampler extends SyntheticSampler {
  readonly rho: number;
  readonly dimension: number;
  readonly transform: GaussianTransform;
  /** Ground truth, −(d/2)·log(1 − ρ²) nats. */
  readonly trueMI: number;
}

/**
 * Samples (x, y) ∈ ℝᵈ × ℝᵈ with independent coordinate pairs from a standard bivariate normal of
 * correlation ρ, drawn as
 *
 *   xᵢ = εᵢ,  yᵢ = ρ·εᵢ + √(1 − ρ²)·ηᵢ,  ε, η ~ N(0, I),
 *
 * optionally followed by y ↦ y³ (the **Cubic** task). An invertible map of y leaves the mutual
 * information unchanged, so both tasks have `trueMI = −(d/2)·log(1 − ρ²)`.
 *
 * @see Song & Ermon 2020 §6.1 and App. B.1 (Gaussian and Cubic tasks); Belghazi et al. 2018 §4.1.
 * @example
 * ```ts
 * const task = correlatedGaussian({ dimension: 20, mi: 4 });
 * const { x, y } = task.sample(64, createRandom(0)); // two [64, 20] float32 tensors
 * ```
 */
export function correlatedGaussian(options: CorrelatedGaussianOptions): CorrelatedGaussianSampler {
  const fn = 'correlatedGaussian';
  const { dimension, transform = 'identity' } = options;
  assertPositiveInteger(fn, 'dimension', dimension);
  if (transform !== 'identity' && transform !== 'cubic') {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'transform',
      value: transform,
      expected: "'identity' or 'cubic'",
    });
  }
  if ((options.rho === undefined) === (options.mi === undefined)) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'rho',
      value: options.rho,
      expected: 'exactly one of rho and mi',
    });
  }
  let rho: number;
  if (options.rho !== undefined) {
    assertNumber(fn, 'rho', options.rho, {
      min: -1,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    });
    rho = options.rho;
  } else {
    assertNumber(fn, 'mi', options.mi, { min: 0 });
    rho = gaussianRho(options.mi, dimension);
  }
  const trueMI = gaussianMI(rho, dimension);
  const scale = Math.sqrt(1 - rho * rho);
  const cubic = transform === 'cubic';
  const sampler = defineSampler({
    name: options.name ?? `${cubic ? 'cubic' : 'gaussian'}(d=${dimension}, rho=${+rho.toFixed(6)})`,
    shape: { x: [dimension], y: [dimension] },
    trueMI,
    draw(n: number, random: RandomSource) {
      const x = random.fillNormal(new Float32Array(n * dimension));
      const y = random.fillNormal(new Float32Array(n * dimension));
      for (let k = 0; k < y.length; k++) {
        const value = rho * (x[k] as number) + scale * (y[k] as number);
        y[k] = cubic ? value * value * value : value;
      }
      return { x, y, n };
    },
  });
  return { ...sampler, rho, dimension, transform, trueMI };
}
