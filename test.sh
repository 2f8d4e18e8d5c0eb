#!/usr/bin/env bash
# The workbook's test command: installs what the tests need (on Debian/Ubuntu), then runs every test.
# Usage: ./test.sh [extra dotnet test arguments]
# test.ps1 does the same in PowerShell (Windows, macOS). WORKBOOK_DRY_RUN=1 prints the commands instead of running them.
set -euo pipefail
cd "$(dirname "$0")"
step() { if [[ "${WORKBOOK_DRY_RUN:-}" == 1 ]]; then echo "$*"; else "$@"; fi; }
step bash scripts/install-prerequisites.sh
step dotnet test Workbook.sln -c Release "$@"
