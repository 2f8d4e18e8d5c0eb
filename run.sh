#!/usr/bin/env bash
# The workbook's main job: builds the library and runs the command line (by default the demo).
# Usage: ./run.sh [verb [options]]
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-prerequisites.sh
dotnet build Workbook.sln -c Release --nologo -v q
exec dotnet src/Workbook.Cli/bin/Release/net10.0/Workbook.Cli.dll "${@:-demo}"
