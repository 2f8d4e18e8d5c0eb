#!/usr/bin/env pwsh

<#
.SYNOPSIS
The workbook's test command, as ./test.sh does it: installs what the tests need where it can, then runs every test.

.DESCRIPTION
On Debian or Ubuntu it runs scripts/install-prerequisites.sh (Jupyter, the .NET Jupyter kernel, Chromium, KaTeX,
PowerShell). Elsewhere (Windows, macOS) it cannot install them: it names each with the command that installs it,
and the tests that need a missing one are skipped, saying the same. Extra arguments go to `dotnet test`.
Set WORKBOOK_DRY_RUN=1 to print the commands instead of running them.

.EXAMPLE
./test.ps1

.EXAMPLE
./test.ps1 --filter "FullyQualifiedName~Signals"
#>
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

. (Join-Path $PSScriptRoot 'scripts/Invoke-Step.ps1')

# What the tests need beyond the .NET SDK, and how to install it here (the tests' skip messages say the same).
function Write-Prerequisites {
    $kernel = 'dotnet tool install -g Microsoft.dotnet-interactive --version 1.0.712001; dotnet interactive jupyter install'
    $needs = if ($IsWindows) {
        [ordered] @{
            'Jupyter (nbconvert)'    = 'winget install Python.Python.3.12; py -m pip install jupyter nbconvert nbclient'
            'the .NET Jupyter kernel' = $kernel
            'Chromium (or Chrome)'   = 'winget install Hibbiken.Chromium; or set WORKBOOK_CHROMIUM to chrome.exe'
            'KaTeX (the report''s equations)' = 'npm install katex; $env:WORKBOOK_KATEX_DIR = "$PWD/node_modules/katex/dist"'
        }
    } else {
        [ordered] @{
            'Jupyter (nbconvert)'    = 'brew install jupyterlab'
            'the .NET Jupyter kernel' = $kernel
            'Chromium'               = 'brew install --cask chromium; or set WORKBOOK_CHROMIUM to the browser''s executable'
            'KaTeX (the report''s equations)' = 'npm install katex; export WORKBOOK_KATEX_DIR="$PWD/node_modules/katex/dist"'
        }
    }
    Write-Output 'test.ps1: this system has no apt-get, so nothing is installed here. The tests that need these skip, naming the same commands:'
    foreach ($need in $needs.GetEnumerator()) { Write-Output ("  {0}: {1}" -f $need.Key, $need.Value) }
}

if ($IsLinux -and (Get-Command apt-get -ErrorAction SilentlyContinue)) {
    Invoke-Step bash @('scripts/install-prerequisites.sh')
} else {
    Write-Prerequisites
}
Invoke-Step dotnet (@('test', 'Workbook.sln', '-c', 'Release') + [string[]] $args)
exit 0
