#!/usr/bin/env python3
"""PyTorch reference timing of the @mi performance cases: one training step per case, the same
network, batch, dtype (float32) and bound as the TF.js side of `pnpm bench:perf`.

Cases (the first argument):

  cnn        the self-consistency critic of paper 003 App. B: x and y images stacked on channels,
             conv 64 k5 s2 p2 -> ReLU -> conv 128 k5 s2 p2 -> ReLU -> dense 1024 -> ReLU -> dense 1,
             on all n^2 pairs (MNIST size; the first convolution split as conv(x, W_x) +
             conv(y, W_y) + b, as @mi/critics does; --first-layer stacked builds the n^2 pairs)
  slb        the supervised benchmark's step (paper 004 §5.1): T(x, y) = f(x)·onehot(y), f the
             same conv trunk with a 10-way logits head, S = F·O^T
  clb        the contrastive step: T(x1, x2) = f(x1)·f(x2), one f (128-unit head) on the 2n images
  resnet18   ResNet-18 (CIFAR: 3x3 stride-1 stem, no max-pool, basic blocks 2-2-2-2 with
             64-128-256-512 channels, batch norm, global average pooling) with a scalar head on
             x and y stacked on channels, all n^2 pairs (stem split as conv(x) + conv(y))
  joint      concat(x, y) -> 256 -> 256 -> 1 on all n^2 pairs (first layer split as
             x·W_x + y·W_y + b), or with --negatives k on each row's pair and k shifted partners
             R[i, c] = T(x_i, y_(i+c) mod n), InfoNCE over the k + 1
  separable  g(x)·h(y)^T, g, h: 20 -> 256 -> 256 -> 32
  probe      print torch's version, its BLAS and the OpenBLAS kernel family chosen (no timing)

One step = a fresh batch (uniform images in [0, 1), one-hot labels, or correlated Gaussians with
MI = 6 nats), scores, the bound (InfoNCE, or NWJ with --bound nwj), backward, Adam (lr 5e-4,
betas 0.9/0.999). PyTorch default initialisation, except ResNet-18's He (fan-out) convolutions.
Wall time per step; median, p10, p90 over the timed steps after the warm-up ones; the peak
resident memory added by training (VmHWM minus the resident size before the first step).

Run it with the settings of the peer reference (tuned glibc malloc, torch and OpenBLAS pinned to
the same thread count, passive OpenMP waiting):

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 torch-timing.py cnn --n 16 --threads 1 --out cnn.json

OpenBLAS kernels: Debian's OpenBLAS 0.3.21 may not recognise recent CPUs and fall back to its
generic kernels (2-3.5x slower). Unless OPENBLAS_CORETYPE is already set, the family is chosen
from /proc/cpuinfo before torch loads: SkylakeX with AVX-512 (F, VL, BW, DQ), Haswell with AVX2 +
FMA. Run with OPENBLAS_VERBOSE=2 to see the "Core:" line OpenBLAS prints on stderr.

Prints one JSON object on stdout (and writes it atomically to --out when given).
"""

import os


def choose_openblas_core(flags):
    """The OpenBLAS kernel family for a set of /proc/cpuinfo flags, or None."""
    if {"avx512f", "avx512vl", "avx512bw", "avx512dq"} <= flags:
        return "SkylakeX"
    if {"avx2", "fma"} <= flags:
        return "Haswell"
    return None


def select_openblas_core():
    """Sets OPENBLAS_CORETYPE from the CPU flags unless the environment chose one. Returns
    (coretype, how): how is 'environment', 'cpu flags' or 'openblas default'."""
    if os.environ.get("OPENBLAS_CORETYPE"):
        return os.environ["OPENBLAS_CORETYPE"], "environment"
    try:
        with open("/proc/cpuinfo") as f:
            line = next((ln for ln in f if ln.startswith("flags")), "")
    except OSError:
        return None, "openblas default"
    core = choose_openblas_core(set(line.split(":", 1)[-1].split()))
    if core is None:
        return None, "openblas default"
    os.environ["OPENBLAS_CORETYPE"] = core
    return core, "cpu flags"


# Before torch (and the OpenBLAS it loads) is imported.
_OPENBLAS_CORE = select_openblas_core()

import argparse  # noqa: E402
import ctypes  # noqa: E402
import ctypes.util  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

LR = 5e-4
BETAS = (0.9, 0.999)
BATCH_MI = 6.0
DIM = 20

_MALLOC = {"mode": "default"}
_BLAS = {}


