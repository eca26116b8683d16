import { assertNumber, assertOneOf, readOptions } from '@mi/core';
import { type Bound, type BoundInputs, type BoundPlugin, InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from './shared/create-bound';
import { references } from './shared/references';

/**
 * The distance d(·, target) between a bound's log partition term L and its target:
 * - `l2`: λ(L − C)², the Euclidean distance of ReMINE / ReDV on log E_Q[e^T];
 * - `l1`: λ|L − C|;
 * - `log-euclidean`: λ(L − log C)², the log-Euclidean distance of ReNWJ on E_Q[e^{T−1}] (C = 1);
 * - `linear-l2`: λ(e^L − C)², the Euclidean distance on the partition term itself rather than its
 *   log: Eq. 11's d(E_Q[e^{T−1}], 1) with d Euclidean, which Table 1 gives ReJS (JS belongs to the
 *   NWJ family).
 */
export type RegularizerDistance = 'l2' | 'l1' | 'log-euclidean' | 'linear-l2';

/** The distances whose target C is a partition term (linear domain, C > 0), not its log. */
const LINEAR_TARGET: readonly RegularizerDistance[] = ['log-euclidean', 'linear-l2'];

/** Options of {@link regularized}. */
export interface RegularizerOptions {
  /** Which distance; `l2` by default. */
  readonly distance?: RegularizerDistance;
  /** λ ≥ 0, the weight of the regulariser. Default 1 (Choi & Lee 2022 fix λ = 1 in §5). */
  readonly lambda?: number;
  /**
   * C: the value the partition term is pulled to. In the log domain for `l2`/`l1` (default 0:
   * E_Q[e^T] = 1); in the linear domain for `log-euclidean` and `linear-l2` (default 1).
   */
  readonly target?: number;
}

/** The regulariser options with defaults applied. */
export interface ResolvedRegularizer {
  readonly distance: RegularizerDistance;
  readonly lambda: number;
  readonly target: number;
}

const REGULARIZER_KEYS = ['distance', 'lambda', 'target'] as const;

/** Validates regulariser options and applies defaults. */
export function resolveRegularizer(
  functionName: string,
  options: RegularizerOptions,
): ResolvedRegularizer {
  const distance = options.distance ?? 'l2';
  assertOneOf(functionName, 'distance', distance, ['l2', 'l1', 'log-euclidean', 'linear-l2']);
  const lambda = options.lambda ?? 1;
  assertNumber(functionName, 'lambda', lambda, { min: 0 });
  const linear = LINEAR_TARGET.includes(distance);
  const target = options.target ?? (linear ? 1 : 0);
  assertNumber(functionName, 'target', target, linear ? { min: 0, minExclusive: true } : {});
  return { distance, lambda, target };
}

/**
 * Adds the regulariser of ReMINE / Choi & Lee (2022, Eqs. 10–15) to any bound:
 *
 * ```
 * loss = loss_bound + λ · d(L, C)        L = log of the bound's partition term, unclipped
 * ```
 *
 * The reported estimate is the wrapped bound's own estimate (the regulariser only changes the
 * gradient); the penalty is reported as the term `regularizer`. L comes from the bound's
 * `logPartition(inputs)`, or, for bounds without it, from `terms.logPartition`. L is computed on
 * the unclipped scores even when the bound clips its own partition term (ReSMILE, ReNWJ, ReTUBA):
 * clipping filters the bound's noisy gradients while the regulariser keeps a gradient for scores
 * outside the clip range, so T is not frozen there (Choi & Lee 2022, §4).
 *
 * A bound whose estimate has the DV form (it declares `averaging`) is pooled over batches
 * (`averaging: 'micro'`) once regularised: the regulariser pins its free additive constant.
 *
 * @example
 * ```ts
 * const reinfonce = regularized(infoNCE(), { distance: 'l2', lambda: 0.1 });
 * ```
 */
export function regularized(
  bound: Bound,
  options: RegularizerOptions = {},
  id = `re-${bound.id}`,
): Bound {
  const functionName = id === `re-${bound.id}` ? 'regularized' : id;
  readOptions(functionName, options, [...REGULARIZER_KEYS]);
  const regularizer = resolveRegularizer(functionName, options);
  const logPartition = bound.logPartition?.bind(bound);
  return createBound<BoundInputs>({
    id,
    // The base bound's options and the regulariser's: what the plugin's create() takes back.
    config: { ...bound.config, ...regularizer },
    requires: bound.requires,
    ...(bound.reads === undefined ? {} : { reads: bound.reads }),
    // The regulariser pins the log partition to C, so a DV-form bound can pool its batches.
    ...(bound.averaging === undefined ? {} : { averaging: 'micro' as const }),
    initialState: () => bound.initialState(),
    compute(inputs, state) {
      const inner = bound.compute(inputs, state);
      const partition =
        logPartition !== undefined ? logPartition(inputs) : inner.terms['logPartition'];
      if (partition === undefined) {
        throw new InvalidArgumentError({
          functionName: `${id}.compute`,
          parameter: 'bound',
          value: bound.id,
          expected: 'a bound that reports terms.logPartition or implements logPartition()',
        });
      }
      const penalty = tf.mul(regularizer.lambda, distanceOf(regularizer, partition));
      return {
        loss: tf.add(inner.loss, penalty),
        estimate: inner.estimate,
        terms: { ...inner.terms, regularizer: penalty },
        state: inner.state,
      };
    },
    ceiling: (n) => bound.ceiling(n),
    ...(logPartition === undefined ? {} : { logPartition }),
  });
}

function distanceOf(regularizer: ResolvedRegularizer, logPartition: tf.Scalar): tf.Tensor {
  switch (regularizer.distance) {
    case 'l2':
      return tf.square(tf.sub(logPartition, regularizer.target));
    case 'l1':
      return tf.abs(tf.sub(logPartition, regularizer.target));
    case 'log-euclidean':
      return tf.square(tf.sub(logPartition, Math.log(regularizer.target)));
    case 'linear-l2':
      return tf.square(tf.sub(tf.exp(logPartition), regularizer.target));
  }
}

/** C in the log domain: log C where the distance's target is a partition term, C otherwise. */
export function logDomainTarget(regularizer: ResolvedRegularizer): number {
  return LINEAR_TARGET.includes(regularizer.distance)
    ? Math.log(regularizer.target)
    : regularizer.target;
}

/** How a built-in regularised plugin is made from a base plugin. */
export interface RegularizedPluginSpec<BaseOptions> {
  readonly id: string;
  readonly displayName: string;
  readonly base: BoundPlugin<BaseOptions>;
  /** Names of the base plugin's own options, passed through to it. */
  readonly baseOptionKeys: readonly (keyof BaseOptions & string)[];
  /** Defaults for the base bound (τ = 10 for ReSMILE, the partition clip 10 for ReNWJ). */
  readonly baseDefaults?: Partial<BaseOptions>;
  /** Defaults for the regulariser (distance, target). */
  readonly regularizerDefaults: RegularizerOptions;
  readonly description: string;
}

/**
 * A plugin whose bound is `regularized(base.create(baseOptions), regularizerOptions)`. Its options
 * are the base bound's options plus `distance`, `lambda`, `target`.
 */
export function regularizedPlugin<BaseOptions>(
  spec: RegularizedPluginSpec<BaseOptions>,
): BoundPlugin<BaseOptions & RegularizerOptions> {
  return {
    id: spec.id,
    kind: 'bound',
    specificationVersion: 'v1',
    displayName: spec.displayName,
    description: spec.description,
    formula: `${spec.base.formula}; loss adds λ·d(log partition, C)`,
    references: [
      ...spec.base.references,
      { ...references.choiLee, location: 'Eqs. 10–15, Table 1' },
    ],
    create(options) {
      const read = readOptions(
        spec.id,
        options as BaseOptions & RegularizerOptions,
        [...spec.baseOptionKeys, ...REGULARIZER_KEYS] as (keyof (BaseOptions & RegularizerOptions) &
          string)[],
      );
      const baseOptions: Record<string, unknown> = { ...spec.baseDefaults };
      for (const key of spec.baseOptionKeys) {
        if (read[key] !== undefined) baseOptions[key] = read[key];
      }
      // A distance the user names brings its own default target (C = 0 in the log domain, 1 in
      // the linear one), not the plugin's, which belongs to the plugin's distance.
      const { target: defaultTarget, ...defaults } = spec.regularizerDefaults;
      const regularizerOptions: RegularizerOptions = {
        ...defaults,
        ...(read.distance === undefined && defaultTarget !== undefined
          ? { target: defaultTarget }
          : {}),
      };
      for (const key of REGULARIZER_KEYS) {
        if (read[key] !== undefined) Object.assign(regularizerOptions, { [key]: read[key] });
      }
      return regularized(createBase(spec, baseOptions as BaseOptions), regularizerOptions, spec.id);
    },
  };
}

/**
 * The base bound of a regularised plugin. A bad base option (`renwj:clip=-1`,
 * `remine:marginals=all`) is reported under the name the user wrote, not the base's.
 */
function createBase<BaseOptions>(
  spec: RegularizedPluginSpec<BaseOptions>,
  options: BaseOptions,
): Bound {
  try {
    return spec.base.create(options);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error) && error.functionName === spec.base.id) {
      throw new InvalidArgumentError({
        functionName: spec.id,
        parameter: error.parameter,
        value: error.value,
        expected: error.expected,
        cause: error,
      });
    }
    throw error;
  }
}
