#!/usr/bin/env python3
"""PyTorch reference timing of the @mi CNN critic (paper 003 App. B) on all n^2 pairs.

Same network as `cnnCritic` in @mi/critics: x and y images stacked on the channel axis,
conv 64 k5 s2 p2 -> ReLU -> conv 128 k5 s2 p2 -> ReLU -> dense 1024 -> ReLU -> dense 1,
PyTorch default initialisation, float32, NCHW. One training step = draw a fresh batch of n
x and n y images (uniform in [0, 1), MNIST size), scores S[i, j] = T(x_i, y_j) for all n^2
pairs, the bound (InfoNCE or NWJ, as in ../../../../shared/peers/torch_gaussian_staircase.py),
backward, Adam (lr 5e-4, betas 0.9/0.999). Wall time per step; the median over the timed
steps after the warm-up steps is reported.

--first-layer split (default) computes the first convolution of the stacked pair as
conv(x_i, W_x) + conv(y_j, W_y) + b (it is linear in its input), exactly as @mi/critics does;
--first-layer stacked builds the n^2 stacked 2-channel images and convolves them all. Both give
the same scores; split does 1/n of the first layer's work.

Run it with the settings of the peer reference (tuned glibc malloc, torch and OpenBLAS pinned
to the same thread count, passive OpenMP waiting):

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 torch-cnn-timing.py --threads 1 --out cnn.json

Prints one JSON object on stdout (and writes it atomically to --out when given).
"""

import argparse
import ctypes
import ctypes.util
import json
import math
import os
import platform
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LR = 5e-4
BETAS = (0.9, 0.999)

_MALLOC = {"mode": "default"}
_BLAS = {}


def tune_malloc():
    """Raise glibc's mmap and trim thresholds so activation buffers stay in the process
    (same settings as the peer reference's --malloc tuned; the math is unchanged)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    ok = {
        "M_MMAP_THRESHOLD=32MiB": libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024),
        "M_TRIM_THRESHOLD=1GiB": libc.mallopt(m_trim_threshold, 1024 * 1024 * 1024),
        "M_TOP_PAD=64MiB": libc.mallopt(m_top_pad, 64 * 1024 * 1024),
    }
    _MALLOC.clear()
    _MALLOC.update({"mode": "tuned", "mallopt_return_1_is_ok": ok})


def _loaded_libs():
    try:
        with open("/proc/self/maps") as f:
            return sorted({ln.split()[-1] for ln in f if ".so" in ln and "/" in ln})
    except OSError:
        return []


def set_threads(n):
    """torch intra-op threads = n, OpenBLAS's own pool = n (it ignores torch's setting),
    inter-op pool = 1."""
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    for path in _loaded_libs():
        base = os.path.basename(path)
        if "openblas" not in base and not base.startswith("libblas"):
            continue
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads(int(n))
        except (OSError, AttributeError):
            continue
        getter = getattr(lib, "openblas_get_num_threads", None)
        _BLAS.update({"lib": path, "requested": int(n),
                      "openblas_get_num_threads": int(getter()) if getter else None})
        return
    _BLAS.update({"lib": None, "note": "no OpenBLAS found; torch threads only"})


def _busy_seconds():
    """Busy time of all CPUs from /proc/stat, seconds, or None."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(z) for z in f.readline().split()[1:9]]
        return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def conv_out(size, kernel, stride, padding):
    return (size + 2 * padding - kernel) // stride + 1


class CnnCritic(nn.Module):
    def __init__(self, height, width, x_channels, y_channels, filters, kernel, stride, padding,
                 dense_units, first_layer):
        super().__init__()
        self.first_layer = first_layer
        self.x_channels = x_channels
        self.stride, self.padding = stride, padding
        self.conv0 = nn.Conv2d(x_channels + y_channels, filters[0], kernel, stride, padding)
        self.convs = nn.ModuleList(
            nn.Conv2d(filters[k - 1], filters[k], kernel, stride, padding)
            for k in range(1, len(filters)))
        h, w = height, width
        for _ in filters:
            h, w = conv_out(h, kernel, stride, padding), conv_out(w, kernel, stride, padding)
        sizes = [h * w * filters[-1], *dense_units, 1]
        self.dense = nn.ModuleList(nn.Linear(sizes[k], sizes[k + 1]) for k in range(len(sizes) - 1))

    def head(self, pre):
        z = F.relu(pre)
        for conv in self.convs:
            z = F.relu(conv(z))
        z = z.flatten(1)
        for k, layer in enumerate(self.dense):
            z = layer(z)
            if k + 1 < len(self.dense):
                z = F.relu(z)
        return z.reshape(-1)

    def forward(self, x, y):
        """All pairs: S[i, j] = T(x_i, y_j), rows index x."""
        n = x.shape[0]
        if self.first_layer == "split":
            wx = self.conv0.weight[:, : self.x_channels]
            wy = self.conv0.weight[:, self.x_channels:]
            a = F.conv2d(x, wx, None, self.stride, self.padding)
            b = F.conv2d(y, wy, self.conv0.bias, self.stride, self.padding)
            pre = (a.unsqueeze(1) + b.unsqueeze(0)).reshape(n * n, *a.shape[1:])
        else:
            xx = x.unsqueeze(1).expand(n, n, *x.shape[1:])
            yy = y.unsqueeze(0).expand(n, n, *y.shape[1:])
            stacked = torch.cat([xx, yy], dim=2).reshape(n * n, -1, *x.shape[2:])
            pre = self.conv0(stacked)
        return self.head(pre).reshape(n, n)