def tune_malloc():
    """Raise glibc's mmap and trim thresholds so activation buffers stay in the process
    (the peer reference's --malloc tuned), serve every allocation from the heap
    (M_MMAP_MAX=0) and never give the heap back (M_TRIM_THRESHOLD=-1): glibc caps the mmap
    threshold at 32 MiB, and larger buffers (the joint critic's activations from n = 256, the
    image cases' maps) were mapped and page-faulted in again on every step (joint n = 256: 2.2 s
    a step); with a 1 GiB trim threshold, heaps above it were trimmed and faulted in again
    (joint n = 1024: 12.3 s against 3.3 s). The math is unchanged."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    m_trim_threshold, m_top_pad, m_mmap_threshold, m_mmap_max = -1, -2, -3, -4
    ok = {
        "M_MMAP_THRESHOLD=32MiB": libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024),
        "M_TRIM_THRESHOLD=-1 (never trim)": libc.mallopt(m_trim_threshold, -1),
        "M_TOP_PAD=64MiB": libc.mallopt(m_top_pad, 64 * 1024 * 1024),
        "M_MMAP_MAX=0": libc.mallopt(m_mmap_max, 0),
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
        corename = getattr(lib, "openblas_get_corename", None)
        if corename is not None:
            corename.restype = ctypes.c_char_p
        _BLAS.update({"lib": path, "requested": int(n),
                      "openblas_get_num_threads": int(getter()) if getter else None,
                      "openblas_get_corename": corename().decode() if corename else None})
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


def _status_bytes(field):
    """VmRSS (resident now) or VmHWM (peak resident) of this process from /proc/self/status.
    Not ru_maxrss: Linux carries the parent's peak across fork + exec, so a process started by
    Node would report Node's resident size."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def conv_out(size, kernel, stride, padding):
    return (size + 2 * padding - kernel) // stride + 1


# --------------------------------------------------------------------------------------------
# networks
# --------------------------------------------------------------------------------------------
class CnnPairCritic(nn.Module):
    """The self-consistency critic: scores[i, j] = T(x_i, y_j), rows index x."""

    def __init__(self, height, width, channels, first_layer):
        super().__init__()
        self.first_layer = first_layer
        self.channels = channels
        self.conv0 = nn.Conv2d(2 * channels, 64, 5, 2, 2)
        self.conv1 = nn.Conv2d(64, 128, 5, 2, 2)
        h, w = height, width
        for _ in range(2):
            h, w = conv_out(h, 5, 2, 2), conv_out(w, 5, 2, 2)
        self.dense0 = nn.Linear(h * w * 128, 1024)
        self.dense1 = nn.Linear(1024, 1)

    def forward(self, x, y):
        n = x.shape[0]
        if self.first_layer == "split":
            wx = self.conv0.weight[:, : self.channels]
            wy = self.conv0.weight[:, self.channels:]
            a = F.conv2d(x, wx, None, 2, 2)
            b = F.conv2d(y, wy, self.conv0.bias, 2, 2)
            pre = (a.unsqueeze(1) + b.unsqueeze(0)).reshape(n * n, *a.shape[1:])
        else:
            xx = x.unsqueeze(1).expand(n, n, *x.shape[1:])
            yy = y.unsqueeze(0).expand(n, n, *y.shape[1:])
            pre = self.conv0(torch.cat([xx, yy], dim=2).reshape(n * n, -1, *x.shape[2:]))
        z = F.relu(self.conv1(F.relu(pre))).flatten(1)
        return self.dense1(F.relu(self.dense0(z))).reshape(n, n)


class CnnClassifier(nn.Module):
    """The conv trunk with a linear head of `outputs` units: f(x)."""

    def __init__(self, outputs):
        super().__init__()
        self.conv0 = nn.Conv2d(1, 64, 5, 2, 2)
        self.conv1 = nn.Conv2d(64, 128, 5, 2, 2)
        self.dense0 = nn.Linear(7 * 7 * 128, 1024)
        self.dense1 = nn.Linear(1024, outputs)

    def forward(self, x):
        z = F.relu(self.conv1(F.relu(self.conv0(x)))).flatten(1)
        return self.dense1(F.relu(self.dense0(z)))


class SlbCritic(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.f = CnnClassifier(classes)

    def forward(self, x, onehot):
        return self.f(x) @ onehot.t()


class ClbCritic(nn.Module):
    def __init__(self, embedding=128):
        super().__init__()
        self.f = CnnClassifier(embedding)

    def forward(self, x1, x2):
        both = self.f(torch.cat([x1, x2], dim=0))
        f1, f2 = both.chunk(2, dim=0)
        return f1 @ f2.t()


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, h):
        main = F.relu(self.bn1(self.conv1(h)))
        main = self.bn2(self.conv2(main))
        skip = h if self.shortcut is None else self.shortcut(h)
        return F.relu(main + skip)


