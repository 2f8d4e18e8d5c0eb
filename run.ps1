#!/usr/bin/env pwsh

<#
.SYNOPSIS
The workbook's main job, as ./run.sh does it: builds everything, then runs the command line.

.DESCRIPTION
With no arguments it executes every notebook headless and writes artifacts/notebooks/ (executed notebooks, an
offline HTML page each, index.html). With arguments it runs that verb of the command line. Needs only the .NET 10
SDK. Set WORKBOOK_DRY_RUN=1 to print the commands instead of running them.

.EXAMPLE
./run.ps1

.EXAMPLE
./run.ps1 train --epochs 5

.EXAMPLE
./run.ps1 run 04
#>
# No param() block: every argument, --epochs and -h included, goes to the command line unchanged.
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

. (Join-Path $PSScriptRoot 'scripts/Invoke-Step.ps1')

$verb = if ($args.Count -gt 0) { [string[]] $args } else { @('run') }
Invoke-Step dotnet @('build', 'Workbook.sln', '-c', 'Release', '--nologo', '-v', 'q', '-clp:NoSummary')
Invoke-Step dotnet (@('src/Workbook.Cli/bin/Release/net10.0/Workbook.Cli.dll') + $verb)
exit 0
