#!/usr/bin/env python3
"""Reference values for @mi/classical, from the papers' formulas, by brute force.

Plain O(n^2) float64 NumPy with scipy.special.digamma: every distance matrix is computed in full,
no tree, no shortcut, so that it shares nothing with the TypeScript implementation but the
formulas. Writes one JSON file per data set to test/fixtures/ (the data, then the values).

Regenerate with (Debian: apt-get install python3-scipy python3-sklearn):

    /usr/bin/python3 packages/classical/test/reference.py

scikit-learn's mutual_info_regression (KSG algorithm 1, max-norm, on standardised data, with
noise of relative size 1e-10 added) is recorded beside, for the 1-D data sets, as a second,
independent check.
"""

import json
import math
import os

import numpy as np
from scipy.special import digamma, gammaln

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
KS = [1, 3, 5]


def max_norm_distances(a):
    """n x n matrix of max-norm distances; the diagonal is +inf so that a point never counts itself."""
    d = np.max(np.abs(a[:, None, :] - a[None, :, :]), axis=2)
    np.fill_diagonal(d, np.inf)
    return d


def euclidean_distances(a):
    d = np.sqrt(np.sum((a[:, None, :] - a[None, :, :]) ** 2, axis=2))
    np.fill_diagonal(d, np.inf)
    return d


def ksg1(x, y, k):
    """Kraskov et al. 2004 eq. (8): counts strictly within the joint k-NN distance."""
    n = len(x)
    dz = np.maximum(max_norm_distances(x), max_norm_distances(y))
    dx, dy = max_norm_distances(x), max_norm_distances(y)
    total = 0.0
    for i in range(n):
        rho = np.sort(dz[i])[k - 1]
        nx = int(np.sum(dx[i] < rho))
        ny = int(np.sum(dy[i] < rho))
        total += digamma(nx + 1) + digamma(ny + 1)
    return float(digamma(k) + digamma(n) - total / n)


def ksg2(x, y, k):
    """Kraskov et al. 2004 eq. (9): per-marginal extents of the k joint neighbours, counts with <=.
    Ties at the k-th distance: the smaller row index first (stable sort)."""
    n = len(x)
    dx, dy = max_norm_distances(x), max_norm_distances(y)
    dz = np.maximum(dx, dy)
    total = 0.0
    for i in range(n):
        neighbours = np.argsort(dz[i], kind="stable")[:k]
        ex = np.max(dx[i, neighbours])
        ey = np.max(dy[i, neighbours])
        total += digamma(int(np.sum(dx[i] <= ex))) + digamma(int(np.sum(dy[i] <= ey)))
    return float(digamma(k) - 1.0 / k + digamma(n) - total / n)


def mixed_ksg(x, y, k):
    """Gao et al. 2017: k~ = number of points at distance 0 when the k-NN distance is 0; counts with <=;
    xi = psi(k~) + log N - log(n_x + 1) - log(n_y + 1)."""
    n = len(x)
    dx, dy = max_norm_distances(x), max_norm_distances(y)
    dz = np.maximum(dx, dy)
    total = 0.0
    for i in range(n):
        rho = np.sort(dz[i])[k - 1]
        k_tilde = int(np.sum(dz[i] == 0)) if rho == 0 else k
        nx = int(np.sum(dx[i] <= rho))
        ny = int(np.sum(dy[i] <= rho))
        total += digamma(k_tilde) - math.log(nx + 1) - math.log(ny + 1)
    return float(math.log(n) + total / n)


def mixed_ksg_authors(x, y, k):
    """The authors' published variant (mixed.py of Gao et al.): psi instead of log, strict counts
    when rho > 0, the point itself counted in k~ and in n_x, n_y (hence psi(n + 1) below)."""
    n = len(x)
    dx, dy = max_norm_distances(x), max_norm_distances(y)
    dz = np.maximum(dx, dy)
    total = 0.0
    for i in range(n):
        rho = np.sort(dz[i])[k - 1]
        if rho == 0:
            k_tilde = int(np.sum(dz[i] == 0)) + 1
            nx, ny = int(np.sum(dx[i] == 0)), int(np.sum(dy[i] == 0))
        else:
            k_tilde = k
            nx, ny = int(np.sum(dx[i] < rho)), int(np.sum(dy[i] < rho))
        total += digamma(k_tilde) - digamma(nx + 1) - digamma(ny + 1)
    return float(math.log(n) + total / n)


def log_unit_ball(d, norm):
    if norm == "max":
        return d * math.log(2)
    return d / 2 * math.log(math.pi) - float(gammaln(d / 2 + 1))


def kl_entropy(a, k, norm):
    n, d = a.shape
    dist = max_norm_distances(a) if norm == "max" else euclidean_distances(a)
    eps = np.sort(dist, axis=1)[:, k - 1]
    if np.any(eps == 0):
        return None
    return float(digamma(n) - digamma(k) + log_unit_ball(d, norm) + d / n * np.sum(np.log(eps)))


def kl_mi(x, y, k, norm):
    hs = [kl_entropy(x, k, norm), kl_entropy(y, k, norm), kl_entropy(np.hstack([x, y]), k, norm)]
    if any(h is None for h in hs):
        return None
    return hs[0] + hs[1] - hs[2]


