import { assertPositiveInteger } from '@mi/core';
import type { Batch, RandomSource } from '@mi/spec';
import { batchFromArrays } from '../internal/batch';
import { defineSampler, type SyntheticSampler } from '../sampler/synthetic-sampler';

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** Number of categories N (16 in ReMINE §3.1). */
  readonly classes: number;
}

/** A batch of the one-hot task together with the category of every row. */
export interface LabelledOneHotBatch extends Batch {
  /** Category (0 … N−1) of row i; x and y share it, since Y = X. */
  readonly classes: Int32Array;
}

/** The one-hot task: a {@link SyntheticSampler} that can also return the categories it drew. */
export interface OneHotSampler extends SyntheticSampler {
  readonly classes: number;
  /** Ground truth log N nats. */
  readonly trueMI: number;
  /** Draws n rows uniformly from the N categories (caller owns the tensors). */
  sampleLabelled(n: number, random: RandomSource): LabelledOneHotBatch;
}

/**
 * The one-hot discrete task of ReMINE (§3.1): X uniform on {1, …, N}, coded one-hot in ℝᴺ, and
 * Y = X. Hence
 *
 *   I(X; Y) = H(X) = log N.
 *
 * A pair (xᵢ, yⱼ) taken from the product of marginals is a *joint case* when the two codes
 * coincide (probability 1/N) and a *non-joint case* otherwise; {@link oneHotPairLabels} labels
 * every entry of a score matrix this way, for the drift and explosion diagnostics of ReMINE §3.2.
 *
 * @see ReMINE (ICLR 2021 submission) §3.1, "a one-hot discrete dataset with uniform distribution U(1, N)".
 * @example
 * ```ts
 * const task = oneHot({ classes: 16 });
 * const { x, y, classes } = task.sampleLabelled(100, createRandom(0));
 * const joint = oneHotPairLabels(classes, classes); // 100 × 100, 1 where x_i and y_j match
 * ```
 */
export function oneHot(options: OneHotOptions): OneHotSampler {
  const fn = 'oneHot';
  const { classes } = options;
  assertPositiveInteger(fn, 'classes', classes);
  const drawLabelled = (n: number, random: RandomSource) => {
    const labels = new Int32Array(n);
    const x = new Float32Array(n * classes);
    for (let i = 0; i < n; i++) {
      const label = random.integer(0, classes - 1);
      labels[i] = label;
      x[i * classes + label] = 1;
    }
    return { x, y: x.slice(), n, labels };
  };
  const sampler = defineSampler({
    name: `onehot(N=${classes})`,
    shape: { x: [classes], y: [classes] },
    trueMI: Math.log(classes),
    draw: (n, random) => drawLabelled(n, random),
  });
  return {
    ...sampler,
    classes,
    trueMI: Math.log(classes),
    sampleLabelled(n: number, random: RandomSource): LabelledOneHotBatch {
      assertPositiveInteger(`${fn}.sampleLabelled`, 'n', n);
      const drawn = drawLabelled(n, random);
      const batch = batchFromArrays(drawn.x, [n, classes], drawn.y, [n, classes]);
      return { x: batch.x, y: batch.y, classes: drawn.labels };
    },
  };
}

/**
 * Labels every pair (xᵢ, yⱼ) of a score matrix S[i][j] = T(xᵢ, yⱼ): 1 for a *joint case*
 * (`xClasses[i] === yClasses[j]`), 0 for a *non-joint case*. Row-major, rows index x as in the
 * score-matrix convention. With the labels of one batch on both sides the diagonal is all 1 and
 * each off-diagonal entry is 1 with probability 1/N.
 *
 * @see ReMINE §3.2, Fig. 2b (network outputs of joint and non-joint cases).
 */
export function oneHotPairLabels(xClasses: Int32Array, yClasses: Int32Array): Uint8Array {
  const n = xClasses.length;
  const m = yClasses.length;
  const labels = new Uint8Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) labels[i * m + j] = xClasses[i] === yClasses[j] ? 1 : 0;
  }
  return labels;
}
