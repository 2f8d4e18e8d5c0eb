#!/usr/bin/env python3
"""The lab's Task 4 training in plain PyTorch: the yardstick for the workbook's `train` and `bench`.

The same work as `train` per epoch: the [1, 5, 1] / [40, 40] causal CNN (tanh between the layers, weights drawn
from N(0, 2 / (G*F + K*F)) as the handout's xavier_normal_ does), SGD lr 0.5 on the L1 loss, the 250 training clips
shuffled into batches of 32 (one index_select each), then without gradients the L1 and MSE of all 250 training and
50 test clips in chunks of 50. Each layer is one F.conv1d on the input padded with K - 1 zeros in front, with the
weights kept as [G, F, K] parameters, so a step does no permute, flip or copy of them.

Data: the bundled set as the workbook decoded it (its cache file, ~/.cache/workbook/bundled-*.decoded, written by
any run of `train` or `bench`), split 50 test / 250 train by a seeded permutation; with --synthetic, or when no cache
file exists, seeded noise clips of the same shapes (an epoch's time does not depend on the samples).

The script restarts itself with OMP_WAIT_POLICY=PASSIVE (as the workbook sets it for libtorch: on a busy machine
spinning OpenMP threads make two threads slower than one) and with glibc malloc told to keep freed memory
(MALLOC_TOP_PAD_, MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_, as jemalloc or tcmalloc would): otherwise every
conv1d maps fresh megabytes and page-faults them in, a kernel cost that does not shrink with more threads.
Variables already set are kept; --plain-malloc leaves malloc alone.

    /usr/bin/python3 tools/pytorch-task4-bench.py                # 20 epochs with 1 thread, then with 2
    /usr/bin/python3 tools/pytorch-task4-bench.py --threads 2    # one setting: the whole-run figure
"""
import time

PROCESS_START = time.perf_counter()

import argparse
import glob
import os
import platform
import statistics
import struct
import sys

# Read once, at process start (glibc) or when libgomp loads (OpenMP): so set them and restart before importing torch.
ENVIRONMENT = {"OMP_WAIT_POLICY": "PASSIVE"}
if "--plain-malloc" not in sys.argv:
    ENVIRONMENT.update(MALLOC_TOP_PAD_=str(512 << 20), MALLOC_TRIM_THRESHOLD_=str(1 << 30), MALLOC_MMAP_THRESHOLD_=str(32 << 20))
if any(name not in os.environ for name in ENVIRONMENT):
    os.execve(sys.executable, [sys.executable] + sys.argv, {**ENVIRONMENT, **os.environ})

import torch
import torch.nn.functional as F

TAPS, FEATURES = [40, 40], [1, 5, 1]
TEST_COUNT, BATCH, LR, CHUNK = 50, 32, 0.5, 50


