namespace Workbook.Tests.Notebooks;

/// <summary>Headless Chromium for the tests that look at what a browser draws (Debian's chromium, installed by scripts/install-prerequisites.sh).</summary>
internal static class Chromium
{
    /// <summary>An environment variable naming the browser's executable (e.g. Chrome's chrome.exe on Windows).</summary>
    public const string Variable = "WORKBOOK_CHROMIUM";

    /// <summary>The browser, or a skip (locally) or failure (under CI=true) that names the install command.</summary>
    public static string Require()
    {
        string? chromium = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } named && File.Exists(named) ? named
            : Repository.FindProgram("chromium") ?? Repository.FindProgram("chromium-browser");
        RequiredTool.Require(chromium != null, "Chromium is not installed", Prerequisites.Chromium);
        return chromium!;
    }

    /// <summary>Headless, offline and without a profile of the user's: <paramref name="profile"/> is a fresh folder.</summary>
    public static string[] Arguments(string profile, int width = 1200, int height = 2000) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio", $"--user-data-dir={profile}",
        "--virtual-time-budget=15000", $"--window-size={width},{height}", "--hide-scrollbars",
    ];
}
