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
public sealed record NotebookRunOptions(string OutputDirectory, TimeSpan Timeout, Func<string, string, string, ProcessStartInfo> ChildProcess)
{
    /// <summary>How many notebooks run at once, each in its own process; 1 runs them one after the other.</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>For grading: the run's secret, given to the child as the first line of its standard input (the child runs with <c>--check-channel</c>, see <see cref="CheckChannel"/>).</summary>
    public string? ChannelSecret { get; init; }

    /// <summary>Whether to write an HTML page per notebook and the index (the grader reads only the executed notebooks).</summary>
    public bool Pages { get; init; } = true;

    /// <summary>Run each notebook in a <see cref="NotebookSandbox"/> with these settings (null: unsandboxed). Each run
    /// gets a fresh scratch folder in place of <see cref="SandboxOptions.Scratch"/>, holding a copy of the notebook (its
    /// setup cell's library path made absolute); the executed notebook and outcome are copied out of it after the run.</summary>
    public SandboxOptions? Sandbox { get; init; }

    /// <summary>At most this many characters of a run's stdout, and as many of its stderr, are kept (the rest is read and dropped).</summary>
    public int MaxOutputChars { get; init; } = 1_000_000;

    /// <summary>An executed notebook (or outcome file) larger than this is not read: the run fails, naming the file.</summary>
    public long MaxExecutedBytes { get; init; } = 64L << 20;
}

