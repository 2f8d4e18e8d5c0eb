#!/usr/bin/env bash
# Installs what the workbook needs beyond the .NET SDK, on Debian 12 / Ubuntu 22.04+.
# Idempotent: does nothing when everything is present. Prints one line per thing it installs.
set -euo pipefail
# (filled in as the workbook grows: Jupyter, the .NET kernel, Chromium for the report tests)
exit 0