def infonce_bound(s):
    n = s.shape[0]
    return (torch.diagonal(s) - torch.logsumexp(s, dim=1)).mean() + math.log(n)


def nwj_bound(s):
    n = s.shape[0]
    off = s[~torch.eye(n, dtype=torch.bool)]
    return torch.diagonal(s).mean() - torch.exp(off - 1.0).mean()


BOUNDS = {"infonce": infonce_bound, "nwj": nwj_bound}


def percentile(values, q):
    v = sorted(values)
    if not v:
        return float("nan")
    pos = (len(v) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=16, help="batch size (n^2 pairs are scored)")
    p.add_argument("--height", type=int, default=28)
    p.add_argument("--width", type=int, default=28)
    p.add_argument("--channels", type=int, default=1, help="channels of x and of y")
    p.add_argument("--bound", choices=sorted(BOUNDS), default="infonce")
    p.add_argument("--first-layer", choices=["split", "stacked"], default="split")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--malloc", choices=["tuned", "default"], default="tuned")
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    if args.n < 2 or args.steps < 1 or args.warmup < 0 or args.threads < 1:
        p.error("need --n >= 2, --steps >= 1, --warmup >= 0, --threads >= 1")
    if args.malloc == "tuned":
        tune_malloc()
    set_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed + 1)
    critic = CnnCritic(args.height, args.width, args.channels, args.channels, [64, 128], 5, 2, 2,
                       [1024], args.first_layer)
    opt = torch.optim.Adam(critic.parameters(), lr=LR, betas=BETAS)
    bound = BOUNDS[args.bound]
    shape = (args.n, args.channels, args.height, args.width)
    times = []
    busy0, cpu0, wall0 = None, None, None
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            busy0, cpu0, wall0 = _busy_seconds(), sum(os.times()[:4]), time.perf_counter()
        t0 = time.perf_counter()
        x = torch.rand(shape, generator=gen)
        y = torch.rand(shape, generator=gen)
        loss = -bound(critic(x, y))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if not math.isfinite(loss.item()):
            raise SystemExit("non-finite loss at step %d" % step)
        elapsed = time.perf_counter() - t0
        if step >= args.warmup:
            times.append(elapsed * 1000.0)
    busy1, wall = _busy_seconds(), time.perf_counter() - wall0
    other_load = None
    if busy0 is not None and busy1 is not None and wall > 0:
        other_load = max(0.0, (busy1 - busy0 - (sum(os.times()[:4]) - cpu0)) / wall)
    result = {
        "mode": "cnn-timing",
        "critic": "cnn",
        "bound": args.bound,
        "first_layer": args.first_layer,
        "n": args.n,
        "image": [args.height, args.width, args.channels],
        "warmup": args.warmup,
        "steps": args.steps,
        "median_ms": percentile(times, 50),
        "mean_ms": sum(times) / len(times),
        "p10_ms": percentile(times, 10),
        "p90_ms": percentile(times, 90),
        "times_ms": times,
        "other_processes_busy_cores": other_load,
        "loadavg_after": os.getloadavg()[0],
        "env": {
            "torch_version": torch.__version__,
            "python": sys.version.split()[0],
            "python_executable": sys.executable,
            "platform": platform.platform(),
            "torch_num_threads": torch.get_num_threads(),
            "torch_num_interop_threads": torch.get_num_interop_threads(),
            "malloc": _MALLOC,
            "blas_threads": _BLAS,
            "thread_env": {k: v for k, v in os.environ.items()
                           if k.startswith(("MALLOC_", "OMP_", "GOMP_", "OPENBLAS_", "MKL_"))},
        },
    }
    text = json.dumps(result)
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, args.out)
    print(text)


if __name__ == "__main__":
    main()
