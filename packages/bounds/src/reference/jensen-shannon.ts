import { diagonalOf, type Matrix, mean, offDiagonalOf, softplus } from './score-matrix';

/**
 * The Jensen–Shannon f-GAN objective that JS and SMILE train the critic on (Poole et al. 2019
 * §2.3; Song & Ermon 2020 §3): J = E_d[−softplus(−S)] − E_o[softplus(S)]. Maximised in training.
 */
export function jensenShannonObjective(S: Matrix): number {
  return mean(diagonalOf(S).map((t) => -softplus(-t))) - mean(offDiagonalOf(S).map(softplus));
}
