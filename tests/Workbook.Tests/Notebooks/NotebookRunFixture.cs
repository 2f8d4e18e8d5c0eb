using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// Runs every notebook once, headless, through the command line's <c>run</c> verb (the same runner as the README's
/// first command), writing to <c>artifacts/notebooks/</c>; the tests in the "Notebooks" collection check what came out.
/// </summary>
public sealed class NotebookRunFixture
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(30);

    public NotebookRunFixture()
    {
        OutputDirectory = Path.Combine(Repository.Root, "artifacts", "notebooks");
        if (Directory.Exists(OutputDirectory)) Directory.Delete(OutputDirectory, recursive: true);
        Result = Repository.Run("dotnet", new[] { Repository.CliDll, "run" }, Repository.Root, Limit);
        File.WriteAllText(Path.Combine(Repository.Root, "artifacts", "notebooks-run.log"),
            $"exit code {Result.ExitCode}, {Result.Elapsed.TotalSeconds:F1} s\n{Result.Output}\n{Result.Error}");
    }

    public string OutputDirectory { get; }

    public Repository.ProcessResult Result { get; }

    /// <summary>The run's exit, its output, and the whole error of every failed cell (the runner prints only its first line,
    /// and CI keeps nothing but this text: a native error's location is in the lines after it).</summary>
    public string Describe() =>
        $"exit code {Result.ExitCode} after {Result.Elapsed.TotalSeconds:F0} s\nstdout:\n{Result.Output}\nstderr:\n{Result.Error}{FailedCells()}";

    private string FailedCells()
    {
        if (!Directory.Exists(OutputDirectory)) return "";
        var errors = Directory.EnumerateFiles(OutputDirectory, "*.ipynb").Order()
            .SelectMany(path => JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray()
                .SelectMany(c => c!["outputs"]?.AsArray() ?? new JsonArray())
                .Where(o => (string?)o!["output_type"] == "error")
                .Select(o => $"\n{Path.GetFileName(path)}: {(string?)o!["ename"]}: {(string?)o["evalue"]}\n" +
                             string.Join("\n", o!["traceback"]?.AsArray().Select(line => (string?)line) ?? [])));
        return string.Concat(errors);
    }

    public JsonObject Executed(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(OutputDirectory, name + ".ipynb")))!.AsObject();

    /// <summary>Every rich HTML output of a notebook, in order.</summary>
    public static IEnumerable<string> HtmlOutputs(JsonObject notebook) =>
        notebook["cells"]!.AsArray()
            .Where(c => (string?)c!["cell_type"] == "code")
            .SelectMany(c => c!["outputs"]!.AsArray())
            .Select(o => o!["data"]?["text/html"])
            .Where(h => h != null)
            .Select(h => Workbook.Notebooks.JupyterOutputs.Join(h));

    /// <summary>The Plotly figures drawn by chart outputs (the JSON each chart's script draws).</summary>
    public static IEnumerable<JsonObject> Figures(string html) =>
        Regex.Matches(html, @"var figure = (\{.*?\});\r?\n\s*var draw", RegexOptions.Singleline)
            .Select(m => JsonNode.Parse(m.Groups[1].Value)!.AsObject());

    /// <summary>A figure's traces by name: the y values of each.</summary>
    public static Dictionary<string, double[]> Traces(JsonObject figure) =>
        figure["data"]!.AsArray().Where(t => t!["name"] != null)
            .ToDictionary(t => (string)t!["name"]!, t => t!["y"]!.AsArray().Select(v => (double)v!).ToArray());
}

/// <summary>
/// Everything that runs notebooks, in one collection so that its tests run one after the other and never compete for
/// the two cores (a grading run has time limits).
/// </summary>
[CollectionDefinition("Notebooks")]
public sealed class NotebookCollection : ICollectionFixture<NotebookRunFixture>, ICollectionFixture<Workbook.Tests.Coursework.GradingFixture>;
