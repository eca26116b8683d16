import { assertNumber, assertPositiveInteger } from '@mi/core';
import { InvalidArgumentError, type TrainSchedule } from '@mi/spec';
import {
  type CorrelatedGaussianSampler,
  correlatedGaussian,
  type GaussianTransform,
  gaussianRho,
} from './correlated-gaussian';

/** Options of {@link gaussianStaircase}. */
export interface StaircaseOptions {
  /** Number of coordinate pairs d. Default 20 (Song & Ermon App. B.1). */
  readonly dimension?: number;
  /** MI of each level in nats, in order. Default [2, 4, 6, 8, 10]. */
  readonly levels?: readonly number[];
  /** Training steps spent on each level. Default 4000. */
  readonly stepsPerLevel?: number;
  /** `cubic` applies y ↦ y³ (the Cubic task). Default `identity`. */
  readonly transform?: GaussianTransform;
}

/**
 * The MI schedule of the Gaussian / Cubic benchmark: the true MI starts at the first level and
 * steps up every `stepsPerLevel` training steps; it knows the MI, ρ and the sampler at any step.
 */
export interface GaussianStaircase {
  readonly dimension: number;
  readonly levels: readonly number[];
  readonly stepsPerLevel: number;
  readonly transform: GaussianTransform;
  /** levels.length × stepsPerLevel (20 000 by default). */
  readonly totalSteps: number;
  /** Index of the level in force at 0-based `step`; steps past the end stay on the last level. */
  levelAt(step: number): number;
  /** True MI in nats at `step`. */
  trueMIAt(step: number): number;
  /** Per-coordinate correlation ρ at `step`, √(1 − exp(−2·I/d)). */
  rhoAt(step: number): number;
  /** The sampler in force at `step` (one object per level, reused). */
  samplerAt(step: number): CorrelatedGaussianSampler;
  /** A `train` schedule that swaps in the sampler of each level. */
  readonly schedule: TrainSchedule;
}

/**
 * The staircase of Song & Ermon (ICLR 2020) §6.1 / App. B.1, also used by ReMINE (Table 1):
 * a d = 20 correlated Gaussian (or Cubic) task whose true MI is 2, 4, 6, 8, 10 nats, each for
 * 4000 steps (20 000 in all). At step t the level is ℓ = min(⌊t / stepsPerLevel⌋, L − 1), the
 * truth I = levels[ℓ] and ρ = √(1 − exp(−2I/d)).
 *
 * @see Song & Ermon 2020 App. B.1 ("the initial mutual information is 2, and we increase the
 *   mutual information by 2 every 4k iterations").
 * @example
 * ```ts
 * const stairs = gaussianStaircase({ transform: 'cubic' });
 * stairs.trueMIAt(4000); // 4
 * stairs.rhoAt(0);       // 0.4257
 * train({ data: stairs.samplerAt(0), schedule: stairs.schedule, steps: stairs.totalSteps, ... });
 * ```
 */
export function gaussianStaircase(options: StaircaseOptions = {}): GaussianStaircase {
  const fn = 'gaussianStaircase';
  const {
    dimension = 20,
    levels = [2, 4, 6, 8, 10],
    stepsPerLevel = 4000,
    transform = 'identity',
  } = options;
  assertPositiveInteger(fn, 'dimension', dimension);
  assertPositiveInteger(fn, 'stepsPerLevel', stepsPerLevel);
  if (!Array.isArray(levels) || levels.length === 0) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'levels',
      value: levels,
      expected: 'a non-empty array of MI values in nats',
    });
  }
  levels.forEach((level, index) => {
    assertNumber(fn, `levels[${index}]`, level, { min: 0 });
  });
  const samplers = levels.map((mi) => correlatedGaussian({ dimension, mi, transform }));
  const levelAt = (step: number): number => {
    assertNumber(`${fn}.levelAt`, 'step', step, { min: 0, integer: true });
    return Math.min(Math.floor(step / stepsPerLevel), levels.length - 1);
  };
  const samplerAt = (step: number): CorrelatedGaussianSampler =>
    samplers[levelAt(step)] as CorrelatedGaussianSampler;
  return {
    dimension,
    levels: [...levels],
    stepsPerLevel,
    transform,
    totalSteps: levels.length * stepsPerLevel,
    levelAt,
    trueMIAt: (step) => levels[levelAt(step)] as number,
    rhoAt: (step) => gaussianRho(levels[levelAt(step)] as number, dimension),
    samplerAt,
    schedule: (step) => samplerAt(step),
  };
}
