#!/usr/bin/env bash
# The workbook's denoisers against RNNoise on the same held-out 48 kHz files (see compare.cs for what is scored).
#
#   tools/rnnoise/compare.sh [LAB.cnn FILTER-BANK.cnn [MORE-FILTER-BANK.cnn…]]
#
# Without models it trains both with the built CLI (the filter-bank recipe's epochs from FILTER_BANK_EPOCHS, default
# its own). Everything it makes goes to a scratch folder (RNNOISE_SCRATCH, default /tmp/rnnoise-compare): the npm
# package, the models, the speech and every denoised file; nothing is added to the repository.
# Needs Node 18+ with npm (registry reachable), Festival with its voices (apt-get install -y festival festvox-kallpc16k
# festvox-kdlpc16k festvox-us-slt-hts; kal is trained on, ked and slt are the held-out voices scored here; espeak-ng too,
# to train the filter-bank model: scripts/install-prerequisites.sh installs them all) and a Release build (dotnet build -c Release).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
scratch="${RNNOISE_SCRATCH:-/tmp/rnnoise-compare}"
mkdir -p "$scratch"

for tool in node npm festival; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is not installed (see the comment at the top of $0)" >&2; exit 2; }
done

# RNNoise as xiph's C library compiled to WebAssembly, pinned, installed only into the scratch folder.
if [ ! -f "$scratch/node_modules/@echogarden/rnnoise-wasm/rnnoise.wasm" ]; then
  (cd "$scratch" && npm install --no-save --no-audit --no-fund --loglevel=error @echogarden/rnnoise-wasm@0.2.0)
fi

if [ $# -ge 2 ]; then
  lab="$1"; shift; filter_banks=("$@")
elif [ $# -eq 0 ]; then
  cli="$repo/src/Workbook.Cli/bin/Release/net10.0/Workbook.Cli.dll"
  [ -f "$cli" ] || { echo "compare.sh: $cli is missing; build first: dotnet build Workbook.sln -c Release" >&2; exit 2; }
  lab="$scratch/models/lab/model.cnn"; filter_bank="$scratch/models/filter-bank/model.cnn"
  [ -f "$lab" ] || dotnet "$cli" train --out "$scratch/models/lab"
  [ -f "$filter_bank" ] || dotnet "$cli" train --recipe filter-bank ${FILTER_BANK_EPOCHS:+--epochs "$FILTER_BANK_EPOCHS"} --out "$scratch/models/filter-bank"
  filter_banks=("$filter_bank")
else
  echo "usage: $0 [LAB.cnn FILTER-BANK.cnn [MORE-FILTER-BANK.cnn…]]" >&2; exit 2
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release "$here/compare.cs" -- "$scratch" "$lab" "${filter_banks[@]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
