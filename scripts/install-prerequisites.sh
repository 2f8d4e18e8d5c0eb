#!/usr/bin/env bash
# Installs what the workbook needs beyond the .NET SDK, on Debian 12 / Ubuntu 22.04+.
# Idempotent: does nothing when everything is present. Prints one line per thing it installs.
#
#   Jupyter (nbconvert, to run notebooks the Jupyter way)   Debian packages jupyter-nbconvert, jupyter-client, jupyter-core
#   the .NET kernel for Jupyter                             dotnet tool Microsoft.dotnet-interactive (global) + `dotnet interactive jupyter install`
#   headless Chromium (the HTML report test)                Debian package chromium
#   KaTeX (typesets the equations in the HTML report)       Debian package libjs-katex
#   PowerShell 7.6.9 (the run.ps1/test.ps1 test)            dotnet tool, pinned in .config/dotnet-tools.json: `dotnet tool restore`
#   bubblewrap (grade runs each notebook in its sandbox)     Debian package bubblewrap
#   PyTorch (the export's interop test)                     Debian package python3-torch
#   speech synthesisers (synthesized training speech)        Debian packages espeak-ng festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts
#
# Elsewhere install the same by hand; tests that need a missing tool are reported as skipped, except under CI=true,
# where they fail with the install command (and this script fails first, naming what it could not install).
# Set WORKBOOK_SKIP_PREREQUISITES=1 to skip this script (for example on a machine without apt).
set -euo pipefail
# Pipelines into grep let grep read to the end (`grep … >/dev/null`, never `grep -q`): grep -q stops at the first
# match, the writer then dies of SIGPIPE and, under pipefail, the check fails although the match was there.

[[ "${WORKBOOK_SKIP_PREREQUISITES:-}" == 1 ]] && exit 0
cd "$(dirname "$0")/.."   # the repository root: .config/dotnet-tools.json is there

readonly DOTNET_INTERACTIVE_VERSION=1.0.712001
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export PATH="$PATH:$HOME/.dotnet/tools"

SUDO=""
if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi

