namespace Workbook.Tests;

/// <summary>
/// A tool a test needs that is not part of .NET (Jupyter, Chromium). Locally a missing tool skips the test and says
/// why; under <c>CI=true</c> it fails the test with the install command, so a CI machine without the tool cannot
/// pass by skipping (<c>dotnet test</c> exits 0 with skipped tests).
/// </summary>
internal static class RequiredTool
{
    /// <summary>True when the environment says this is a CI run (<c>CI=true</c> or <c>CI=1</c>, as CI services set it).</summary>
    public static bool InContinuousIntegration =>
        Environment.GetEnvironmentVariable("CI") is string ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>Skips (locally) or fails (in CI) unless <paramref name="present"/>.</summary>
    /// <param name="missing">what is missing, e.g. "Chromium is not installed"</param>
    /// <param name="install">the command that installs it</param>
    /// <param name="ci">overrides <see cref="InContinuousIntegration"/> (for testing this class)</param>
    public static void Require(bool present, string missing, string install, bool? ci = null)
    {
        if (present) return;
        if (ci ?? InContinuousIntegration)
            Assert.Fail($"{missing}, and CI=true does not allow skipping this test: {install}");
        Skip.If(true, $"{missing}: {install} (under CI=true this test fails instead of skipping)");
    }
}

public class RequiredToolTests
{
    [Fact]
    public void A_missing_tool_fails_in_CI_with_the_install_command_and_skips_elsewhere_saying_why()
    {
        var failure = Assert.Throws<Xunit.Sdk.FailException>(() => RequiredTool.Require(false, "Chromium is not installed", "apt-get install chromium", ci: true));
        Assert.Contains("apt-get install chromium", failure.Message);
        var skip = Assert.Throws<SkipException>(() => RequiredTool.Require(false, "Chromium is not installed", "apt-get install chromium", ci: false));
        Assert.Contains("Chromium is not installed: apt-get install chromium", skip.Message);
        RequiredTool.Require(true, "unused", "unused", ci: true);   // a present tool neither fails nor skips
    }
}