/// <summary>
/// Runs notebooks, each in a child process (so a runaway notebook can be stopped and one notebook's state never leaks
/// into the next), <see cref="NotebookRunOptions.Parallelism"/> at a time, and writes the executed notebooks, one HTML
/// page per notebook and an index. The child is normally the <c>Workbook.NotebookHost</c> program
/// (<see cref="NotebookHostProcess"/>), which runs <see cref="NotebookExecutor"/> through <see cref="NotebookChild.ExecuteAsync"/>.
/// </summary>
/// <remarks>
/// Side by side, the longest notebook starts first (<see cref="StartOrder"/>), so the others run beside it instead of
/// after it. Whatever order they finish in, the lines are printed and the reports returned in the order given.
/// </remarks>
public static class NotebookRunner
{
    /// <summary>The notebooks in <paramref name="folder"/>, in name order.</summary>
    public static IReadOnlyList<string> Find(string folder) =>
        Directory.EnumerateFiles(folder, "*.ipynb").Where(p => !p.Contains(".ipynb_checkpoints", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    /// <exception cref="InvalidOperationException">a sandbox is asked for and there is none here: the message says what to install</exception>
    public static async Task<IReadOnlyList<NotebookReport>> RunAsync(IEnumerable<string> notebooks, NotebookRunOptions options, TextWriter output)
    {
        if (options.Sandbox != null && NotebookSandbox.Availability(options.Sandbox.Force) is { Available: false } missing)
            throw new InvalidOperationException(missing.Problem);
        Directory.CreateDirectory(options.OutputDirectory);
        var list = notebooks.Select(Path.GetFullPath).ToList();
        int width = list.Select(n => Path.GetFileNameWithoutExtension(n).Length).DefaultIfEmpty(0).Max();
        // Two notebooks of the same name write the same output files: those runs must not overlap.
        bool namesUnique = list.Select(Path.GetFileNameWithoutExtension).Distinct(StringComparer.Ordinal).Count() == list.Count;
        int parallelism = namesUnique ? Math.Clamp(options.Parallelism, 1, Math.Max(1, list.Count)) : 1;

        var finished = list.Select(_ => new TaskCompletionSource<NotebookReport>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var queue = new System.Collections.Concurrent.ConcurrentQueue<int>(
            parallelism == 1 ? Enumerable.Range(0, list.Count) : StartOrder(list, options.OutputDirectory));
        var workers = Enumerable.Range(0, parallelism).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out int i))
            {
                try { finished[i].SetResult(await RunGuardedAsync(list[i], options, parallelism)); }
                catch (Exception e) { finished[i].SetException(e); }
            }
        })).ToList();

        var reports = new List<NotebookReport>();
        for (int i = 0; i < list.Count; i++)
        {
            var report = await finished[i].Task;
            reports.Add(report);
            output.WriteLine(report.LineWithNameWidth(width));
            await output.FlushAsync();
        }
        await Task.WhenAll(workers);
        if (options.Pages) await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "index.html"), ReportIndex.Update(options.OutputDirectory, reports));
        return reports;
    }

    /// <summary>
    /// The order to start <paramref name="notebooks"/> in (indices into the list), the longest first: by the seconds
    /// their last run took (remembered in <paramref name="outputDirectory"/>'s <see cref="ReportIndex.StatusFile"/>)
    /// when every one has been run before, else by the length of their code. Ties keep the given order.
    /// </summary>
    public static IReadOnlyList<int> StartOrder(IReadOnlyList<string> notebooks, string outputDirectory)
    {
        var remembered = ReportIndex.LastSeconds(outputDirectory);
        var names = notebooks.Select(Path.GetFileNameWithoutExtension).ToList();
        Func<int, double> cost = names.All(n => remembered.ContainsKey(n!))
            ? i => remembered[names[i]!]
            : i => CodeLength(notebooks[i]);
        return Enumerable.Range(0, notebooks.Count).OrderByDescending(cost).ThenBy(i => i).ToList();
    }

    /// <summary>Characters of code in a notebook's code cells; 0 for a file that is not a readable notebook (it fails fast).</summary>
    private static double CodeLength(string notebook)
    {
        try
        {
            var cells = JsonNode.Parse(File.ReadAllText(notebook))?["cells"]?.AsArray() ?? [];
            return cells.Where(c => (string?)c?["cell_type"] == "code")
                .Sum(c => c!["source"] is JsonArray lines ? lines.Sum(l => ((string?)l)?.Length ?? 0) : ((string?)c["source"])?.Length ?? 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException) { return 0; }
    }

    /// <summary>
    /// Notebooks side by side share the cores: each child gets <c>cores / parallelism</c> threads (at least one) through
    /// <see cref="Workbook.Fast.Threads.Variable"/>, which <see cref="Workbook.Notebook.Setup"/> applies, unless the
    /// user fixed a count. Two processes that each run two threads on two cores wait on each other's threads at
    /// every parallel loop, and a notebook's training loop then takes many times longer.
    /// </summary>
    public static void ShareCores(ProcessStartInfo start, int parallelism)
    {
        if (parallelism <= 1 || start.Environment.TryGetValue(Workbook.Fast.Threads.Variable, out string? fixedCount) && !string.IsNullOrEmpty(fixedCount)) return;
        start.Environment[Workbook.Fast.Threads.Variable] =
            Math.Max(1, Environment.ProcessorCount / parallelism).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Runs one notebook; a malformed or unreadable notebook is that notebook's failure, reported by name.</summary>
    private static async Task<NotebookReport> RunGuardedAsync(string notebook, NotebookRunOptions options, int parallelism)
    {
        try { return await RunOneAsync(notebook, options, parallelism); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return await UnreadableAsync(notebook, options, e);
        }
    }

    private static async Task<NotebookReport> RunOneAsync(string notebook, NotebookRunOptions options, int parallelism)
    {
        string name = Path.GetFileNameWithoutExtension(notebook);
        string executedPath = Path.Combine(options.OutputDirectory, name + ".ipynb");
        string outcomePath = Path.Combine(options.OutputDirectory, name + ".outcome.json");
        File.Delete(executedPath);
        File.Delete(outcomePath);
        var watch = Stopwatch.StartNew();
        SandboxOptions? sandbox = options.Sandbox == null ? null
            : options.Sandbox with { Scratch = Directory.CreateTempSubdirectory("workbook-sandbox-").FullName };
        try
        {
            return await RunChildAsync(notebook, options, parallelism, name, executedPath, outcomePath, watch, sandbox);
        }
        finally
        {
            if (sandbox != null) Directory.Delete(sandbox.Scratch, recursive: true);
        }
    }

    private static async Task<NotebookReport> RunChildAsync(string notebook, NotebookRunOptions options, int parallelism, string name,
        string executedPath, string outcomePath, Stopwatch watch, SandboxOptions? sandbox)
    {
        ProcessStartInfo start;
        string childExecuted = executedPath, childOutcome = outcomePath;
        if (sandbox == null) start = options.ChildProcess(notebook, executedPath, outcomePath);
        else
        {
            // The run sees only its scratch folder: a copy of the notebook, and where it writes its results.
            string copy = Path.Combine(sandbox.Scratch, Path.GetFileName(notebook));
            var json = JsonNode.Parse(await File.ReadAllTextAsync(notebook))!.AsObject();
            await File.WriteAllTextAsync(copy, Coursework.SetupCell.Relocate(json, Path.GetDirectoryName(notebook)!, toFolder: null).ToJsonString(JsonOptions));
            childExecuted = Path.Combine(sandbox.Scratch, "executed.ipynb");
            childOutcome = Path.Combine(sandbox.Scratch, "outcome.json");
            NotebookSandbox.PrepareScratch(sandbox);
            start = options.ChildProcess(copy, childExecuted, childOutcome);
            start.WorkingDirectory = sandbox.Scratch;
        }
        ShareCores(start, parallelism);
        if (sandbox != null) start = NotebookSandbox.Wrap(start, sandbox);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.RedirectStandardInput = options.ChannelSecret != null;
        using var process = await StartOnAThreadOfItsOwn(start);
        if (options.ChannelSecret != null)
        {
            await process.StandardInput.WriteLineAsync(options.ChannelSecret);
            process.StandardInput.Close();
        }
        var stdout = ReadBoundedAsync(process.StandardOutput, options.MaxOutputChars, "stdout");
        var stderr = ReadBoundedAsync(process.StandardError, options.MaxOutputChars, "stderr");
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
        string log = (await ChildOutput.WithinGraceAsync(stdout)) + (await ChildOutput.WithinGraceAsync(stderr));
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, name + ".log"), log);

        // The process may have run a student's code: what it left is read only from regular files (never through a link
        // or from a pipe or device it put in their place), and only up to a size.
        string? tooLarge = null;
        if (sandbox != null)
            foreach (var (from, to) in new[] { (childExecuted, executedPath), (childOutcome, outcomePath) })
                if (Workbook.Files.FileIdentity.OfLink(from) is { Kind: Workbook.Files.FileKind.Regular } written)
                {
                    if (written.Size <= options.MaxExecutedBytes) File.Copy(from, to, overwrite: true);
                    else tooLarge ??= $"{Path.GetFileName(to)} written by the run is {written.Size} bytes, more than the {options.MaxExecutedBytes} allowed: not read";
                }
        string? outcomeText = null, executedText = null;
        try
        {
            outcomeText = ChildOutput.ReadFile(outcomePath, options.MaxExecutedBytes);
            executedText = ChildOutput.ReadFile(executedPath, options.MaxExecutedBytes);
        }
        catch (InvalidDataException e)
        {
            tooLarge ??= e.Message;
            File.Delete(executedPath);
        }
        var outcome = tooLarge == null && outcomeText != null ? JsonSerializer.Deserialize<NotebookOutcome>(outcomeText) : null;
        File.Delete(outcomePath);
        var executed = JsonNode.Parse(executedText ?? await File.ReadAllTextAsync(notebook))!.AsObject();
        if (executedText == null) await File.WriteAllTextAsync(executedPath, executed.ToJsonString(JsonOptions));

        int cellsRun = outcome?.CellsRun ?? CountExecuted(executed);
        NotebookReport report;
        if (timedOut)
            report = new(name, notebook, cellsRun, watch.Elapsed.TotalSeconds, false, NextCodeCell(executed),
                $"timed out after {options.Timeout.TotalSeconds:F0} s", true,
                $"TIMED OUT after {options.Timeout.TotalSeconds:F0} s, stopped in cell {NextCodeCell(executed)}");
        else if (tooLarge != null)
            report = new(name, notebook, 0, watch.Elapsed.TotalSeconds, false, null, tooLarge, false, $"FAILED: {tooLarge}");
        else if (outcome == null)
            report = new(name, notebook, cellsRun, watch.Elapsed.TotalSeconds, false, null, $"the runner process exited with {process.ExitCode}: {LastLines(log)}", false,
                $"FAILED: the runner process exited with {process.ExitCode}: {LastLines(log)}");
        else if (outcome.FailedCell is int cell)
            report = new(name, notebook, cellsRun, watch.Elapsed.TotalSeconds, false, cell, outcome.Error, false, $"FAILED at cell {cell}: {FirstLine(outcome.Error)}");
        else
            report = new(name, notebook, cellsRun, watch.Elapsed.TotalSeconds, true, null, null, false, "ok");

        if (options.Pages)
            await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, name + ".html"),
                HtmlReport.Page(name, executed, $"{report.CellsRun} cells run in {report.Seconds:F1} s: {report.Status}", !report.Succeeded));
        return report;
    }

    /// <summary>
    /// Starts the child from a thread that lives until the child ends. The sandbox asks Linux to kill the child when its
    /// parent goes (bwrap's --die-with-parent), and Linux means the parent thread: started from a pool thread, which the
    /// pool retires when it has been idle a while, a notebook whose cell ran long was killed mid-cell.
    /// </summary>
    internal static Task<Process> StartOnAThreadOfItsOwn(ProcessStartInfo start)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var keeper = new Thread(() =>
        {
            Process? process;
            try { process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}"); }
            catch (Exception e) { started.SetException(e); return; }
            started.SetResult(process);
            // The caller disposes the process once it has seen the exit; whatever waiting then throws, this thread's only
            // job is done, and an exception escaping a thread would end the grader.
            try { process.WaitForExit(); }
            catch (Exception) { }
        }) { IsBackground = true, Name = "notebook child" };
        keeper.Start();
        return started.Task;
    }

    /// <summary>Reads a child's stream to its end, keeping at most <paramref name="maxChars"/> characters (the rest is
    /// read and dropped, so the child never blocks on a full pipe), and says how much was cut.</summary>
    public static async Task<string> ReadBoundedAsync(TextReader reader, int maxChars, string streamName)
    {
        var kept = new System.Text.StringBuilder();
        var buffer = new char[16384];
        long dropped = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer, 0, buffer.Length)) > 0)
        {
            int keep = Math.Min(read, maxChars - kept.Length);
            if (keep > 0) kept.Append(buffer, 0, keep);
            dropped += read - Math.Max(keep, 0);
        }
        if (dropped > 0) kept.Append(CultureInfo.InvariantCulture, $"\n[{streamName}: {dropped} more characters not kept (at most {maxChars})]\n");
        return kept.ToString();
    }

    private static async Task<NotebookReport> UnreadableAsync(string notebook, NotebookRunOptions options, Exception e)
    {
        string name = Path.GetFileNameWithoutExtension(notebook);
        string problem = $"{Path.GetFileName(notebook)} is not a readable notebook: {Workbook.Files.Quoted.Escape(FirstLine(e.Message), 200)}";
        var report = new NotebookReport(name, notebook, 0, 0, false, null, problem, false, $"FAILED: {problem}");
        if (options.Pages) await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, name + ".html"),
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
