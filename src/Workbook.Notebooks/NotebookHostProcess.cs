using System.Diagnostics;

namespace Workbook.Notebooks;

/// <summary>
/// Starts the <c>Workbook.NotebookHost</c> program, the process a notebook runs in headless. It is started from its
/// own build folder (<c>src/Workbook.NotebookHost/bin/…</c>), whose dependency list names .NET Interactive only: the
/// notebook's kernel then loads Workbook.dll and TorchSharp from the notebook's <c>#r</c> lines, as Jupyter does,
/// never a copy that happens to sit next to the caller.
/// </summary>
public static class NotebookHostProcess
{
    private const string HostName = "Workbook.NotebookHost";

    /// <summary>The child-process command for <see cref="NotebookRunOptions.ChildProcess"/>.</summary>
    /// <param name="continueAfterError">run every cell even after one fails (grading)</param>
    public static Func<string, string, string, ProcessStartInfo> For(bool continueAfterError = false)
    {
        string host = Locate();
        return (notebook, executed, outcome) =>
        {
            var start = new ProcessStartInfo("dotnet");
            start.ArgumentList.Add(host);
            foreach (string word in new[] { "--execute-one", notebook, "--executed", executed, "--outcome", outcome })
                start.ArgumentList.Add(word);
            if (continueAfterError) start.ArgumentList.Add("--continue-after-error");
            return start;
        };
    }

    /// <summary>
    /// The host's <c>Workbook.NotebookHost.dll</c> in its own build folder: the configuration this assembly was built
    /// in first (Release or Debug), then the other.
    /// </summary>
    /// <exception cref="InvalidOperationException">the host is not built; the message says what to run</exception>
    public static string Locate()
    {
        string here = AppContext.BaseDirectory;
        string? root = RepositoryRoot(here);
        if (root != null)
        {
            string own = here.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
            foreach (string configuration in new[] { own, own == "Release" ? "Debug" : "Release" })
            {
                string dll = Path.Combine(root, "src", HostName, "bin", configuration, "net10.0", HostName + ".dll");
                if (File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json"))) return dll;
            }
        }
        throw new InvalidOperationException(
            $"the notebook host ({HostName}) is not built{(root == null ? "" : $" under {root}")}: run `dotnet build Workbook.sln -c Release` first");
    }

    private static string? RepositoryRoot(string start)
    {
        foreach (string? from in new[] { start, Directory.GetCurrentDirectory() })
            for (var dir = from == null ? null : new DirectoryInfo(from); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Workbook.sln"))) return dir.FullName;
        return null;
    }
}
