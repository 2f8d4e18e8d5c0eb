using System.CommandLine;
using System.Globalization;
using Workbook.Notebooks;

namespace Workbook.Cli;

/// <summary>
/// <c>run [NOTEBOOK...] [--out DIR] [--timeout-minutes M] [--jobs N]</c>: executes the notebooks (default: every
/// <c>notebooks/*.ipynb</c>) headless, side by side (one per core, the longest first), each in a child process (the <c>Workbook.NotebookHost</c> program, which does
/// not reference the library, so a notebook loads it from its own <c>#r</c> line) with a .NET Interactive C# kernel, and
/// writes under <c>artifacts/notebooks/</c> each executed notebook, an HTML page per notebook and an index.html.
/// Prints one line per notebook; exits 1 if any cell failed or a notebook ran out of time.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var notebooks = new Argument<string[]>("NOTEBOOK") { Description = "a path, a file name in notebooks/ or a unique prefix like 04 [default: every notebook]", Arity = ArgumentArity.ZeroOrMore };
        var output = Options.Text("--out", null, "where executed notebooks and HTML pages go [default: artifacts/notebooks]", "DIR");
        var minutes = Options.Number("--timeout-minutes", 10, "a notebook running longer is stopped and reported", exclusiveMinimum: 0);
        var jobs = Options.WholeNumber("--jobs", 0, "notebooks run side by side, each in its own process, the longest first; 0: one per core", minimum: 0);
        var command = new Command("run", "execute the notebooks headless and write the offline HTML report") { notebooks, output, minutes, jobs };
        command.SetAction(parsed => Run(parsed.GetValue(notebooks) ?? [], parsed.GetValue(output), parsed.GetValue(minutes), parsed.GetValue(jobs)));
        return command;
    }

    private static int Run(string[] names, string? outputOption, double minutes, int jobs)
    {
        string root = RepositoryRoot();
        string output = Path.GetFullPath(outputOption ?? Path.Combine(root, "artifacts", "notebooks"));
        var notebooks = names.Length > 0
            ? names.Select(ResolveNotebook).ToList()
            : NotebookRunner.Find(Path.Combine(root, "notebooks")).ToList();
        if (notebooks.Count == 0) throw new UsageException($"no notebooks found in {Path.Combine(root, "notebooks")}");

        RequireBuiltLibrary(root);
        Console.WriteLine($"running {notebooks.Count} notebook(s), at most {minutes.ToString(CultureInfo.InvariantCulture)} min each; results in {output}");
        var options = new NotebookRunOptions(output, TimeSpan.FromMinutes(minutes), NotebookHostProcess.For())
        {
            Parallelism = jobs > 0 ? jobs : Environment.ProcessorCount,
        };
        var reports = Terminal.WithProgress($"running {notebooks.Count} notebook(s)", notebooks.Count,
            progress => NotebookRunner.RunAsync(notebooks, options, progress.LinesAsSteps()).GetAwaiter().GetResult());
        Console.WriteLine($"report: {Path.Combine(output, "index.html")}");
        var failed = reports.Where(r => !r.Succeeded).ToList();
        foreach (var r in failed)
            Console.Error.WriteLine($"workbook run: {r.Name}.ipynb: {(r.TimedOut ? r.Status : r.FailedCell is int cell ? $"cell {cell.ToString(CultureInfo.InvariantCulture)} failed: {r.Error?.Split('\n')[0].Trim()}" : r.Error)}");
        return failed.Count == 0 ? 0 : 1;
    }

    private static string ResolveNotebook(string name)
    {
        if (File.Exists(name)) return Path.GetFullPath(name);
        string inFolder = Path.Combine(RepositoryRoot(), "notebooks", name.EndsWith(".ipynb", StringComparison.Ordinal) ? name : name + ".ipynb");
        if (File.Exists(inFolder)) return inFolder;
        var matches = NotebookRunner.Find(Path.Combine(RepositoryRoot(), "notebooks")).Where(p => Path.GetFileName(p).StartsWith(name, StringComparison.Ordinal)).ToList();
        return matches.Count == 1 ? matches[0] : throw new UsageException($"no notebook '{name}' (give a path, a file name in notebooks/, or a unique prefix like 04)");
    }

    /// <summary>The notebooks load the library from src/Workbook/bin; say what to build when it is missing.</summary>
    private static void RequireBuiltLibrary(string root)
    {
        bool built = new[] { "Release", "Debug" }.Any(c => File.Exists(Path.Combine(root, "src", "Workbook", "bin", c, "net10.0", "Workbook.dll")));
        if (!built) throw new InvalidOperationException("the notebooks need the built library: run `dotnet build Workbook.sln -c Release` first");
    }

    internal static string RepositoryRoot()
    {
        foreach (string? start in new[] { Directory.GetCurrentDirectory(), Path.GetDirectoryName(typeof(RunCommand).Assembly.Location) })
            for (var dir = start == null ? null : new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Workbook.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository (a folder with Workbook.sln) above the working directory");
    }
}
