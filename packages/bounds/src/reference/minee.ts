import { logMeanExp, mean } from './score-matrix';

/** MI-NEE's head scores, as plain numbers (the fields of `EntropicScores`). */
export interface EntropicReferenceScores {
  /** f₀ on the data pairs (x_i, y_i), and on the reference samples from U_XY. */
  readonly jointData: readonly number[];
  readonly jointReference: readonly number[];
  /** f₁ on the data x_i and on reference samples from U_X. */
  readonly xData: readonly number[];
  readonly xReference: readonly number[];
  /** f₂ on the data y_i and on reference samples from U_Y. */
  readonly yData: readonly number[];
  readonly yReference: readonly number[];
}

/** The order in which {@link mineeAsRows} lays the six vectors out. */
export const entropicFields = [
  'jointData',
  'jointReference',
  'xData',
  'xReference',
  'yData',
  'yReference',
] as const satisfies readonly (keyof EntropicReferenceScores)[];

/** The six vectors as rows, in {@link entropicFields} order (for `numericGradient`). */
export function mineeAsRows(scores: EntropicReferenceScores): number[][] {
  return entropicFields.map((field) => [...scores[field]]);
}

/** The inverse of {@link mineeAsRows}. */
export function mineeFromRows(rows: readonly (readonly number[])[]): EntropicReferenceScores {
  const row = (k: number): readonly number[] => {
    const value = rows[k];
    if (value === undefined) throw new RangeError(`reference minee: no row ${k}`);
    return value;
  };
  return {
    jointData: row(0),
    jointReference: row(1),
    xData: row(2),
    xReference: row(3),
    yData: row(4),
    yReference: row(5),
  };
}

/** The DV estimate of D(P‖U), Chan et al. 2019 Eq. 10: mean_data f − log mean_reference e^f. */
export function divergenceEstimate(data: readonly number[], reference: readonly number[]): number {
  return mean(data) - logMeanExp(reference);
}

/**
 * MI-NEE (Chan et al. 2019, §3.2, Eqs. 15–18): I = D(P_XY‖U_XY) − D(P_X‖U_X) − D(P_Y‖U_Y), each
 * divergence by its DV estimate on its own head. Each head maximises its own divergence, so the
 * loss (Eq. 12 summed over the three heads) is −(D_XY + D_X + D_Y), with its own gradient.
 */
export const minee = {
  estimate(scores: EntropicReferenceScores): number {
    return (
      divergenceEstimate(scores.jointData, scores.jointReference) -
      divergenceEstimate(scores.xData, scores.xReference) -
      divergenceEstimate(scores.yData, scores.yReference)
    );
  },
  loss(scores: EntropicReferenceScores): number {
    return -(
      divergenceEstimate(scores.jointData, scores.jointReference) +
      divergenceEstimate(scores.xData, scores.xReference) +
      divergenceEstimate(scores.yData, scores.yReference)
    );
  },
  /** The loss, which is also the objective its gradient comes from. */
  objective(scores: EntropicReferenceScores): number {
    return minee.loss(scores);
  },
};
