#!/usr/bin/env bash
# The workbook's main job: builds everything, then runs the command line. With no arguments it executes every
# notebook headless and writes artifacts/notebooks/ (executed notebooks, an offline HTML page each, index.html).
# Usage: ./run.sh [verb [options]]      e.g. ./run.sh train --epochs 5     ./run.sh bench
set -euo pipefail
cd "$(dirname "$0")"
dotnet build Workbook.sln -c Release --nologo -v q -clp:NoSummary
exec dotnet src/Workbook.Cli/bin/Release/net10.0/Workbook.Cli.dll "${@:-run}"
