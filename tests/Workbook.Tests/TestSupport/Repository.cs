using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Workbook.Tests;

/// <summary>Paths in the repository and small process helpers for the notebook tests.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string NotebookFolder => Path.Combine(Root, "notebooks");

    public static IReadOnlyList<string> Notebooks =>
        Directory.GetFiles(NotebookFolder, "*.ipynb").Order(StringComparer.Ordinal).ToList();

    /// <summary>The build configuration of these tests (Release under the README's test command); the CLI is built the same way.</summary>
    public static string Configuration =>
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string CliDll => Path.Combine(Root, "src", "Workbook.Cli", "bin", Configuration, "net10.0", "Workbook.Cli.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workbook.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no Workbook.sln above " + AppContext.BaseDirectory);
    }

    /// <summary>A program on PATH (or in /usr/bin), or null; on Windows <c>NAME.exe</c> too.</summary>
    public static string? FindProgram(string name)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (!OperatingSystem.IsWindows()) folders = [.. folders, "/usr/bin"];
        string[] names = OperatingSystem.IsWindows() ? [name + ".exe", name] : [name];
        return folders.SelectMany(f => names.Select(n => Path.Combine(f, n))).FirstOrDefault(File.Exists);
    }

    public sealed record ProcessResult(int ExitCode, string Output, string Error, TimeSpan Elapsed, bool TimedOut);

    /// <summary>The command line as a user runs it from the repository's root, on one libtorch thread (test classes run
    /// side by side on two cores), stopped after <paramref name="timeout"/> (default 3 minutes).</summary>
    public static ProcessResult RunCli(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        Run("dotnet", new[] { CliDll }.Concat(arguments), Root, timeout ?? TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["WORKBOOK_THREADS"] = "1" });

    /// <summary>Runs a program to the end (or kills it after <paramref name="timeout"/>), capturing its output.</summary>
    public static ProcessResult Run(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        if (environment != null) foreach (var (k, v) in environment) start.Environment[k] = v;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit(timeout);
        if (!exited) { process.Kill(entireProcessTree: true); process.WaitForExit(); }
        process.WaitForExit();
        return new ProcessResult(exited ? process.ExitCode : -1, output.ToString(), error.ToString(), watch.Elapsed, !exited);
    }
}
