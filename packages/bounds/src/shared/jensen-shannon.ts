/**
 * The Jensen–Shannon f-GAN lower bound that JS and SMILE train on (Nowozin et al. 2016;
 * Poole et al. 2019 §2.3), from `@mi/core`, where it is one kernel with a written gradient on cpu,
 * wasm and tensorflow:
 *
 * ```
 * J = E_diag[−softplus(−T)] − 1/(n(n−1)) Σ_{i≠j} softplus(S_ij)
 * ```
 */
export { jensenShannonObjective } from '@mi/core';
