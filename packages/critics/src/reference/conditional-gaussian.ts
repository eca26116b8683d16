/**
 * A float64 reference for the conditional-Gaussian critic, in plain TypeScript (no tfjs): the
 * mean network evaluated layer by layer and each score written as the log-density it is, one pair
 * and one dimension at a time (O(n² d), the form the critic avoids). Not part of the public API.
 */

/** One dense layer as plain numbers: y = x·kernel + bias, kernel inUnits × outUnits. */
export interface DenseValues {
  readonly kernel: readonly (readonly number[])[];
  readonly bias: readonly number[];
}

/** The parameters of a conditional-Gaussian critic as plain numbers. */
export interface ConditionalGaussianValues {
  /** The mean network's layers, input first; all but the last apply `activation`. */
  readonly layers: readonly DenseValues[];
  readonly activation: 'relu' | 'elu';
  /** log σ_k, one per dimension of y. */
  readonly logScale: readonly number[];
}

const activations = {
  relu: (v: number) => Math.max(v, 0),
  elu: (v: number) => (v > 0 ? v : Math.expm1(v)),
};

/** μ(x) for one row x. */
export function referenceMean(
  parameters: ConditionalGaussianValues,
  x: readonly number[],
): number[] {
  let h: readonly number[] = x;
  parameters.layers.forEach((layer, k) => {
    const last = k + 1 === parameters.layers.length;
    h = layer.bias.map((b, out) => {
      let sum = b;
      h.forEach((v, i) => {
        sum += v * (layer.kernel[i]?.[out] ?? Number.NaN);
      });
      return last ? sum : activations[parameters.activation](sum);
    });
  });
  return [...h];
}

/** log N(v; m, s²) of one dimension. */
function logNormal(v: number, m: number, logS: number): number {
  const z = (v - m) / Math.exp(logS);
  return -0.5 * z * z - logS - 0.5 * Math.log(2 * Math.PI);
}

/** S[i][j] = log N(y_j; μ(x_i), diag σ²) = Σ_k log N(y_jk; μ_k(x_i), σ_k²). */
export function referenceScores(
  parameters: ConditionalGaussianValues,
  x: readonly (readonly number[])[],
  y: readonly (readonly number[])[],
): number[][] {
  const means = x.map((row) => referenceMean(parameters, row));
  return means.map((mu) =>
    y.map((yj) =>
      parameters.logScale.reduce(
        (sum, logS, k) => sum + logNormal(yj[k] ?? Number.NaN, mu[k] ?? Number.NaN, logS),
        0,
      ),
    ),
  );
}
