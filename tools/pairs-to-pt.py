#!/usr/bin/env python3
"""Writes a folder of WAV pairs (noisy/NAME.wav, clean/NAME.wav) as the course's data file: what
torch.save(data, path) writes for data, a list of (x, y) tuples of float32 tensors [1, N] (x noisy, y clean),
the layout of the course's dataB.pt. Needs real PyTorch (Debian: apt-get install -y python3-torch).

    /usr/bin/python3 tools/pairs-to-pt.py FOLDER OUT.pt

The pairs are taken in name order, 16-bit PCM or 32-bit float mono WAVs of one length and rate.
"""
import os
import struct
import sys

import torch


def read_wav(path):
    """Mono samples in [-1, 1) as a list of floats (16-bit PCM or 32-bit IEEE float)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        sys.exit(f"{path}: not a WAV file")
    pos, fmt, samples = 12, None, None
    while pos + 8 <= len(data):
        chunk, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if chunk == b"fmt ":
            fmt = struct.unpack("<HHIIHH", body[:16])
        elif chunk == b"data":
            samples = body
        pos += 8 + size + (size & 1)
    if fmt is None or samples is None:
        sys.exit(f"{path}: no fmt or data chunk")
    encoding, channels, _, _, _, bits = fmt
    if channels != 1:
        sys.exit(f"{path}: {channels} channels; mono expected")
    if encoding == 1 and bits == 16:
        return [v / 32768.0 for v in struct.unpack(f"<{len(samples) // 2}h", samples)]
    if encoding == 3 and bits == 32:
        return list(struct.unpack(f"<{len(samples) // 4}f", samples))
    sys.exit(f"{path}: encoding {encoding}, {bits} bits; 16-bit PCM or 32-bit float expected")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: pairs-to-pt.py FOLDER OUT.pt")
    folder, out = sys.argv[1], sys.argv[2]
    names = sorted(n for n in os.listdir(os.path.join(folder, "noisy")) if n.lower().endswith(".wav"))
    data = []
    for name in names:
        x = torch.tensor(read_wav(os.path.join(folder, "noisy", name)), dtype=torch.float32).view(1, -1)
        y = torch.tensor(read_wav(os.path.join(folder, "clean", name)), dtype=torch.float32).view(1, -1)
        if x.shape != y.shape:
            sys.exit(f"{name}: noisy {list(x.shape)} and clean {list(y.shape)} differ")
        data.append((x, y))
    torch.save(data, out)
    print(f"wrote {out}: {len(data)} pairs of {list(data[0][0].shape)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
