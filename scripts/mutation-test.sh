#!/usr/bin/env bash
# Mutation testing of the library's core with Stryker.NET (the local tool pinned in .config/dotnet-tools.json).
#
# Usage: scripts/mutation-test.sh [AREA...] [-- extra dotnet-stryker arguments]
#   AREA is a folder of src/Workbook: Signals, Networks, Fast, Training, Evaluation, TorchFiles, ModelFiles, Files (default: all eight).
#   Each area runs on its own (one Stryker run each), so results arrive area by area; reports go to
#   artifacts/mutation/AREA/reports/mutation-report.{html,json}, and one line per area gives its score.
#
# What it runs is tests/Workbook.Tests/stryker-config.json: only the fast unit tests (not the notebook, grading,
# command-line, display tests, nor the two whole training runs), coverage per test, two test sessions at a time.
# It is slow (minutes per area on 2 cores) and is not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

areas=()
while [[ $# -gt 0 && "$1" != "--" ]]; do areas+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
[[ ${#areas[@]} -eq 0 ]] && areas=(Signals Networks Fast Training Evaluation TorchFiles ModelFiles Files)

for area in "${areas[@]}"; do
  if [[ ! -d "src/Workbook/$area" ]]; then
    echo "mutation-test: no folder src/Workbook/$area (areas: Signals Networks Fast Training Evaluation TorchFiles ModelFiles Files)" >&2
    exit 2
  fi
done

dotnet tool restore >/dev/null
for area in "${areas[@]}"; do
  out="$PWD/artifacts/mutation/$area"
  rm -rf "$out"
  echo "mutation-test: $area (src/Workbook/$area), report in $out/reports/"
  (cd tests/Workbook.Tests && nice dotnet dotnet-stryker --mutate "**/$area/**/*.cs" --output "$out" "$@")
  # The JSON report (mutation-testing-elements schema): score = killed and timed out over all tested mutants.
  python3 - "$out/reports/mutation-report.json" "$area" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
counts = {}
for entry in report["files"].values():
    for mutant in entry["mutants"]:
        counts[mutant["status"]] = counts.get(mutant["status"], 0) + 1
detected = counts.get("Killed", 0) + counts.get("Timeout", 0)
undetected = counts.get("Survived", 0) + counts.get("NoCoverage", 0)
total = detected + undetected
score = 100 * detected / total if total else float("nan")
print(f"mutation-test: {sys.argv[2]}: score {score:.1f}% ({detected} of {total} detected; " +
      ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")")
EOF
done
