# Dot-sourced by run.ps1 and test.ps1: the one way both run a program.
# With WORKBOOK_DRY_RUN=1 it prints the command instead (the tests compare that with the .sh twin's);
# otherwise it runs it and ends the calling script with the program's exit code if that is not 0.
function Invoke-Step([string] $Program, [string[]] $Arguments) {
    if ($env:WORKBOOK_DRY_RUN -eq '1') { Write-Output ((@($Program) + $Arguments) -join ' '); return }
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