def cache_files():
    folder = os.environ.get("WORKBOOK_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "workbook")
    return sorted(glob.glob(os.path.join(folder, "bundled-*.decoded")), key=os.path.getmtime, reverse=True)


def read_decoded(path):
    """The workbook's decoded-set file: magic, version, key, rate, Q, N, names, Q*N noisy then clean float32, SHA-256."""
    data = open(path, "rb").read()
    magic = b"workbook decoded data set\n"
    if not data.startswith(magic):
        raise ValueError(f"{path}: not a decoded data set")
    version, = struct.unpack_from("<i", data, len(magic))
    at = len(magic) + 4 + 32  # version, key
    rate, count, length = struct.unpack_from("<iii", data, at)
    at += 12
    for _ in range(count + 1):  # the source, then Q names: .NET BinaryWriter strings (7-bit length prefix)
        size, shift = 0, 0
        while True:
            byte = data[at]
            at += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        at += size
    samples = torch.frombuffer(bytearray(data[at:at + 2 * count * length * 4]), dtype=torch.float32)
    noisy, clean = samples.view(2, count, 1, length).unbind(0)
    return noisy.contiguous(), clean.contiguous(), rate


def synthetic(count=300, length=16000, seed=1):
    generator = torch.Generator().manual_seed(seed)
    clean = 0.1 * torch.randn(count, 1, length, generator=generator)
    return clean + 0.05 * torch.randn(count, 1, length, generator=generator), clean, 16000


class CausalCnn(torch.nn.Module):
    def __init__(self, taps, features):
        super().__init__()
        self.weights = torch.nn.ParameterList(
            torch.nn.Parameter(torch.randn(g, f, k) * (2.0 / (g * f + k * f)) ** 0.5)
            for k, f, g in zip(taps, features, features[1:]))

    def forward(self, x):
        for i, w in enumerate(self.weights):
            x = F.conv1d(F.pad(x, (w.shape[2] - 1, 0)), w)
            if i < len(self.weights) - 1:
                x = torch.tanh(x)
        return x


def evaluate(model, noisy, clean):
    """Mean L1 and MSE over all clips, no gradients, in chunks of 50 (as the workbook's Trainer.Evaluate)."""
    absolute = squared = 0.0
    with torch.no_grad():
        for start in range(0, len(noisy), CHUNK):
            error = model(noisy[start:start + CHUNK]) - clean[start:start + CHUNK]
            absolute += error.abs().sum().item()
            squared += error.square().sum().item()
    return absolute / clean.numel(), squared / clean.numel()


def train(threads, epochs, train_set, test_set, seed, quiet):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    start = time.perf_counter()
    model = CausalCnn(TAPS, FEATURES)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    noisy, clean = train_set
    shuffle = torch.Generator().manual_seed(seed)
    times = []
    for epoch in range(1, epochs + 1):
        clock = time.perf_counter()
        for batch in torch.randperm(len(noisy), generator=shuffle).split(BATCH):
            optimizer.zero_grad(set_to_none=True)
            loss = F.l1_loss(model(noisy.index_select(0, batch)), clean.index_select(0, batch))
            loss.backward()
            optimizer.step()
        train_l1, _ = evaluate(model, *train_set)
        test_l1, _ = evaluate(model, *test_set)
        times.append(time.perf_counter() - clock)
        if not quiet:
            print(f"threads {threads}  epoch {epoch:2d}/{epochs}  {times[-1]:.3f} s  "
                  f"train_l1 {train_l1:.6f}  test_l1 {test_l1:.6f}", flush=True)
    return times, time.perf_counter() - start, test_l1


def cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def load_average():
    try:
        with open("/proc/loadavg") as load:
            return load.read().split()[0]
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="thread counts, run in turn (default: 1 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", help="a decoded-set file of the workbook [default: the newest in its cache folder]")
    parser.add_argument("--synthetic", action="store_true", help="seeded noise clips of the bundled set's shapes instead")
    parser.add_argument("--quiet", action="store_true", help="no line per epoch")
    parser.add_argument("--plain-malloc", action="store_true", help="do not set the MALLOC_* variables")
    arguments = parser.parse_args()

    files = [] if arguments.synthetic else [arguments.data] if arguments.data else cache_files()
    if files:
        noisy, clean, rate = read_decoded(files[0])
        source = f"bundled set from {files[0]}"
    else:
        noisy, clean, rate = synthetic(seed=arguments.seed)
        source = "synthetic clips (no decoded bundled set found)"
    order = torch.randperm(len(noisy), generator=torch.Generator().manual_seed(arguments.seed))
    test_set = noisy[order[:TEST_COUNT]], clean[order[:TEST_COUNT]]
    train_set = noisy[order[TEST_COUNT:]], clean[order[TEST_COUNT:]]

    print(f"{cpu_model()}, {os.cpu_count()} CPUs, load average {load_average()}; PyTorch {torch.__version__}, "
          + " ".join(f"{name}={os.environ[name]}" for name in sorted(ENVIRONMENT)))
    print(f"Task 4: features {FEATURES}, taps {TAPS}, SGD lr {LR}, batch {BATCH}, {arguments.epochs} epochs; {source}: "
          f"{len(train_set[0])} train + {len(test_set[0])} test clips of {noisy.shape[-1]} samples at {rate} Hz")
    summary = []
    for threads in arguments.threads:
        times, seconds, test_l1 = train(threads, arguments.epochs, train_set, test_set, arguments.seed, arguments.quiet)
        summary.append(f"threads {threads}: median epoch {statistics.median(times):.3f} s (min {min(times):.3f}, "
                       f"max {max(times):.3f}), {arguments.epochs} epochs {seconds:.2f} s, final test_l1 {test_l1:.6f}")
    for line in summary:
        print(line)
    print(f"whole process {time.perf_counter() - PROCESS_START:.2f} s (from before `import torch`); "
          f"load average {load_average()}")


if __name__ == "__main__":
    main()