class ResNet18PairCritic(nn.Module):
    """ResNet-18 on x and y stacked on channels; the stem split into conv(x) + conv(y)."""

    def __init__(self, channels=3, widths=(64, 128, 256, 512)):
        super().__init__()
        self.stem_x = nn.Conv2d(channels, widths[0], 3, 1, 1, bias=False)
        self.stem_y = nn.Conv2d(channels, widths[0], 3, 1, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(widths[0])
        blocks, cin = [], widths[0]
        for stage, width in enumerate(widths):
            for b in range(2):
                blocks.append(BasicBlock(cin, width, 2 if stage > 0 and b == 0 else 1))
                cin = width
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(cin, 1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x, y):
        n = x.shape[0]
        a, b = self.stem_x(x), self.stem_y(y)
        pre = (a.unsqueeze(1) + b.unsqueeze(0)).reshape(n * n, *a.shape[1:])
        h = self.blocks(F.relu(self.stem_bn(pre)))
        return self.head(h.mean(dim=(2, 3))).reshape(n, n)


def mlp(din, hidden, dout):
    layers, d = [], din
    for width in hidden:
        layers += [nn.Linear(d, width), nn.ReLU()]
        d = width
    layers.append(nn.Linear(d, dout))
    return nn.Sequential(*layers)


class JointCritic(nn.Module):
    """concat(x, y) -> 256 -> 256 -> 1 with the first layer split: x·W_x + y·W_y + b."""

    def __init__(self, dim=DIM, hidden=(256, 256)):
        super().__init__()
        self.first = nn.Linear(2 * dim, hidden[0])
        self.dim = dim
        self.rest = mlp(hidden[0], hidden[1:], 1)

    def halves(self, x, y):
        wx = self.first.weight[:, : self.dim]
        wy = self.first.weight[:, self.dim:]
        return x @ wx.t(), F.linear(y, wy, self.first.bias)

    def forward(self, x, y):
        n = x.shape[0]
        a, b = self.halves(x, y)
        pre = (a.unsqueeze(1) + b.unsqueeze(0)).reshape(n * n, -1)
        return self.rest(F.relu(pre)).reshape(n, n)

    def sampled(self, x, y, k):
        """R[i, c] = T(x_i, y_(i+c) mod n), c = 0..k."""
        n = x.shape[0]
        a, b = self.halves(x, y)
        index = (torch.arange(n).unsqueeze(1) + torch.arange(k + 1).unsqueeze(0)) % n
        pre = (a.unsqueeze(1) + b[index]).reshape(n * (k + 1), -1)
        return self.rest(F.relu(pre)).reshape(n, k + 1)


class SeparableCritic(nn.Module):
    def __init__(self, dim=DIM, hidden=(256, 256), embed=32):
        super().__init__()
        self.g = mlp(dim, hidden, embed)
        self.h = mlp(dim, hidden, embed)

    def forward(self, x, y):
        return self.g(x) @ self.h(y).t()


# --------------------------------------------------------------------------------------------
# bounds on an n x n score matrix, scores[i, j] = T(x_i, y_j)
# --------------------------------------------------------------------------------------------
def infonce_bound(s):
    n = s.shape[0]
    return (torch.diagonal(s) - torch.logsumexp(s, dim=1)).mean() + math.log(n)


def nwj_bound(s):
    n = s.shape[0]
    off = s[~torch.eye(n, dtype=torch.bool)]
    return torch.diagonal(s).mean() - torch.exp(off - 1.0).mean()


BOUNDS = {"infonce": infonce_bound, "nwj": nwj_bound}


def sampled_infonce(r):
    """InfoNCE with column 0 the positive and the other k columns the negatives."""
    return (r[:, 0] - torch.logsumexp(r, dim=1)).mean() + math.log(r.shape[1])


def percentile(values, q):
    v = sorted(values)
    if not v:
        return float("nan")
    pos = (len(v) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


# --------------------------------------------------------------------------------------------
# cases: (critic, batch sampler, loss of a batch, description)
# --------------------------------------------------------------------------------------------
def make_case(args, gen):
    n = args.n
    bound = BOUNDS[args.bound]
    if args.case == "cnn":
        critic = CnnPairCritic(28, 28, 1, args.first_layer)

        def batch():
            return (torch.rand((n, 1, 28, 28), generator=gen),
                    torch.rand((n, 1, 28, 28), generator=gen))
        return critic, batch, lambda x, y: -bound(critic(x, y)), "first layer " + args.first_layer
    if args.case == "slb":
        critic = SlbCritic(10)

        def batch():
            labels = torch.randint(0, 10, (n,), generator=gen)
            return torch.rand((n, 1, 28, 28), generator=gen), F.one_hot(labels, 10).float()
        return critic, batch, lambda x, y: -bound(critic(x, y)), "T = f(x)·onehot(y)"
    if args.case == "clb":
        critic = ClbCritic(128)

        def batch():
            return (torch.rand((n, 1, 28, 28), generator=gen),
                    torch.rand((n, 1, 28, 28), generator=gen))
        return critic, batch, lambda x, y: -bound(critic(x, y)), "T = f(x1)·f(x2)"
    if args.case == "resnet18":
        critic = ResNet18PairCritic(3)

        def batch():
            return (torch.rand((n, 3, 32, 32), generator=gen),
                    torch.rand((n, 3, 32, 32), generator=gen))
        return critic, batch, lambda x, y: -bound(critic(x, y)), "stem split, batch norm over n^2"
    rho = math.sqrt(1.0 - math.exp(-2.0 * BATCH_MI / DIM))

    def gaussian():
        x = torch.randn(n, DIM, generator=gen)
        eps = torch.randn(n, DIM, generator=gen)
        return x, rho * x + math.sqrt(1.0 - rho ** 2) * eps
    if args.case == "joint":
        critic = JointCritic()
        if args.negatives:
            k = args.negatives
            return (critic, gaussian, lambda x, y: -sampled_infonce(critic.sampled(x, y, k)),
                    "first layer split, %d shifted negatives per row" % k)
        return critic, gaussian, lambda x, y: -bound(critic(x, y)), "first layer split"
    critic = SeparableCritic()
    return critic, gaussian, lambda x, y: -bound(critic(x, y)), "S = g(x)·h(y)^T"


def _library_holding(address):
    """The path of the shared library mapped at `address` in this process, or None."""
    try:
        with open("/proc/self/maps") as f:
            for ln in f:
                parts = ln.split()
                lo, hi = (int(z, 16) for z in parts[0].split("-"))
                if lo <= address < hi and len(parts) >= 6 and "/" in parts[-1]:
                    return parts[-1]
    except OSError:
        pass
    return None


def blas_in_use():
    """Which BLAS torch's products run on: 'mkl' (torch built with MKL), 'openblas' (the library
    that provides sgemm_ to the process has OpenBLAS's entry points), 'reference' (another
    libblas, e.g. Debian's netlib fallback when no optimised BLAS is installed: 10-50x slower)
    or 'unknown'; and that library's path. sgemm_ is looked up from libtorch_cpu's handle, as the
    dynamic linker resolves it for torch."""
    if torch.backends.mkl.is_available():
        return "mkl", None
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # the BLAS is loaded by now
    libtorch = next((p for p in _loaded_libs() if os.path.basename(p).startswith("libtorch_cpu")),
                    None)
    try:
        # dlsym on torch's own handle searches it and its dependencies in load order.
        sgemm = ctypes.CDLL(libtorch).sgemm_ if libtorch else None
    except (OSError, AttributeError):
        sgemm = None
    if sgemm is None:
        return "unknown", None
    path = _library_holding(ctypes.cast(sgemm, ctypes.c_void_p).value)
    if path is None:
        return "unknown", None
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return "unknown", path
    if getattr(lib, "openblas_get_corename", None) is not None:
        return "openblas", path
    return "reference", path


def probe():
    blas, blas_library = blas_in_use()
    print(json.dumps({
        "mode": "probe",
        "torch_version": torch.__version__,
        "blas": blas,
        "blas_library": blas_library,
        "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE"),
        "openblas_coretype_chosen_by": _OPENBLAS_CORE[1],
        "python": sys.version.split()[0],
    }))


def profile_steps(steps, batch, loss_of, opt, top=25):
    """Self CPU time per step of the ops of `steps` training steps (torch.profiler, grouped by
    input shapes), the largest first: where PyTorch's step time goes, to set beside the TF.js
    kernel times of `perf-kernel-trace.ts` (TIMES=1)."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(steps):
            x, y = batch()
            loss = loss_of(x, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss.item()
    averages = prof.key_averages(group_by_input_shape=True)
    print(averages.table(sort_by="self_cpu_time_total", row_limit=top,
                         max_name_column_width=40, max_shapes_column_width=80), file=sys.stderr)
    rows = sorted(averages, key=lambda e: e.self_cpu_time_total, reverse=True)[:top]
    return {
        "steps": steps,
        "self_ms_per_step_total": sum(e.self_cpu_time_total for e in averages) / 1000.0 / steps,
        "ops": [{"name": e.key, "input_shapes": str(e.input_shapes),
                 "self_ms_per_step": e.self_cpu_time_total / 1000.0 / steps,
                 "calls_per_step": e.count / steps} for e in rows],
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("case", choices=["cnn", "slb", "clb", "resnet18", "joint", "separable", "probe"])
    p.add_argument("--n", type=int, default=None, help="batch size (default: the case's)")
    p.add_argument("--negatives", type=int, default=0,
                   help="joint only: k shifted partners per row instead of all n^2 pairs")
    p.add_argument("--bound", choices=sorted(BOUNDS), default="infonce")
    p.add_argument("--first-layer", choices=["split", "stacked"], default="split")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--malloc", choices=["tuned", "default"], default="tuned")
    p.add_argument("--out", default=None)
    p.add_argument("--profile", type=int, default=0, metavar="STEPS",
                   help="after the timing, profile this many more steps with torch.profiler: "
                        "the ops with the most self CPU time per step, by input shapes, in the "
                        "JSON ('profile') and as a table on stderr")
    args = p.parse_args(argv)
    if args.case == "probe":
        probe()
        return
    defaults = {"cnn": 16, "slb": 64, "clb": 64, "resnet18": 16, "joint": 64, "separable": 64}
    args.n = args.n or defaults[args.case]
    if args.n < 2 or args.steps < 1 or args.warmup < 0 or args.threads < 1:
        p.error("need --n >= 2, --steps >= 1, --warmup >= 0, --threads >= 1")
    if args.negatives and (args.case != "joint" or args.negatives >= args.n):
        p.error("--negatives k needs the joint case and k < n")
    if args.malloc == "tuned":
        tune_malloc()
    set_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed + 1)
    critic, batch, loss_of, detail = make_case(args, gen)
    opt = torch.optim.Adam(critic.parameters(), lr=LR, betas=BETAS)
    times = []
    rss_before = _status_bytes("VmRSS")
    busy0, cpu0, wall0 = None, None, None
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            busy0, cpu0, wall0 = _busy_seconds(), sum(os.times()[:4]), time.perf_counter()
        t0 = time.perf_counter()
        x, y = batch()
        loss = loss_of(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if not math.isfinite(loss.item()):
            raise SystemExit("non-finite loss at step %d" % step)
        elapsed = time.perf_counter() - t0
        if step >= args.warmup:
            times.append(elapsed * 1000.0)
    busy1, wall = _busy_seconds(), time.perf_counter() - wall0
    profile = profile_steps(args.profile, batch, loss_of, opt) if args.profile > 0 else None
    other_load = None
    if busy0 is not None and busy1 is not None and wall > 0:
        other_load = max(0.0, (busy1 - busy0 - (sum(os.times()[:4]) - cpu0)) / wall)
    peak = _status_bytes("VmHWM")
    result = {
        "mode": "torch-timing",
        "case": args.case,
        "n": args.n,
        "negatives": args.negatives or None,
        "bound": "sampled infonce" if args.negatives else args.bound,
        "detail": detail,
        "first_layer": args.first_layer,
        "parameters": sum(q.numel() for q in critic.parameters()),
        "warmup": args.warmup,
        "steps": args.steps,
        "median_ms": percentile(times, 50),
        "mean_ms": sum(times) / len(times),
        "p10_ms": percentile(times, 10),
        "p90_ms": percentile(times, 90),
        "times_ms": times,
        "profile": profile,
        "peak_rss_bytes": peak,
        "rss_before_bytes": rss_before,
        "peak_training_bytes": None if None in (rss_before, peak) else max(0, peak - rss_before),
        "other_processes_busy_cores": other_load,
        "loadavg_after": os.getloadavg()[0],
        "env": {
            "torch_version": torch.__version__,
            "python": sys.version.split()[0],
            "python_executable": sys.executable,
            "platform": platform.platform(),
            "torch_num_threads": torch.get_num_threads(),
            "torch_num_interop_threads": torch.get_num_interop_threads(),
            "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
            "openblas_coretype_chosen_by": _OPENBLAS_CORE[1],
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
