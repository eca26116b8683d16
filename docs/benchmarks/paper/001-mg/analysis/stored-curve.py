"""The MINE and MI-NEE curves that the MI-NEE authors' code stored with its results.

Usage: python3 stored-curve.py <folder with MixedGaussian_MINE.pt, Gaussian_MINE.pt>

The files are the `results/*.pt` checkpoints of the authors' notebooks (github.com/ccha23/MI-NEE,
not part of this repository). Each holds the per-step estimate of one run (`dXY_list`: MINE's DV
estimate on all the samples after each step) and the run's settings. This prints the settings, the
estimate smoothed with an EMA of rate 0.01 (as the paper's figures) at fixed steps, and the first
step within 10% of the truth.
"""
import sys
import numpy as np
import torch

TRUTH = {'MixedGaussian_MINE': 0.4084, 'Gaussian_MINE': -0.5 * np.log(1 - 0.81) * 6}


def smoothed(values, rate=0.01):
    out = np.empty_like(values)
    out[0] = values[0]
    for k in range(1, len(values)):
        out[k] = (1 - rate) * out[k - 1] + rate * values[k]
    return out


for name, truth in TRUTH.items():
    stored = torch.load(f'{sys.argv[1]}/{name}.pt', map_location='cpu')
    run = stored['mine_state_list'][0]
    curve = smoothed(np.asarray(stored['dXY_list'][0], dtype=np.float64))
    inside = np.abs(curve - truth) <= 0.1 * truth
    first = int(np.argmax(inside)) + 1 if inside.any() else None
    print(f"{name}: {len(curve)} steps, samples {tuple(run['X'].shape)}, batch {run['batch_size']}, "
          f"lr {run['lr']}, moving-average rate {run['ma_rate']}; truth {truth:.4f}")
    marks = [m for m in (1000, 2000, 5000, 10000, 15000, 20000, 30000, 40000, 50000, 55000, 60000, 65000, 70000, 80000) if m <= len(curve)]
    print('  EMA at step: ' + ', '.join(f'{m} {curve[m - 1]:.3f}' for m in marks))
    print(f'  first step within 10% of the truth: {first if first else "never"}')
