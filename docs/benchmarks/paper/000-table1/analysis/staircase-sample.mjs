// Seeded draws from the 20-D Gaussian staircase task for the k-NN analyses in this folder:
// X ~ N(0, I), Y = ρX + √(1 − ρ²)ε with ρ set so that I(X; Y) = −d/2 · log(1 − ρ²) = mi nats.

const d = 20;

/** A sampler of (X, Y) matrices (rows × 20, float64) from its own linear congruential stream. */
export function staircaseSampler(seed) {
  let s = seed;
  const uniform = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const normal = () =>
    Math.sqrt(-2 * Math.log(uniform() + 1e-300)) * Math.cos(2 * Math.PI * uniform());
  return (n, mi) => {
    const rho = Math.sqrt(1 - Math.exp((-2 * mi) / d));
    const x = new Float64Array(n * d);
    const y = new Float64Array(n * d);
    for (let i = 0; i < n * d; i++) {
      x[i] = normal();
      y[i] = rho * x[i] + Math.sqrt(1 - rho * rho) * normal();
    }
    return [
      { rows: n, columns: d, data: x },
      { rows: n, columns: d, data: y },
    ];
  };
}
