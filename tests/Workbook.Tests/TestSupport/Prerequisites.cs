namespace Workbook.Tests;

/// <summary>
/// The command that installs each tool some tests need, on this system: Debian and Ubuntu run
/// scripts/install-prerequisites.sh (./test.sh does); on Windows and macOS test.ps1 prints the same commands.
/// </summary>
internal static class Prerequisites
{
    private const string Script = "run `bash scripts/install-prerequisites.sh`";

    public static string Chromium =>
        OperatingSystem.IsWindows() ? "winget install Hibbiken.Chromium, or set WORKBOOK_CHROMIUM to chrome.exe"
        : OperatingSystem.IsMacOS() ? "brew install --cask chromium, or set WORKBOOK_CHROMIUM to the browser's executable"
        : $"{Script} (Debian/Ubuntu: apt-get install chromium)";

    public static string Jupyter =>
        OperatingSystem.IsWindows() ? "winget install Python.Python.3.12; py -m pip install jupyter nbconvert nbclient"
        : OperatingSystem.IsMacOS() ? "brew install jupyterlab"
        : $"{Script} (Debian/Ubuntu: apt-get install jupyter-nbconvert jupyter-client python3-nbclient)";

    public static string DotnetKernel =>
        (OperatingSystem.IsLinux() ? $"{Script} (" : "") +
        "dotnet tool install -g Microsoft.dotnet-interactive --version 1.0.712001; dotnet interactive jupyter install" +
        (OperatingSystem.IsLinux() ? ")" : "");

    public static string PowerShell =>
        (OperatingSystem.IsLinux() ? $"{Script} (" : "") + "dotnet tool restore: .config/dotnet-tools.json pins PowerShell 7.6.9" + (OperatingSystem.IsLinux() ? ")" : "");
}
