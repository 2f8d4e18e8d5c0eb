#!/usr/bin/env python3
"""Loads a state_dict the workbook exported into the handout's own Task 3 class and compares outputs.

usage: check-pytorch-interop.py MODEL.pt EXPECTED.json

EXPECTED.json holds {"taps": [...], "features": [...], "input": [...], "input_shape": [F0, N], "output": [...]}:
the architecture (optional: else read from the filters' shapes), one input and the expected output on it, e.g.
tests/Workbook.Tests/Fixtures/lab-cnn-expected.json for `export --model lab-cnn-state-dict.pt`. Prints the largest difference and exits 1 when it
is above 1e-5 or when load_state_dict refuses the file. Needs PyTorch (Debian: apt-get install python3-torch).
"""
import json
import sys

import torch
import torch.nn as nn


# The handout's classes, as its Task 3 writes them: a layer holds filter [K, G, F] drawn with xavier_normal_,
# computes y = sum_k H_k^T S^k x, and the network puts tanh between layers.
def shift(x):
    y = torch.roll(x, 1, dims=-1)
    y[..., 0] = 0
    return y


class MIMO_convolutional_layer(nn.Module):
    def __init__(self, K, F, G):
        super().__init__()
        self.filter = nn.Parameter(torch.empty(K, G, F))
        nn.init.xavier_normal_(self.filter)

    def forward(self, x):  # x: [F, N]
        y = torch.zeros(self.filter.shape[1], x.shape[-1])
        z = x
        for k in range(self.filter.shape[0]):
            y = y + self.filter[k] @ z
            z = shift(z)
        return y


class MIMO_CNN(nn.Module):
    def __init__(self, L, taps, features):
        super().__init__()
        self.layers = nn.ModuleList(
            [MIMO_convolutional_layer(taps[l], features[l], features[l + 1]) for l in range(L)])

    def forward(self, x):
        for l, layer in enumerate(self.layers):
            x = layer(x)
            if l < len(self.layers) - 1:
                x = torch.tanh(x)
        return x


def main():
    model_path, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path) as f:
        expected = json.load(f)
    state = torch.load(model_path)
    # The architecture from the JSON, or (for the fixture lab-cnn-expected.json) from the filters' [K, G, F] shapes.
    shapes = [state[f"layers.{l}.filter"].shape for l in range(len(state))]
    taps = expected.get("taps", [s[0] for s in shapes])
    features = expected.get("features", [shapes[0][2]] + [s[1] for s in shapes])
    model = MIMO_CNN(len(taps), taps, features)
    model.load_state_dict(state)  # strict: every key and shape must match the handout's class
    x = torch.tensor(expected["input"], dtype=torch.float32).reshape(expected["input_shape"])
    want = torch.tensor(expected["output"], dtype=torch.float32).reshape(-1)
    with torch.no_grad():
        got = model(x).reshape(-1)
    worst = (got - want).abs().max().item()
    print(f"torch {torch.__version__}: load_state_dict ok, largest difference {worst:.3e} "
          f"over {want.numel()} samples (output scale {want.abs().max().item():.3f})")
    return 0 if worst <= 1e-5 else 1


if __name__ == "__main__":
    sys.exit(main())
