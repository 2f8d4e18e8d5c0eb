using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbook.Notebooks;

/// <summary>How one notebook's run ended, as the runner reports it.</summary>
/// <param name="Name">the notebook's file name without <c>.ipynb</c></param>
/// <param name="FailedCell">the 1-based number of the failing cell, or null</param>
/// <param name="Status">"ok", "FAILED at cell 7: …", "TIMED OUT after 600 s …"</param>
public sealed record NotebookReport(string Name, string SourcePath, int CellsRun, double Seconds, bool Succeeded, int? FailedCell, string? Error, bool TimedOut, string Status)
{
    /// <summary>The line the runner prints: name, cells run, seconds, status.</summary>
    public string Line => LineWithNameWidth(40);

    /// <summary>The line, with the name padded to <paramref name="width"/> characters so that lines align.</summary>
    public string LineWithNameWidth(int width) =>
        string.Create(CultureInfo.InvariantCulture, $"{Name.PadRight(width)} {CellsRun,3} cells {Seconds,7:F1} s  {Status}");
}

/// <summary>What the runner needs to know.</summary>
/// <param name="OutputDirectory">where the executed notebooks, their HTML pages and the index go</param>
/// <param name="Timeout">a notebook running longer is stopped and reported</param>
/// <param name="ChildProcess">the command that executes one notebook in a process of its own:
/// given the notebook, the path for the executed notebook and the path for the outcome file
/// (normally <see cref="NotebookHostProcess.For"/>)</param>
public sealed record NotebookRunOptions(string OutputDirectory, TimeSpan Timeout, Func<string, string, string, ProcessStartInfo> ChildProcess);

/// <summary>
/// Runs notebooks one after the other, each in a child process (so a runaway notebook can be stopped and one
/// notebook's state never leaks into the next), and writes the executed notebooks, one HTML page per notebook
/// and an index. The child is normally the <c>Workbook.NotebookHost</c> program (<see cref="NotebookHostProcess"/>),
/// which runs <see cref="NotebookExecutor"/> through <see cref="NotebookChild.ExecuteAsync"/>.
/// </summary>
public static class NotebookRunner
{
    /// <summary>The notebooks in <paramref name="folder"/>, in name order.</summary>
    public static IReadOnlyList<string> Find(string folder) =>
        Directory.EnumerateFiles(folder, "*.ipynb").Where(p => !p.Contains(".ipynb_checkpoints", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    public static async Task<IReadOnlyList<NotebookReport>> RunAsync(IEnumerable<string> notebooks, NotebookRunOptions options, TextWriter output)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var reports = new List<NotebookReport>();
        var list = notebooks.ToList();
        int width = list.Select(n => Path.GetFileNameWithoutExtension(n).Length).DefaultIfEmpty(0).Max();
        foreach (string notebook in list)
        {
            NotebookReport report;
            try { report = await RunOneAsync(Path.GetFullPath(notebook), options); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A malformed or unreadable notebook is that notebook's failure, reported by name; the others still run.
                report = await UnreadableAsync(Path.GetFullPath(notebook), options, e);
            }
            reports.Add(report);
            output.WriteLine(report.LineWithNameWidth(width));
            await output.FlushAsync();
        }
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "index.html"), ReportIndex.Update(options.OutputDirectory, reports));
        return reports;
    }

    private static async Task<NotebookReport> RunOneAsync(string notebook, NotebookRunOptions options)
    {
        string name = Path.GetFileNameWithoutExtension(notebook);
        string executedPath = Path.Combine(options.OutputDirectory, name + ".ipynb");
        string outcomePath = Path.Combine(options.OutputDirectory, name + ".outcome.json");
        File.Delete(executedPath);
        File.Delete(outcomePath);
        var watch = Stopwatch.StartNew();
        var start = options.ChildProcess(notebook, executedPath, outcomePath);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        bool timedOut = false;
        using (var timeout = new CancellationTokenSource(options.Timeout))
        {
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        watch.Stop();
        string log = (await stdout) + (await stderr);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, name + ".log"), log);

        var outcome = File.Exists(outcomePath) ? JsonSerializer.Deserialize<NotebookOutcome>(await File.ReadAllTextAsync(outcomePath)) : null;
        File.Delete(outcomePath);
        var executed = File.Exists(executedPath)
            ? JsonNode.Parse(await File.ReadAllTextAsync(executedPath))!.AsObject()
            : JsonNode.Parse(await File.ReadAllTextAsync(notebook))!.AsObject();
        if (!File.Exists(executedPath)) await File.WriteAllTextAsync(executedPath, executed.ToJsonString(JsonOptions));

        int cellsRun = outcome?.CellsRun ?? CountExecuted(executed);
        NotebookReport report;
        if (timedOut)
            report = new(name, notebook, cellsRun, watch.Elapsed.TotalSeconds, false, NextCodeCell(executed),
                $"timed out after {options.Timeout.TotalSeconds:F0} s", true,
                $"TIMED OUT after {options.Timeout.TotalSeconds:F0} s, stopped in cell {NextCodeCell(executed)}");
        else if (outcome == null)
            report = new(name, notebook, cellsRun, watch.Elapsed.TotalSeconds, false, null, $"the runner process exited with {process.ExitCode}: {LastLines(log)}", false,
                $"FAILED: the runner process exited with {process.ExitCode}: {LastLines(log)}");
        else if (outcome.FailedCell is int cell)
            report = new(name, notebook, cellsRun, watch.Elapsed.TotalSeconds, false, cell, outcome.Error, false, $"FAILED at cell {cell}: {FirstLine(outcome.Error)}");
        else
            report = new(name, notebook, cellsRun, watch.Elapsed.TotalSeconds, true, null, null, false, "ok");

        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, name + ".html"),
            HtmlReport.Page(name, executed, $"{report.CellsRun} cells run in {report.Seconds:F1} s: {report.Status}", !report.Succeeded));
        return report;
    }

    private static async Task<NotebookReport> UnreadableAsync(string notebook, NotebookRunOptions options, Exception e)
    {
        string name = Path.GetFileNameWithoutExtension(notebook);
        string problem = $"{Path.GetFileName(notebook)} is not a readable notebook: {Workbook.Data.Quoted.Escape(FirstLine(e.Message), 200)}";
        var report = new NotebookReport(name, notebook, 0, 0, false, null, problem, false, $"FAILED: {problem}");
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, name + ".html"),
            HtmlReport.Page(name, new JsonObject { ["cells"] = new JsonArray() }, report.Status, failed: true));
        return report;
    }

    /// <summary>The child's side: executes one notebook in this process (see <see cref="NotebookChild.ExecuteAsync"/>).</summary>
    public static Task<int> ExecuteInThisProcessAsync(string notebook, string executedPath, string outcomePath, TextWriter progress, bool continueAfterError = false) =>
        NotebookChild.ExecuteAsync(notebook, executedPath, outcomePath, progress, continueAfterError);

    /// <summary>Notebook JSON as Jupyter writes it: indented by one space.</summary>
    public static JsonSerializerOptions JsonOptions => NotebookChild.JsonOptions;

    private static int CountExecuted(JsonObject notebook) =>
        notebook["cells"]!.AsArray().Count(c => (string?)c!["cell_type"] == "code" && c["execution_count"] is JsonValue);

    private static int NextCodeCell(JsonObject notebook)
    {
        var cells = notebook["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
            if ((string?)cells[i]!["cell_type"] == "code" && cells[i]!["execution_count"] is not JsonValue) return i + 1;
        return cells.Count;
    }

    private static string FirstLine(string? text) => (text ?? "").Split('\n')[0].Trim();

    private static string LastLines(string log) => string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
