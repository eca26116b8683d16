"""CCMI's readout on the exact log density ratio (float64), 20-D Gaussian staircase, batch 64.

Question: the published CCMI row of ReMINE's Table 1 (estimate - truth -0.65 -1.24 -2.55 -4.18
-6.00, variance 0.24 0.03 0.02 0.01 0.00) saturates near log 64 = 4.16 like InfoNCE's. Which
readout of a classifier's clipped logit r = clip(log p/q, -c, c) gives that pattern?

  off-diagonal DV:  mean_i r_ii - log mean_{i != j} e^{r_ij}   (ours; no ceiling below 2c)
  all-pairs DV:     mean_i r_ii - log mean_{i,j} e^{r_ij}      (joint pairs in the partition;
                    <= log n for every critic, by Jensen on the diagonal's share)

c = log((1 - tau)/tau) is the clip of the classifier's probability at [tau, 1 - tau].
Run: python3 ccmi-readout.py   (numpy and scipy; about a minute)
"""

import numpy as np
from scipy.special import logsumexp

D, N, BATCHES = 20, 64, 1000
LEVELS = [2, 4, 6, 8, 10]


def rho_of(mi):
    """Per-coordinate correlation of the staircase: I = -d/2 log(1 - rho^2)."""
    return np.sqrt(1 - np.exp(-2 * mi / D))


def log_ratio(x, y, rho):
    """S[i, j] = log p(y_j | x_i) - log p(y_j), summed over the d independent coordinates."""
    s = np.zeros((N, N))
    for k in range(D):
        xi, yj = x[:, k][:, None], y[:, k][None, :]
        s += -0.5 * np.log(1 - rho**2) - (yj - rho * xi) ** 2 / (2 * (1 - rho**2)) + yj**2 / 2
    return s


def main():
    rng = np.random.default_rng(0)
    off = ~np.eye(N, dtype=bool)
    for tau in [1e-5, 1e-4, 1e-3]:
        c = np.log((1 - tau) / tau)
        print(f"tau = {tau:g} (c = {c:.2f}): estimate - truth (variance over batches)")
        for mi in LEVELS:
            rho = rho_of(mi)
            all_pairs, off_diagonal = [], []
            for _ in range(BATCHES):
                x = rng.standard_normal((N, D))
                y = rho * x + np.sqrt(1 - rho**2) * rng.standard_normal((N, D))
                r = np.clip(log_ratio(x, y, rho), -c, c)
                joint = np.mean(np.diag(r))
                all_pairs.append(joint - (logsumexp(r) - np.log(N * N)))
                off_diagonal.append(joint - (logsumexp(r[off]) - np.log(N * (N - 1))))
            a, o = np.array(all_pairs), np.array(off_diagonal)
            print(
                f"  {mi:2d} nats: all pairs {a.mean() - mi:6.2f} ({a.var():.2f})"
                f"   off-diagonal {o.mean() - mi:6.2f} ({o.var():.2f})"
            )


if __name__ == "__main__":
    main()
