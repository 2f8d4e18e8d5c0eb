#!/usr/bin/env bash
# Remakes the bundled data set in data/speech/ (clean/*.wav and manifest.json) with tools/DataGenerator.
# Needs espeak-ng, which only this script needs: installs it on Debian/Ubuntu if it is missing.
# Same seed, same espeak-ng version (recorded in the manifest as "synthesizer") -> byte-identical files.
# Usage: data/regenerate.sh [--seed S] [--count Q] [--out FOLDER]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v espeak-ng >/dev/null 2>&1; then
  echo "espeak-ng is missing: installing it (apt-get install espeak-ng) to speak the clips"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq espeak-ng >/dev/null
fi
cd "$repo"
dotnet build tools/DataGenerator/DataGenerator.csproj -c Release --nologo -v q
exec dotnet tools/DataGenerator/bin/Release/net10.0/DataGenerator.dll --out "$repo/data/speech" "$@"
