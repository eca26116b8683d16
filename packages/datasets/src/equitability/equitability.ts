import { assertNumber, assertOneOf, assertPositiveInteger } from '@mi/core';
import { InvalidArgumentError, type RandomSource } from '@mi/spec';
import { integrate } from '../math/integrate';
import { defineSampler, type SyntheticSampler } from '../sampler/synthetic-sampler';

/** The deterministic maps of the equitability experiment, applied element-wise. */
export type EquitabilityFunction = 'linear' | 'cubic' | 'sine';

/** The maps and their inverses; all three are increasing on [−1, 1] (sin because 1 < π/2). */
const FUNCTIONS: Record<
  EquitabilityFunction,
  { f: (x: number) => number; inverse: (t: number) => number }
> = {
  linear: { f: (x) => x, inverse: (t) => t },
  cubic: { f: (x) => x * x * x, inverse: (t) => Math.cbrt(t) },
  sine: { f: (x) => Math.sin(x), inverse: (t) => Math.asin(t) },
};

const EQUITABILITY_FUNCTIONS: readonly EquitabilityFunction[] = ['linear', 'cubic', 'sine'];

// Beyond 10σ the noise density (< 8e-23 relative) cannot move the integrals.
const TAIL = 10;

/**
 * Mutual information in nats of one coordinate of the equitability task, X ~ U(−1, 1) and
 * Y = f(X) + σε with ε ~ N(0, 1), by numerical integration:
 *
 *   I(X; Y) = h(Y) − h(Y | X) = −∫ p(y) log p(y) dy − ½·log(2πeσ²),
 *   p(y) = ½ ∫₋₁¹ φ_σ(y − f(x)) dx.
 *
 * p(y) is an adaptive Gauss–Kronrod integral over the x-window where |y − f(x)| ≤ 10σ (f is
 * increasing, so the window is [f⁻¹(y − 10σ), f⁻¹(y + 10σ)] ∩ [−1, 1]); the entropy integral runs
 * over [f(−1) − 10σ, f(1) + 10σ], split at f(±1) and 0. Relative tolerance 1e-11 inside and
 * absolute 1e-10 outside: the result is accurate to about 1e-8 nats for σ ≥ 0.01 (the tests compare
 * it with Monte Carlo of the density). Note that the truth does depend on f at a given σ; the
 * experiment asks an estimator to track it, not to be constant across f.
 *
 * @param fn - `linear` (x), `cubic` (x³) or `sine` (sin x)
 * @param sigma - noise standard deviation σ > 0
 * @see Belghazi et al. 2018 (MINE) §4.2, Fig. 2; Kinney & Atwal 2014 (equitability).
 */
export function equitabilityMI(fn: EquitabilityFunction, sigma: number): number {
  assertOneOf('equitabilityMI', 'fn', fn, EQUITABILITY_FUNCTIONS);
  assertNumber('equitabilityMI', 'sigma', sigma, { min: 0, minExclusive: true });
  const { f, inverse } = FUNCTIONS[fn];
  const low = f(-1);
  const high = f(1);
  const normalizer = 1 / (sigma * Math.sqrt(2 * Math.PI));
  const density = (y: number): number => {
    const from = inverse(Math.max(y - TAIL * sigma, low));
    const to = inverse(Math.min(y + TAIL * sigma, high));
    if (!(to > from)) return 0;
    const integrand = (x: number) => {
      const r = (y - f(x)) / sigma;
      return Math.exp(-0.5 * r * r);
    };
    // Split where f(x) = y: the peak of the integrand.
    const peak = y > low && y < high ? inverse(y) : Number.NaN;
    const breakpoints = peak > from && peak < to ? [from, peak, to] : [from, to];
    return (
      0.5 * normalizer * integrate(integrand, breakpoints, { absolute: 0, relative: 1e-11 }).value
    );
  };
  const breakpoints = [low - TAIL * sigma, low, high, high + TAIL * sigma];
  if (low < 0 && high > 0) breakpoints.splice(2, 0, 0);
  // Initial pieces no wider than ~σ so that the adaptive pass sees every feature of p.
  const refined: number[] = [];
  for (let k = 0; k + 1 < breakpoints.length; k++) {
    const a = breakpoints[k] as number;
    const b = breakpoints[k + 1] as number;
    const count = Math.min(64, Math.max(1, Math.ceil((b - a) / sigma)));
    for (let j = 0; j < count; j++) refined.push(a + ((b - a) * j) / count);
  }
  refined.push(breakpoints[breakpoints.length - 1] as number);
  const entropy = integrate(
    (y) => {
      const p = density(y);
      return p > 0 ? -p * Math.log(p) : 0;
    },
    refined,
    { absolute: 1e-10, relative: 1e-12, maxPieces: 5000 },
  ).value;
  return entropy - 0.5 * Math.log(2 * Math.PI * Math.E * sigma * sigma);
}

