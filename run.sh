#!/usr/bin/env bash
# The workbook's main job: builds everything, then runs the command line. With no arguments it executes every
# notebook headless and writes artifacts/notebooks/ (executed notebooks, an offline HTML page each, index.html).
# Usage: ./run.sh [verb [options]]      e.g. ./run.sh train --epochs 5     ./run.sh bench
# run.ps1 does the same in PowerShell (Windows, macOS). WORKBOOK_DRY_RUN=1 prints the commands instead of running
# them (a test compares the two scripts' commands).
set -euo pipefail
cd "$(dirname "$0")"
step() { if [[ "${WORKBOOK_DRY_RUN:-}" == 1 ]]; then echo "$*"; else "$@"; fi; }
step dotnet build Workbook.sln -c Release --nologo -v q -clp:NoSummary
step dotnet src/Workbook.Cli/bin/Release/net10.0/Workbook.Cli.dll "${@:-run}"
