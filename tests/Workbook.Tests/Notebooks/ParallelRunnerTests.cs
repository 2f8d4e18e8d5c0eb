using System.Diagnostics;
using System.Text.Json;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// Notebooks side by side: the longest starts first, they overlap, and the lines, reports and index come out in the
/// given order whatever order they finish in. The child is a shell script that logs its start and end, sleeps and
/// writes a successful outcome, so these tests need no kernel.
/// </summary>
public sealed class ParallelRunnerTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("parallel-notebooks-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Log => Path.Combine(folder, "log.txt");

    private string Output => Path.Combine(folder, "out");

    /// <summary>
    /// A child that logs "start NAME", sleeps (long for names containing "long"), writes its outcome and logs "end NAME".
    /// The other children wait 0.2 s before they log their start: two children launched together otherwise log in
    /// whichever order the scheduler runs them, and a child launched only after a short one ends (0.5 s) still logs later.
    /// </summary>
    private NotebookRunOptions Options(int parallelism) => new(Output, TimeSpan.FromMinutes(1), (notebook, _, outcome) =>
    {
        string name = Path.GetFileNameWithoutExtension(notebook);
        var start = new ProcessStartInfo("bash");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"""
            {(name.Contains("long", StringComparison.Ordinal) ? "" : "sleep 0.2")}
            echo "start {name}" >> '{Log}'
            sleep {(name.Contains("long", StringComparison.Ordinal) ? "1.5" : "0.3")}
            echo '{JsonSerializer.Serialize(new NotebookOutcome(1, null, null))}' > '{outcome}'
            echo "end {name}" >> '{Log}'
            """);
        return start;
    })
    { Parallelism = parallelism };

    /// <summary>A valid notebook with one code cell of <paramref name="codeLength"/> characters.</summary>
    private string Notebook(string name, int codeLength)
    {
        string path = Path.Combine(folder, name + ".ipynb");
        var cell = new { cell_type = "code", execution_count = (int?)null, metadata = new { }, outputs = Array.Empty<object>(), source = new[] { new string('x', codeLength) } };
        File.WriteAllText(path, JsonSerializer.Serialize(new { cells = new[] { cell }, metadata = new { }, nbformat = 4, nbformat_minor = 5 }));
        return path;
    }

    private List<string> Events() => File.ReadAllLines(Log).ToList();

    [Fact]
    public async Task The_longest_notebook_starts_first_and_the_others_run_beside_it_reported_in_the_given_order()
    {
        var notebooks = new[] { Notebook("01-short", 100), Notebook("02-short", 200), Notebook("03-short", 150), Notebook("04-long", 5000) };
        var lines = new StringWriter();
        var reports = await NotebookRunner.RunAsync(notebooks, Options(parallelism: 2), lines);

        var events = Events();
        Assert.Equal("start 04-long", events[0]);                              // most code, no remembered times: first
        // Beside it: the next largest starts with it and ends while it still runs.
        Assert.True(events.IndexOf("end 02-short") < events.IndexOf("end 04-long"), string.Join(" | ", events));
        Assert.True(events.Count(e => e.StartsWith("start", StringComparison.Ordinal)) == 4);
        Assert.Equal(new[] { "01-short", "02-short", "03-short", "04-long" }, reports.Select(r => r.Name));
        Assert.All(reports, r => Assert.True(r.Succeeded, r.Status));
        var printed = lines.ToString().Trim().Split('\n').Select(l => l.Split(' ')[0]).ToArray();
        Assert.Equal(new[] { "01-short", "02-short", "03-short", "04-long" }, printed);
        string index = File.ReadAllText(Path.Combine(Output, "index.html"));
        foreach (var r in reports) Assert.Contains($"{r.Name}.html", index);
        Assert.Equal(4, ReportIndex.LastSeconds(Output).Count);
    }

    [Fact]
    public async Task One_at_a_time_runs_them_in_the_given_order_without_overlap()
    {
        var notebooks = new[] { Notebook("a", 10), Notebook("b-long", 5000), Notebook("c", 10) };
        await NotebookRunner.RunAsync(notebooks, Options(parallelism: 1), TextWriter.Null);
        Assert.Equal(new[] { "start a", "end a", "start b-long", "end b-long", "start c", "end c" }, Events());
    }

    [Fact]
    public void Remembered_times_decide_the_start_order_once_every_notebook_has_one()
    {
        var notebooks = new[] { Notebook("a", 10), Notebook("b", 5000), Notebook("c", 10) };
        Directory.CreateDirectory(Output);
        void Remember(params (string Name, double Seconds)[] runs) => File.WriteAllText(Path.Combine(Output, ReportIndex.StatusFile),
            JsonSerializer.Serialize(runs.Select(r => new NotebookReport(r.Name, r.Name + ".ipynb", 1, r.Seconds, true, null, null, false, "ok")).ToList()));

        Assert.Equal(new[] { 1, 0, 2 }, NotebookRunner.StartOrder(notebooks, Output));        // nothing remembered: code length
        Remember(("a", 3), ("b", 1), ("c", 40));
        Assert.Equal(new[] { 2, 0, 1 }, NotebookRunner.StartOrder(notebooks, Output));        // the last run's seconds
        Remember(("a", 3), ("c", 40));
        Assert.Equal(new[] { 1, 0, 2 }, NotebookRunner.StartOrder(notebooks, Output));        // b unknown: code length again
        File.WriteAllText(Path.Combine(Output, ReportIndex.StatusFile), "{ damaged");
        Assert.Equal(new[] { 1, 0, 2 }, NotebookRunner.StartOrder(notebooks, Output));
    }

    [Fact]
    public async Task Side_by_side_each_child_gets_its_share_of_the_cores_unless_the_user_fixed_a_count()
    {
        var notebooks = new[] { Notebook("a", 10), Notebook("b", 10) };
        var options = new NotebookRunOptions(Output, TimeSpan.FromMinutes(1), (notebook, _, outcome) =>
        {
            var start = new ProcessStartInfo("bash");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"""
                echo "threads {Path.GetFileNameWithoutExtension(notebook)} ${Workbook.Fast.Threads.Variable}" >> '{Log}'
                echo '{JsonSerializer.Serialize(new NotebookOutcome(1, null, null))}' > '{outcome}'
                """);
            start.Environment.Remove(Workbook.Fast.Threads.Variable);
            return start;
        }) { Parallelism = 2 };
        await NotebookRunner.RunAsync(notebooks, options, TextWriter.Null);
        string share = Math.Max(1, Environment.ProcessorCount / 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new[] { $"threads a {share}", $"threads b {share}" }, Events().Order(StringComparer.Ordinal));

        File.Delete(Log);
        await NotebookRunner.RunAsync(notebooks, options with { Parallelism = 1 }, TextWriter.Null);
        Assert.Equal(new[] { "threads a ", "threads b " }, Events());                      // one at a time: libtorch's own default

        var fixedByUser = new ProcessStartInfo("true");
        fixedByUser.Environment[Workbook.Fast.Threads.Variable] = "3";
        NotebookRunner.ShareCores(fixedByUser, parallelism: 2);
        Assert.Equal("3", fixedByUser.Environment[Workbook.Fast.Threads.Variable]);
    }
}
