#!/usr/bin/env python3
"""The lab's Task 4 training in PyTorch with causal conv1d: the yardstick for the workbook's `bench`.

The handout's MIMO_CNN ([1, 5, 1] features, [40, 40] taps, tanh between layers), each layer a causal convolution
computed by torch.nn.functional.conv1d on the input padded with K - 1 zeros in front, trained as the workbook's
`train` does: SGD with learning rate 0.5, batches of 32, L1 loss, 250 training clips of 16000 samples, and after
every epoch the L1 loss on the 250 training and the 50 test clips (no gradients). It runs with one thread and with
two (torch.set_num_threads) and prints each epoch's time, the median per setting and the final test L1.

The clips are synthetic, of the bundled set's sizes (the time of an epoch does not depend on the samples): clean
signals are white noise through a 16-tap moving average, noisy ones add white noise; seeded, so a run repeats.

    python3 tools/pytorch-task4-bench.py                 # 20 epochs with 1 thread, then with 2
    python3 tools/pytorch-task4-bench.py --epochs 5 --threads 2

Needs only PyTorch (on Debian 12: apt-get install python3-torch, PyTorch 1.13).
"""
import argparse
import os
import statistics
import time

import torch
import torch.nn.functional as functional


class MimoFilter(torch.nn.Module):
    """The handout's MIMO convolutional layer: filter [K, G, F], y = sum_k H_k x shifted by k, causal."""

    def __init__(self, taps, inputs, outputs):
        super().__init__()
        self.filter = torch.nn.Parameter(torch.empty(taps, outputs, inputs))
        torch.nn.init.xavier_normal_(self.filter)

    def forward(self, x):  # x: [B, F, N]
        taps = self.filter.shape[0]
        # conv1d correlates, so tap k goes to position K - 1 - k; K - 1 zeros in front make it causal.
        weight = self.filter.permute(1, 2, 0).flip(2)  # [G, F, K]
        return functional.conv1d(functional.pad(x, (taps - 1, 0)), weight)


class MimoCnn(torch.nn.Module):
    def __init__(self, taps, features):
        super().__init__()
        self.layers = torch.nn.ModuleList(
            MimoFilter(taps[l], features[l], features[l + 1]) for l in range(len(taps)))

    def forward(self, x):
        for l, layer in enumerate(self.layers):
            x = layer(x)
            if l < len(self.layers) - 1:
                x = torch.tanh(x)
        return x


def synthetic_pairs(count, samples, generator):
    clean = torch.randn(count, 1, samples + 15, generator=generator)
    clean = functional.avg_pool1d(clean, 16, stride=1)  # [count, 1, samples]: low-pass "speech"
    noisy = clean + 0.5 * clean.std() * torch.randn(count, 1, samples, generator=generator)
    return noisy, clean


def l1(model, noisy, clean, chunk=50):
    with torch.no_grad():
        total = sum(functional.l1_loss(model(noisy[i:i + chunk]), clean[i:i + chunk], reduction="sum").item()
                    for i in range(0, len(noisy), chunk))
    return total / clean.numel()


def train(threads, epochs, train_set, test_set, seed):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = MimoCnn([40, 40], [1, 5, 1])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    noisy, clean = train_set
    times = []
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(noisy))
        for i in range(0, len(noisy), 32):
            batch = order[i:i + 32]
            optimizer.zero_grad()
            loss = functional.l1_loss(model(noisy[batch]), clean[batch])
            loss.backward()
            optimizer.step()
        train_l1 = l1(model, *train_set)
        test_l1 = l1(model, *test_set)
        times.append(time.perf_counter() - start)
        print(f"threads {threads}  epoch {epoch:2d}/{epochs}  {times[-1]:.3f} s  train_l1 {train_l1:.6f}  test_l1 {test_l1:.6f}", flush=True)
    return times, test_l1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 2], help="thread counts to run (default: 1 2)")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    generator = torch.Generator().manual_seed(arguments.seed)
    train_set = synthetic_pairs(250, 16000, generator)
    test_set = synthetic_pairs(50, 16000, generator)
    try:
        with open("/proc/loadavg") as load:
            load_average = load.read().split()[0]
    except OSError:
        load_average = "unknown"
    print(f"PyTorch {torch.__version__}, {os.cpu_count()} CPUs, load average {load_average}; "
          f"Task 4: [1, 5, 1] features, [40, 40] taps, 250 + 50 clips of 16000 samples, SGD lr 0.5, batch 32")
    summary = []
    for threads in arguments.threads:
        times, test_l1 = train(threads, arguments.epochs, train_set, test_set, arguments.seed)
        # The first epoch pays for warm-up (allocations, thread start); the median of the others is the steady pace.
        steady = times[1:] or times
        summary.append(f"threads {threads}: median epoch {statistics.median(steady):.3f} s (min {min(steady):.3f}), "
                       f"{arguments.epochs} epochs {sum(times):.2f} s, final test_l1 {test_l1:.6f}")
    for line in summary:
        print(line)


if __name__ == "__main__":
    main()
