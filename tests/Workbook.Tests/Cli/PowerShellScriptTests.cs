using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Cli;

/// <summary>
/// run.ps1 and test.ps1, the README's two commands for Windows and macOS, do the work of run.sh and test.sh: their dry
/// runs (<c>WORKBOOK_DRY_RUN=1</c>) print the same commands for the same arguments, and their help says what they are.
/// PowerShell is <c>pwsh</c> on PATH, or the repository's pinned dotnet tool (.config/dotnet-tools.json, PowerShell 7.6.9).
/// </summary>
public class PowerShellScriptTests
{
    private static readonly Dictionary<string, string> DryRun = new() { ["WORKBOOK_DRY_RUN"] = "1" };

    private static Repository.ProcessResult PowerShell(params string[] arguments)
    {
        string? pwsh = Repository.FindProgram("pwsh");
        if (pwsh == null)
        {
            var probe = Repository.Run("dotnet", ["tool", "run", "pwsh", "--", "-NoProfile", "-Command", "exit 0"], Repository.Root, TimeSpan.FromMinutes(2));
            RequiredTool.Require(probe.ExitCode == 0, "PowerShell 7 is not installed", Prerequisites.PowerShell);
        }
        // "--" keeps `dotnet tool run` from taking the script's own -h for itself.
        string[] command = pwsh != null ? ["-NoProfile", .. arguments] : ["tool", "run", "pwsh", "--", "-NoProfile", .. arguments];
        var result = Repository.Run(pwsh ?? "dotnet", command, Repository.Root, TimeSpan.FromMinutes(2), DryRun);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Output}\n{result.Error}");
        return result;
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [SkippableTheory]
    [InlineData("run", new string[0], new[] { "dotnet build Workbook.sln -c Release --nologo -v q -clp:NoSummary", "dotnet src/Workbook.Cli/bin/Release/net10.0/Workbook.Cli.dll run" })]
    [InlineData("run", new[] { "train", "--epochs", "5", "-h" }, new[] { "dotnet build Workbook.sln -c Release --nologo -v q -clp:NoSummary", "dotnet src/Workbook.Cli/bin/Release/net10.0/Workbook.Cli.dll train --epochs 5 -h" })]
    [InlineData("test", new[] { "--filter", "FullyQualifiedName~Signals" }, new[] { "dotnet test Workbook.sln -c Release --filter FullyQualifiedName~Signals" })]
    public void The_PowerShell_script_runs_the_same_commands_as_the_shell_script(string script, string[] arguments, string[] expected)
    {
        var powerShell = Lines(PowerShell(["-File", $"{script}.ps1", .. arguments]).Output);
        Assert.Equal(expected, powerShell.Where(l => l.StartsWith("dotnet ", StringComparison.Ordinal)));
        if (Repository.FindProgram("bash") is { } bash)
        {
            var shell = Repository.Run(bash, [$"{script}.sh", .. arguments], Repository.Root, TimeSpan.FromMinutes(1), DryRun);
            Assert.True(shell.ExitCode == 0, shell.Error);
            // On Debian/Ubuntu test.ps1 also runs install-prerequisites.sh, as test.sh does: every line the same.
            if (OperatingSystem.IsLinux() && Repository.FindProgram("apt-get") != null)
                Assert.Equal(Lines(shell.Output), powerShell);
            else
                Assert.Equal(Lines(shell.Output).Where(l => l.StartsWith("dotnet ", StringComparison.Ordinal)), powerShell.Where(l => l.StartsWith("dotnet ", StringComparison.Ordinal)));
        }
    }

    [SkippableFact]
    public void Each_PowerShell_script_has_help_that_names_its_shell_twin()
    {
        string help = PowerShell("-Command", "Get-Help ./run.ps1 -Full; Get-Help ./test.ps1 -Full").Output;
        Assert.Contains("as ./run.sh does it", help);
        Assert.Contains("as ./test.sh does it", help);
        Assert.Contains("./run.ps1 train --epochs 5", help);   // an example
    }
}