/** Options of {@link equitability}. */
export interface EquitabilityOptions {
  /** The map f applied to every coordinate. */
  readonly fn: EquitabilityFunction;
  /** Dimension d of x and y. Default 1. */
  readonly dimension?: number;
  /** Noise scale σ: one value for every coordinate, or one per coordinate (σ ⊙ ε). */
  readonly sigma: number | readonly number[];
}

/** The equitability task as a sampler, with its per-coordinate truths. */
export interface EquitabilitySampler extends SyntheticSampler {
  readonly fn: EquitabilityFunction;
  readonly sigma: readonly number[];
  /** MI of each coordinate pair in nats ({@link equitabilityMI}). */
  readonly perDimensionMI: readonly number[];
  /** Sum of `perDimensionMI`: the coordinates are independent. */
  readonly trueMI: number;
}

/**
 * The equitability family of MINE §4.2: X ~ U(−1, 1)ᵈ and
 *
 *   Y = f(X) + σ ⊙ ε,  ε ~ N(0, I),  f ∈ {x, x³, sin x} applied element-wise.
 *
 * The coordinates are independent, so `trueMI` = Σᵢ I(Xᵢ; Yᵢ), each term from
 * {@link equitabilityMI}.
 *
 * @see Belghazi et al. 2018 (MINE) §4.2, Fig. 2.
 * @example
 * ```ts
 * const task = equitability({ fn: 'cubic', sigma: 0.1, dimension: 2 });
 * task.perDimensionMI; // the truth of each coordinate
 * ```
 */
export function equitability(options: EquitabilityOptions): EquitabilitySampler {
  const name = 'equitability';
  const { fn, dimension = 1 } = options;
  assertOneOf(name, 'fn', fn, EQUITABILITY_FUNCTIONS);
  assertPositiveInteger(name, 'dimension', dimension);
  const sigma =
    typeof options.sigma === 'number'
      ? new Array<number>(dimension).fill(options.sigma)
      : [...options.sigma];
  if (sigma.length !== dimension) {
    throw new InvalidArgumentError({
      functionName: name,
      parameter: 'sigma',
      value: options.sigma,
      expected: `a number or an array of ${dimension} numbers (one per dimension)`,
    });
  }
  sigma.forEach((s, i) => {
    assertNumber(name, typeof options.sigma === 'number' ? 'sigma' : `sigma[${i}]`, s, {
      min: 0,
      minExclusive: true,
    });
  });
  // Dimensions with the same σ share one integral.
  const cache = new Map<number, number>();
  const perDimensionMI = sigma.map((s) => {
    let value = cache.get(s);
    if (value === undefined) {
      value = equitabilityMI(fn, s);
      cache.set(s, value);
    }
    return value;
  });
  const trueMI = perDimensionMI.reduce((a, b) => a + b, 0);
  const { f } = FUNCTIONS[fn];
  const sampler = defineSampler({
    name: `equitability(f=${fn}, d=${dimension}, sigma=${typeof options.sigma === 'number' ? options.sigma : `[${sigma.join(', ')}]`})`,
    shape: { x: [dimension], y: [dimension] },
    trueMI,
    draw(n: number, random: RandomSource) {
      const x = random.fillUniform(new Float32Array(n * dimension), -1, 1);
      const y = random.fillNormal(new Float32Array(n * dimension));
      for (let k = 0; k < y.length; k++) {
        y[k] = f(x[k] as number) + (sigma[k % dimension] as number) * (y[k] as number);
      }
      return { x, y, n };
    },
  });
  return { ...sampler, fn, sigma, perDimensionMI, trueMI };
}
