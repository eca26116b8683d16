"""MINE on MG(0.9) as Chan et al. (2019) section 4 sets it up, in PyTorch, with two ways of
drawing the product-of-marginals pairs: 'resampled' (each step, x from 100 rows and y from 100
other rows of the 400, apart from the batch, as the paper's code does) and 'shifted' (x_i with
y_(i+1) mod n of the batch itself, as @mi's `mine-shifted`).

The network of the paper's code (ELU, 300-300, kernels from N(0, 0.02^2), zero biases), Adam 1e-4,
batch 100, MINE's moving-average gradient with rate 0.01 (section 4), the batch's DV estimate
smoothed with an EMA of rate 0.01. One thread; about 14 ms a step on this machine.

Usage: python3 mine-marginals.py --marginals resampled|shifted [--seeds 1,2] [--steps 10000]
"""
import argparse, json, math, time
import numpy as np
import torch

def mixed_gaussian(n, rho, rng):
    half = n // 2
    c1 = np.array([[1, rho], [rho, 1]]); c2 = np.array([[1, -rho], [-rho, 1]])
    z = np.concatenate([rng.multivariate_normal([0, 0], c1, half), rng.multivariate_normal([0, 0], c2, n - half)])
    rng.shuffle(z)
    return z[:, :1], z[:, 1:]

def network(inputs, hidden, std, gen):
    layers = []
    sizes = [inputs, hidden, hidden, 1]
    for a, b in zip(sizes[:-1], sizes[1:]):
        lin = torch.nn.Linear(a, b)
        with torch.no_grad():
            lin.weight.normal_(0, std, generator=gen); lin.bias.zero_()
        layers.append(lin)
    def forward(z):
        h = torch.nn.functional.elu(layers[0](z))
        h = torch.nn.functional.elu(layers[1](h))
        return layers[2](h).squeeze(-1)
    params = [p for l in layers for p in l.parameters()]
    return forward, params

def run(x, y, marginals, seed, steps, batch, lr, rate, truth, hidden=300, std=0.02):
    gen = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    f, params = network(2, hidden, std, gen)
    opt = torch.optim.Adam(params, lr=lr)
    X = torch.tensor(x, dtype=torch.float32); Y = torch.tensor(y, dtype=torch.float32)
    n_all = X.shape[0]
    moving = 1.0
    ema = 0.0; first = None; trace = []
    for step in range(1, steps + 1):
        idx = torch.tensor(rng.choice(n_all, batch, replace=False))
        xb, yb = X[idx], Y[idx]
        if marginals == 'shifted':
            xm, ym = xb, torch.roll(yb, -1, 0)
        else:
            xm = X[torch.tensor(rng.choice(n_all, batch, replace=False))]
            ym = Y[torch.tensor(rng.choice(n_all, batch, replace=False))]
        joint = f(torch.cat([xb, yb], 1)); marg = f(torch.cat([xm, ym], 1))
        mean_exp = marg.exp().mean()
        moving = (1 - rate) * moving + rate * mean_exp.item()
        loss = -(joint.mean() - mean_exp / moving)
        opt.zero_grad(); loss.backward(); opt.step()
        estimate = (joint.mean() - torch.logsumexp(marg, 0) + math.log(batch)).item()
        ema = estimate if step == 1 else 0.99 * ema + 0.01 * estimate
        if first is None and abs(ema - truth) <= 0.1 * truth: first = step
        if step % 1000 == 0: trace.append(round(ema, 4))
    return first, ema, trace

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--marginals', choices=['shifted', 'resampled'], required=True)
    p.add_argument('--seeds', default='1,2,3')
    p.add_argument('--steps', type=int, default=100000)
    a = p.parse_args()
    torch.set_num_threads(1)
    truth = 0.408443  # I(X; Y) of MG(0.9), by numerical integration (@mi/datasets)
    for seed in [int(s) for s in a.seeds.split(',')]:
        x, y = mixed_gaussian(400, 0.9, np.random.default_rng(1000 + seed))
        t0 = time.time()
        first, ema, trace = run(x, y, a.marginals, seed, a.steps, 100, 1e-4, 0.01, truth)
        print(json.dumps({'marginals': a.marginals, 'seed': seed, 'firstWithin10': first, 'finalEma': round(ema, 4), 'seconds': round(time.time() - t0, 1), 'emaEvery1000': trace}), flush=True)
