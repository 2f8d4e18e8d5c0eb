using System.Diagnostics;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// The runner survives notebooks it cannot read, and its index remembers every notebook in the artifacts folder.
/// The child process is <c>true</c> (it executes nothing), so these tests need no kernel.
/// </summary>
public sealed class BadNotebookTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bad-notebooks-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private NotebookRunOptions Options => new(Path.Combine(folder, "out"), TimeSpan.FromMinutes(1), (_, _, _) => new ProcessStartInfo("true"));

    private string Notebook(string name, string text)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task A_malformed_notebook_is_reported_by_name_and_the_others_still_run()
    {
        string broken = Notebook("a-broken.ipynb", "{ \"cells\": [ { \"cell_type\": \"code\", ");
        string array = Notebook("b-array.ipynb", "[1, 2]");
        string fine = Notebook("c-fine.ipynb", "{ \"cells\": [], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5 }");
        var output = new StringWriter();
        var reports = await NotebookRunner.RunAsync(new[] { broken, array, fine }, Options, output);

        Assert.Equal(3, reports.Count);
        Assert.StartsWith("FAILED: a-broken.ipynb is not a readable notebook: ", reports[0].Status);
        Assert.StartsWith("FAILED: b-array.ipynb is not a readable notebook: ", reports[1].Status);
        Assert.DoesNotContain("not a readable notebook", reports[2].Status);
        Assert.Equal(3, output.ToString().Trim().Split('\n').Length);
        string index = File.ReadAllText(Path.Combine(Options.OutputDirectory, "index.html"));
        foreach (string name in new[] { "a-broken", "b-array", "c-fine" }) Assert.Contains($"{name}.html", index);
    }

    [Fact]
    public async Task The_index_lists_every_notebook_in_the_folder_with_its_last_status()
    {
        string first = Notebook("first.ipynb", "not json");
        string second = Notebook("second.ipynb", "also not json");
        await NotebookRunner.RunAsync(new[] { first, second }, Options, TextWriter.Null);
        File.WriteAllText(first, "{ \"cells\": [] }");
        await NotebookRunner.RunAsync(new[] { first }, Options, TextWriter.Null);   // only one notebook this time

        string index = File.ReadAllText(Path.Combine(Options.OutputDirectory, "index.html"));
        Assert.Contains("second.html", index);
        Assert.Contains("second.ipynb is not a readable notebook", index);
        Assert.DoesNotContain("first.ipynb is not a readable notebook", index);   // its row shows the newer run

        // A page removed from the folder leaves the index.
        File.Delete(Path.Combine(Options.OutputDirectory, "second.html"));
        await NotebookRunner.RunAsync(new[] { first }, Options, TextWriter.Null);
        Assert.DoesNotContain("second.html", File.ReadAllText(Path.Combine(Options.OutputDirectory, "index.html")));
    }
}
