import type { Tensor2D } from '@tensorflow/tfjs-core';

/**
 * The score matrix of a batch of n pairs, the one orientation every `@mi` package shares:
 *
 * ```
 * S[i][j] = T(x_i, y_j)        i, j = 0 … n−1
 * ```
 *
 * Rows index x, columns index y. The diagonal `S[i][i]` holds the n joint pairs, samples of
 * p(x, y); the n(n−1) off-diagonal entries are samples of the product of marginals p(x)p(y).
 * Every critic returns this orientation and every bound reads it; values are in nats (natural
 * logarithm), as is every MI in the project.
 */
export type ScoreMatrix = Tensor2D;

/** The unit every estimate is reported in. Bits are for display only: 1 bit = ln 2 nats. */
export type InformationUnit = 'nats';

/** Converts nats to bits for display. */
export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}
