using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// The runner on notebooks made for the test: a setup cell that cannot find the library, a cell that throws, and a
/// notebook that runs past the time limit. Each is reported with its cell; the others still run; the exit code is 1.
/// </summary>
[Collection("Notebooks")]
public class RunnerTests
{
    private static JsonCell Code(string source) => new("code", source);
    private static JsonCell Markdown(string source) => new("markdown", source);
    private sealed record JsonCell(string Kind, string Source);

    private static void Write(string path, params JsonCell[] cells)
    {
        var notebook = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Repository.Notebooks[0]))!.AsObject();
        var list = new System.Text.Json.Nodes.JsonArray();
        foreach (var cell in cells)
        {
            var template = notebook["cells"]!.AsArray().First(c => (string?)c!["cell_type"] == cell.Kind)!.DeepClone().AsObject();
            template["source"] = JupyterOutputs.Lines(cell.Source);
            list.Add(template);
        }
        notebook["cells"] = list;
        File.WriteAllText(path, notebook.ToJsonString());
    }

    [Fact]
    public void Failures_and_time_outs_are_reported_with_notebook_and_cell_and_the_other_notebooks_still_run()
    {
        string folder = Directory.CreateTempSubdirectory("workbook-runner-").FullName;
        try
        {
            string notebooks = Directory.CreateDirectory(Path.Combine(folder, "notebooks")).FullName;
            string setup = NotebookSetupCell();
            Write(Path.Combine(notebooks, "a-library-not-built.ipynb"), Code(setup), Code("1 + 1"));
            Write(Path.Combine(notebooks, "b-throws.ipynb"), Code("var x = 1;"), Markdown("# text"), Code("throw new InvalidOperationException(\"boom\");"), Code("x"));
            Write(Path.Combine(notebooks, "c-too-slow.ipynb"), Code("System.Threading.Thread.Sleep(TimeSpan.FromMinutes(5));"));
            Write(Path.Combine(notebooks, "d-fine.ipynb"), Markdown("# fine"), Code("Console.WriteLine(6 * 7);"));
            var paths = Directory.GetFiles(notebooks, "*.ipynb").Order(StringComparer.Ordinal);
            string output = Path.Combine(folder, "out");

            var result = Repository.Run("dotnet", new[] { Repository.CliDll, "run" }.Concat(paths).Concat(new[] { "--out", output, "--timeout-minutes", "0.4" }),
                Repository.Root, TimeSpan.FromMinutes(5));
            string describe = $"exit {result.ExitCode}\nstdout:\n{result.Output}\nstderr:\n{result.Error}";
            Assert.True(result.ExitCode == 1, describe);
            string[] lines = result.Output.Split('\n');
            Assert.Contains(lines, l => l.StartsWith("a-library-not-built") && l.Contains("FAILED at cell 1") && l.Contains("dotnet build Workbook.sln -c Release"));
            Assert.Contains(lines, l => l.StartsWith("b-throws") && l.Contains("FAILED at cell 3") && l.Contains("boom"));
            Assert.Contains(lines, l => l.StartsWith("c-too-slow") && l.Contains("TIMED OUT after 24 s") && l.Contains("cell 1"));
            Assert.Contains(lines, l => l.StartsWith("d-fine") && l.TrimEnd().EndsWith("  ok"));
            Assert.Contains("b-throws.ipynb: cell 3 failed: ", result.Error);
            Assert.Contains("c-too-slow.ipynb: TIMED OUT", result.Error);

            // The executed notebook keeps what ran before the failure; the page shows the error.
            var executed = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(output, "b-throws.ipynb")))!;
            Assert.Equal("error", (string?)executed["cells"]![2]!["outputs"]![0]!["output_type"]);
            Assert.Null(executed["cells"]![3]!["execution_count"]);
            Assert.Contains("boom", File.ReadAllText(Path.Combine(output, "b-throws.html")));
            Assert.Contains("42", File.ReadAllText(Path.Combine(output, "d-fine.html")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_notebook_runs_the_library_its_setup_cell_names_and_TorchSharps_own_libtorch()
    {
        // The setup cell, with its #r pointing at this repository's library from a notebook elsewhere.
        string library = Path.Combine(Repository.Root, "src", "Workbook", "bin", Repository.Configuration, "net10.0", "Workbook.dll");
        string setup = NotebookSetupCell().Replace("../src/Workbook/bin/Release/net10.0/Workbook.dll", library);
        Assert.Contains(library, setup);
        string folder = Directory.CreateTempSubdirectory("workbook-host-").FullName;
        try
        {
            string notebook = Path.Combine(folder, "setup.ipynb");
            Write(notebook, Code(setup), Code("typeof(TorchSharp.torch).Assembly.Location"));
            string output = Path.Combine(folder, "out");
            var result = Repository.Run("dotnet", [Repository.CliDll, "run", notebook, "--out", output], Repository.Root, TimeSpan.FromMinutes(3));
            Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\nstdout:\n{result.Output}\nstderr:\n{result.Error}");
            var cells = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(output, "setup.ipynb")))!["cells"]!.AsArray();
            string Shown(int cell) => string.Concat(cells[cell]!["outputs"]!.AsArray().Select(o => JupyterOutputs.Join(o!["data"]?["text/plain"])));

            // Not the copy next to the command line (src/Workbook.Cli/bin): the one the #r names.
            Assert.Contains($"loaded from {library};", Shown(0));
            Assert.Matches(@"libtorch from \S*libtorch-cpu-linux-x64\S*/runtimes/linux-x64/native;", Shown(0));
            // TorchSharp from the NuGet cache, as in Jupyter, not from a build folder.
            Assert.DoesNotContain($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", Shown(1));
            Assert.Contains("torchsharp", Shown(1));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task With_continue_after_error_every_cell_runs_and_the_first_failure_is_reported()
    {
        string folder = Directory.CreateTempSubdirectory("workbook-continue-").FullName;
        try
        {
            string notebook = Path.Combine(folder, "grading.ipynb");
            Write(notebook, Code("var x = 6;"), Code("throw new InvalidOperationException(\"first\");"), Code("Console.WriteLine(x * 7);"),
                Code("throw new InvalidOperationException(\"second\");"));
            var options = new NotebookRunOptions(Path.Combine(folder, "out"), TimeSpan.FromMinutes(2), NotebookHostProcess.For(continueAfterError: true));
            var report = (await NotebookRunner.RunAsync([notebook], options, TextWriter.Null)).Single();

            Assert.False(report.Succeeded);
            Assert.Equal(4, report.CellsRun);
            Assert.Equal(2, report.FailedCell);
            Assert.Contains("first", report.Error);
            var cells = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "out", "grading.ipynb")))!["cells"]!.AsArray();
            Assert.Contains("42", JupyterOutputs.Join(cells[2]!["outputs"]![0]!["text"]));
            Assert.Equal("error", (string?)cells[3]!["outputs"]![0]!["output_type"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string NotebookSetupCell() =>
        JupyterOutputs.Join(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Repository.Notebooks[0]))!["cells"]![0]!["source"]);
}