def gaussian(x, y):
    """0.5 log(det Sx det Sy / det S) by slogdet of the covariance, and the canonical correlations as
    the singular values of Sx^-1/2 Sxy Sy^-1/2 (eigh): the textbook route, independent of the QR one."""
    dx = x.shape[1]
    s = np.cov(np.hstack([x, y]), rowvar=False, bias=True)
    sx, sy, sxy = s[:dx, :dx], s[dx:, dx:], s[:dx, dx:]
    mi = 0.5 * (np.linalg.slogdet(sx)[1] + np.linalg.slogdet(sy)[1] - np.linalg.slogdet(s)[1])
    if not math.isfinite(mi):
        return mi, []

    def inverse_sqrt(m):
        w, v = np.linalg.eigh(m)
        return v @ np.diag(w ** -0.5) @ v.T

    rho = np.linalg.svd(inverse_sqrt(sx) @ sxy @ inverse_sqrt(sy), compute_uv=False)
    return float(mi), [float(r) for r in rho]


def sklearn_ksg(x, y, k):
    from sklearn.feature_selection import mutual_info_regression

    return float(mutual_info_regression(x, y[:, 0], n_neighbors=k, random_state=0)[0])


def standardize(a):
    return (a - a.mean(axis=0)) / a.std(axis=0)


def write(name, x, y, description, sklearn=False):
    values = {"ksg1": {}, "ksg2": {}, "mixedKsg": {}, "mixedKsgAuthors": {}, "klEuclidean": {}, "klMax": {}}
    for k in KS:
        values["ksg1"][str(k)] = ksg1(x, y, k)
        values["ksg2"][str(k)] = ksg2(x, y, k)
        values["mixedKsg"][str(k)] = mixed_ksg(x, y, k)
        values["mixedKsgAuthors"][str(k)] = mixed_ksg_authors(x, y, k)
        values["klEuclidean"][str(k)] = kl_mi(x, y, k, "euclidean")
        values["klMax"][str(k)] = kl_mi(x, y, k, "max")
    mi, rho = gaussian(x, y)
    # A singular covariance (y a linear function of x): the MI is infinite, recorded as null.
    values["gaussian"] = mi if math.isfinite(mi) else None
    values["canonicalCorrelations"] = rho if math.isfinite(mi) else None
    if sklearn:
        values["sklearnKsg1"] = {str(k): sklearn_ksg(x, y, k) for k in KS}
        values["ksg1Standardized"] = {str(k): ksg1(standardize(x), standardize(y), k) for k in KS}
    document = {
        "name": name,
        "description": description,
        "generator": "test/reference.py",
        "x": {"rows": x.shape[0], "columns": x.shape[1], "data": [float(v) for v in x.ravel()]},
        "y": {"rows": y.shape[0], "columns": y.shape[1], "data": [float(v) for v in y.ravel()]},
        "values": values,
    }
    with open(os.path.join(FIXTURES, f"{name}.json"), "w") as f:
        json.dump(document, f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(name, json.dumps(values)[:300])


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    rng = np.random.default_rng(20041)

    n = 300
    x = rng.standard_normal((n, 1))
    y = 0.6 * x + 0.8 * rng.standard_normal((n, 1))
    write("gaussian-1d", x, y, "n=300, y = 0.6 x + 0.8 e: correlation 0.6", sklearn=True)

    n = 400
    a = rng.standard_normal((n, 5)) @ rng.standard_normal((5, 5))
    write("gaussian-2x3", a[:, :2], a[:, 2:], "n=400, [x, y] = e A with A 5x5 random: x 2-D, y 3-D")

    n = 300
    x = np.round(rng.standard_normal((n, 1)), 1)
    y = np.round(x + rng.standard_normal((n, 1)), 1)
    write("rounded", x, y, "n=300, values rounded to 0.1: many ties in each marginal and some duplicate rows")

    n = 400
    x = rng.integers(0, 4, (n, 1)).astype(float)
    y = x + rng.standard_normal((n, 1))
    write("discrete-continuous", x, y, "n=400, X uniform on {0,1,2,3}, Y = X + N(0,1)")

    n = 200
    x = rng.integers(0, 8, (n, 1)).astype(float)
    write("discrete", x, x.copy(), "n=200, X uniform on {0..7}, Y = X: truth log 8")

    n = 250
    x = rng.standard_normal((n, 2))
    y = x[:, :1] ** 3 + 0.5 * rng.standard_normal((n, 1))
    x[50:60] = x[0]
    y[50:60] = y[0]
    write("duplicate-rows", x, y, "n=250, x 2-D, y = x1^3 + noise, rows 50-59 copies of row 0")

    # digamma at the integers and half-integers the TypeScript tests check.
    points = [0.5, 1, 1.5, 2, 3, 4.5, 7, 9.99, 10, 10.5, 33, 100, 1000, 12345, 1e6]
    with open(os.path.join(FIXTURES, "digamma.json"), "w") as f:
        json.dump({"x": points, "digamma": [float(digamma(p)) for p in points]}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
