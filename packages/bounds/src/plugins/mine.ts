import { assertNumber, readOptions, stopGradient, valueWithGradientOf } from '@mi/core';
import { type Bound, type BoundPlugin, InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { references } from '../shared/references';
import {
  jointTermOf,
  logPartitionFrom,
  type MarginalInputs,
  type MarginalSampling,
  marginalsConfig,
  readMarginals,
  readsOf,
} from '../shared/terms';

/** The largest log of E_Q[e^T] / ma the corrected gradient uses (see {@link mine}). */
const MAX_LOG_RATIO = 30;

/** Options of {@link mine}. */
export interface MineOptions {
  /**
   * Weight of the new batch in the moving average of E_Q[e^T]:
   * `ma ← (1 − decay)·ma + decay·batch`. Default 0.01, the rate Chan et al. (2019, §4) use for
   * MINE. (A "momentum" of 0.9 corresponds to `decay = 0.1`.)
   */
  readonly decay?: number;
  /**
   * Initial value of the moving average (> 0). By default the first batch's E_Q[e^T] starts it
   * (or, with `debias`, zero corrected by 1 − (1 − decay)^t).
   */
  readonly initial?: number;
  /** Bounds on the moving average used in the gradient, against division by a tiny average. */
  readonly clamp?: { readonly min?: number; readonly max?: number };
  /** Start the average at 0 and divide by 1 − (1 − decay)^t, as Adam debiases its moments. */
  readonly debias?: boolean;
  /**
   * The marginal samples of the partition term, in the value, the corrected gradient and the
   * moving average alike: `'all-pairs'` (default) or `'shifted'`, the n scores S_i,(i+1) mod n,
   * MINE's Algorithm 1 ("draw b samples from the marginal"). See {@link donskerVaradhan}.
   */
  readonly marginals?: MarginalSampling;
}

/** The `mine` bound as a registry plugin: `minePlugin.create(options)` is `mine(options)`. */
export const minePlugin: BoundPlugin<MineOptions> = {
  id: 'mine',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'MINE',
  description: 'DV value with the moving-average gradient correction of MINE.',
  formula:
    'E_diag[T] − log mean_{i≠j} e^{S_ij} (marginals=shifted: mean_i e^{S_i,i+1 mod n}); ∇ partition / moving average',
  references: [
    { ...references.mine, location: '§3.2' },
    { ...references.minee, location: '§4' },
  ],
  create(options) {
    const read = readOptions('mine', options, ['decay', 'initial', 'clamp', 'debias', 'marginals']);
    const marginals = readMarginals('mine', read.marginals);
    const decay = read.decay ?? 0.01;
    assertNumber('mine', 'decay', decay, { min: 0, max: 1, minExclusive: true });
    const debias = read.debias ?? false;
    if (typeof debias !== 'boolean') {
      throw new InvalidArgumentError({
        functionName: 'mine',
        parameter: 'debias',
        value: debias,
        expected: 'a boolean',
      });
    }
    if (read.initial !== undefined) {
      assertNumber('mine', 'initial', read.initial, { min: 0, minExclusive: true });
      if (debias) {
        throw new InvalidArgumentError({
          functionName: 'mine',
          parameter: 'initial',
          value: read.initial,
          expected: 'no initial value when debias is true (the debiased average starts at 0)',
        });
      }
    }
    const clampMin = read.clamp?.min;
    const clampMax = read.clamp?.max;
    if (clampMin !== undefined)
      assertNumber('mine', 'clamp.min', clampMin, { min: 0, minExclusive: true });
    if (clampMax !== undefined)
      assertNumber('mine', 'clamp.max', clampMax, { min: clampMin ?? 0, minExclusive: true });

    const config = {
      decay,
      debias,
      ...(read.initial === undefined ? {} : { initial: read.initial }),
      ...(read.clamp === undefined ? {} : { clamp: { ...read.clamp } }),
      ...marginalsConfig(marginals),
    };
    return createBound<MarginalInputs>({
      id: 'mine',
      config,
      // T's additive constant is free under DV training: it cancels per batch, not when pooled.
      averaging: 'macro',
      ...readsOf(marginals),
      initialState: () => ({
        logAverage: tf.scalar(
          read.initial === undefined ? Number.NEGATIVE_INFINITY : Math.log(read.initial),
        ),
        steps: tf.scalar(0),
      }),
      compute(inputs, state) {
        const logAverage = state['logAverage'];
        const steps = state['steps'];
        if (logAverage === undefined || steps === undefined) {
          throw new InvalidArgumentError({
            functionName: 'mine.compute',
            parameter: 'state',
            value: Object.keys(state),
            expected:
              "the state from mine's initialState() or a previous compute(): { logAverage, steps }",
          });
        }
        const joint = jointTermOf(inputs);
        // One marginal term for the value, the corrected gradient and the moving average.
        const logBatch = logPartitionFrom(inputs, marginals);
        const estimate = tf.sub(joint, logBatch);

        // The average is state, not part of the objective: no gradient flows into it.
        const batchValue = stopGradient(logBatch);
        const blended = tf.logSumExp(
          tf.stack([tf.add(logAverage, Math.log(1 - decay)), tf.add(batchValue, Math.log(decay))]),
        );
        // Without debiasing and without an initial value, the first batch starts the average.
        const startsHere =
          read.initial === undefined && !debias ? tf.equal(steps, 0) : tf.scalar(false, 'bool');
        const nextLogAverage = tf.where(startsHere, batchValue, blended) as tf.Scalar;
        const nextSteps = tf.add(steps, 1) as tf.Scalar;

        let used: tf.Scalar = nextLogAverage;
        if (debias) {
          // log(1 − (1 − decay)^t)
          used = tf.sub(used, tf.log(tf.sub(1, tf.pow(1 - decay, nextSteps)))) as tf.Scalar;
        }
        if (clampMin !== undefined || clampMax !== undefined) {
          used = tf.clipByValue(
            used,
            clampMin === undefined ? Number.NEGATIVE_INFINITY : Math.log(clampMin),
            clampMax === undefined ? Number.POSITIVE_INFINITY : Math.log(clampMax),
          );
        }
        // ∇E_Q[e^T] / ma, the corrected gradient of the partition term, written as
        // r · ∇log E_Q[e^T] with r = E_Q[e^T] / ma a constant. r is capped at e^{30}: a batch
        // partition ~88 nats above a lagging average would overflow e^{·} to ∞ and turn the
        // loss into ∞ − ∞ = NaN.
        const logRatio = tf.minimum(tf.sub(batchValue, stopGradient(used)), MAX_LOG_RATIO);
        // The factor e^{logBatch − its stopped value} is 1 in value, so the surrogate's value is
        // E_diag[T] − r·(1 − 1) = E_diag[T]: no huge value for the reported one to cancel in float32.
        const surrogate = tf.sub(
          joint,
          tf.mul(tf.sub(tf.exp(tf.sub(logBatch, batchValue)), 1), stopGradient(tf.exp(logRatio))),
        );
        return {
          loss: tf.neg(valueWithGradientOf(estimate, surrogate)),
          estimate,
          terms: { joint, logPartition: logBatch, logMovingAverage: used },
          state: { logAverage: nextLogAverage, steps: nextSteps },
        };
      },
      logPartition: (inputs) => logPartitionFrom(inputs, marginals),
    });
  },
};

/**
 * MINE (Belghazi et al. 2018, §3.2): the DV value, with the gradient of the partition term
 * divided by a moving average instead of the batch mean, which removes most of the mini-batch
 * bias of the DV gradient:
 *
 * ```
 * value      I = E_diag[T] − log E_Q[e^T]
 * gradient   ∇I ≈ E_diag[∇T] − E_Q[∇T e^T] / ma_t
 * ma_t       = (1 − decay)·ma_{t−1} + decay·E_Q[e^T]
 * E_Q[e^T]   = mean_{i≠j} e^{S_ij}                     marginals = 'all-pairs' (default)
 *            = mean_i e^{S_i,(i+1) mod n}               marginals = 'shifted' (MINE Alg. 1)
 * ```
 *
 * The average is kept in the log domain (`state.logAverage`), so scores of ±1e4 do not overflow,
 * and the gradient's factor E_Q[e^T] / ma is capped at e^{30}, so a batch far above a lagging
 * average gives a large but finite step instead of a NaN loss.
 * State: `logAverage` and `steps` (scalars). Loss value = −I.
 */
export function mine(options?: MineOptions): Bound {
  return minePlugin.create(options);
}