apt_updated=0
apt_install() {
    # apt_install DESCRIPTION PACKAGE...
    local description="$1"; shift
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-prerequisites: no apt-get here; install $description ($*) by hand" >&2
        return 0
    fi
    if [[ $apt_updated == 0 ]]; then
        $SUDO apt-get update -qq >/dev/null
        apt_updated=1
    fi
    echo "install-prerequisites: installing $description (Debian: $*)"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Debian's Jupyter, never pip's.
# /usr/bin first: a pyenv python3 on PATH must not shadow Debian's.
if ! PATH="/usr/bin:$PATH" command -v jupyter-nbconvert >/dev/null 2>&1 || ! [[ -x /usr/bin/jupyter ]]; then
    apt_install "Jupyter nbconvert" jupyter-nbconvert jupyter-client jupyter-core python3-nbclient
fi

# The .NET kernel: the dotnet-interactive tool, and its kernel specs registered with Jupyter.
if ! dotnet tool list --global 2>/dev/null | grep -i "microsoft.dotnet-interactive *$DOTNET_INTERACTIVE_VERSION" >/dev/null; then
    echo "install-prerequisites: installing dotnet-interactive $DOTNET_INTERACTIVE_VERSION (dotnet tool, global)"
    dotnet tool uninstall --global Microsoft.dotnet-interactive >/dev/null 2>&1 || true
    dotnet tool install --global Microsoft.dotnet-interactive --version "$DOTNET_INTERACTIVE_VERSION" >/dev/null
fi
if [[ -x /usr/bin/jupyter ]] && ! PATH="/usr/bin:$PATH" jupyter kernelspec list 2>/dev/null | grep '\.net-csharp' >/dev/null; then
    echo "install-prerequisites: registering the .NET kernels with Jupyter (dotnet interactive jupyter install)"
    PATH="/usr/bin:$PATH" dotnet interactive jupyter install >/dev/null
fi
# The kernel specs start `dotnet interactive`, which finds the tool only when ~/.dotnet/tools is on PATH:
# name the tool by its full path, so Jupyter started from anywhere can start the kernel.
tool="$HOME/.dotnet/tools/dotnet-interactive"
if [[ -x /usr/bin/jupyter && -x "$tool" ]]; then
    for spec in $(PATH="/usr/bin:$PATH" jupyter kernelspec list 2>/dev/null | awk '$1 ~ /^\.net-/ {print $2 "/kernel.json"}'); do
        if grep -q '"interactive",' "$spec"; then
            echo "install-prerequisites: pointing $spec at $tool"
            /usr/bin/python3 - "$spec" "$tool" <<'PY'
import json, sys
path, tool = sys.argv[1], sys.argv[2]
spec = json.load(open(path))
if spec["argv"][:2] == ["dotnet", "interactive"]:
    spec["argv"] = [tool] + spec["argv"][2:]
json.dump(spec, open(path, "w"), indent=2)
PY
        fi
    done
fi

# KaTeX, inlined into the HTML report so its equations are typeset offline.
if [[ ! -f /usr/share/javascript/katex/katex.min.js ]]; then
    apt_install "KaTeX" libjs-katex
fi

# Debian's PyTorch, for the test that loads `export`'s state_dict into the handout's class (scripts/check-pytorch-interop.py).
# The notebooks are unaffected: Workbook.Notebook.Setup() preloads TorchSharp's own libtorch before anything else loads one.
if ! /usr/bin/python3 -c "import torch" >/dev/null 2>&1; then
    apt_install "PyTorch" python3-torch
fi

# PowerShell, to test run.ps1 and test.ps1 here: the repository's tool manifest pins it (about 15 s and 200 MB, once).
if ! dotnet tool run pwsh -- -NoProfile -Command 'exit 0' >/dev/null 2>&1; then
    echo "install-prerequisites: installing PowerShell (dotnet tool restore: .config/dotnet-tools.json)"
    dotnet tool restore >/dev/null
fi

# The synthesisers of the filter-bank recipe's synthesized training speech (Workbook.Data.Speech): espeak-ng, and
# Festival with kal_diphone (trained on) and ked_diphone and us-slt-hts (held out, for scoring unseen voices).
if ! command -v espeak-ng >/dev/null 2>&1 || ! command -v festival >/dev/null 2>&1 \
    || [[ ! -d /usr/share/festival/voices/english/kal_diphone || ! -d /usr/share/festival/voices/english/ked_diphone \
          || ! -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ]]; then
    apt_install "speech synthesisers" espeak-ng festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts
fi

# Headless Chromium for the report test.
if ! command -v chromium >/dev/null 2>&1; then
    apt_install "Chromium" chromium
fi
# bubblewrap: `grade` runs each submitted notebook in a bwrap sandbox (Workbook.Notebooks.NotebookSandbox).
if ! command -v bwrap >/dev/null 2>&1; then
    apt_install "bubblewrap" bubblewrap
fi
# Under CI=true nothing may be missing: a test without its tool would fail anyway; say here what and why.
if [[ "${CI:-}" == true || "${CI:-}" == 1 ]]; then
    missing=()
    PATH="/usr/bin:$PATH" command -v jupyter-nbconvert >/dev/null 2>&1 && [[ -x /usr/bin/jupyter ]] || missing+=("Jupyter (apt-get install jupyter-nbconvert jupyter-client jupyter-core python3-nbclient)")
    [[ -x /usr/bin/jupyter ]] && PATH="/usr/bin:$PATH" jupyter kernelspec list 2>/dev/null | grep '\.net-csharp' >/dev/null || missing+=("the .NET Jupyter kernel (dotnet tool install -g Microsoft.dotnet-interactive --version $DOTNET_INTERACTIVE_VERSION; dotnet interactive jupyter install)")
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=("Chromium (apt-get install chromium)")
    [[ -f /usr/share/javascript/katex/katex.min.js ]] || missing+=("KaTeX (apt-get install libjs-katex)")
    dotnet tool run pwsh -- -NoProfile -Command 'exit 0' >/dev/null 2>&1 || missing+=("PowerShell (dotnet tool restore)")
    command -v bwrap >/dev/null 2>&1 || missing+=("bubblewrap (apt-get install bubblewrap)")
    command -v espeak-ng >/dev/null 2>&1 && command -v festival >/dev/null 2>&1 && [[ -d /usr/share/festival/voices/english/kal_diphone ]] \
        || missing+=("speech synthesisers (apt-get install espeak-ng festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts)")
    if (( ${#missing[@]} > 0 )); then
        printf 'install-prerequisites: CI=true and still missing: %s\n' "${missing[@]}" >&2
        exit 1
    fi
fi
exit 0
