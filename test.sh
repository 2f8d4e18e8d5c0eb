#!/usr/bin/env bash
# The workbook's test command: installs what the tests need (on Debian/Ubuntu), then runs every test.
# Usage: ./test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-prerequisites.sh
dotnet test Workbook.sln -c Release "$@"
