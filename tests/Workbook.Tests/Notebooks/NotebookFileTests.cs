using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>Checks on the committed notebooks that need no kernel.</summary>
public class NotebookFileTests
{
    private static JsonObject Load(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    private static string SetupCell(string path) => JupyterOutputs.Join(Load(path)["cells"]![0]!["source"]);

    [Fact]
    public void There_is_one_notebook_per_task_with_a_name_that_says_what_it_covers()
    {
        var names = Repository.Notebooks.Select(Path.GetFileNameWithoutExtension).ToList();
        // One per task of the lab, and 05, beyond the lab.
        Assert.Equal(5, names.Count);
        for (int task = 1; task <= 5; task++)
            Assert.Matches($"^0{task}-[a-z0-9]+(-[a-z0-9]+)+$", names[task - 1]);
    }

    /// <summary>The setup cell a student reads: packages, the library by its path, one call. No reflection.</summary>
    private const string ExpectedSetupCell =
        "// Setup: the pinned packages, the workbook's library (build it first: ./run.sh, or dotnet build Workbook.sln -c Release), its display formatters.\n" +
        "#r \"nuget: TorchSharp-cpu, 0.107.0\"\n" +
        "#r \"nuget: Plotly.NET, 6.0.0\"\n" +
        "#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n" +
        "#r \"nuget: NAudio.Core, 3.3.0\"\n" +
        "#r \"nuget: TorchSharp.PyBridge, 1.4.4\"\n" +
        "#r \"nuget: NWaves, 0.9.6\"\n" +
        "#r \"../src/Workbook/bin/Release/net10.0/Workbook.dll\"\n" +
        "Workbook.Notebook.Setup()";

    [Fact]
    public void Every_notebook_starts_with_the_same_readable_setup_cell()
    {
        var first = Repository.Notebooks.Select(p => (Path: p, Cell: Load(p)["cells"]![0]!.AsObject())).ToList();
        Assert.All(first, f => Assert.Equal("code", (string?)f.Cell["cell_type"]));
        Assert.All(first, f => Assert.Equal(ExpectedSetupCell, JupyterOutputs.Join(f.Cell["source"])));
    }

    [Fact]
    public void The_setup_cells_library_path_is_where_the_build_puts_the_library()
    {
        string reference = Regex.Match(ExpectedSetupCell, "#r \"([^\":]+\\.dll)\"").Groups[1].Value;
        string library = Path.GetFullPath(Path.Combine(Repository.Root, "notebooks", reference));
        Assert.Equal(Path.Combine(Repository.Root, "src", "Workbook", "bin", "Release", "net10.0", "Workbook.dll"), library);
        // The call it ends with exists and is what the library calls the notebook setup.
        Assert.NotNull(typeof(Workbook.Notebook).GetMethod(nameof(Workbook.Notebook.Setup), Type.EmptyTypes));
    }

    [Fact]
    public void The_setup_cell_pins_the_versions_of_Directory_Packages_props()
    {
        var pinned = XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => ((string)e.Attribute("Version")!).Trim('[', ']'), StringComparer.OrdinalIgnoreCase);
        var references = Regex.Matches(SetupCell(Repository.Notebooks[0]), "#r \"nuget: *([^,\" ]+) *, *([^\" ]+)\"");
        Assert.True(references.Count >= 4, "the setup cell references the packages the library needs");
        foreach (Match r in references)
        {
            Assert.True(pinned.TryGetValue(r.Groups[1].Value, out string? version), $"{r.Groups[1].Value} is not in Directory.Packages.props");
            Assert.Equal(version, r.Groups[2].Value);
        }
        var names = references.Select(r => r.Groups[1].Value).ToList();
        Assert.Contains("TorchSharp-cpu", names);
        Assert.Contains("Plotly.NET", names);
        Assert.Contains("Plotly.NET.CSharp", names);
    }

    [Fact]
    public void Notebooks_have_metadata_for_VS_Code_and_Jupyter_and_no_outputs()
    {
        foreach (string path in Repository.Notebooks)
        {
            var notebook = Load(path);
            var metadata = notebook["metadata"]!;
            Assert.Equal(".net-csharp", (string?)metadata["kernelspec"]!["name"]);
            Assert.Equal("C#", (string?)metadata["kernelspec"]!["language"]);
            Assert.Equal("csharp", (string?)metadata["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]);
            Assert.Equal(4, (int)notebook["nbformat"]!);
            foreach (var cell in notebook["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code"))
            {
                Assert.Equal("csharp", (string?)cell!["metadata"]!["polyglot_notebook"]!["kernelName"]);
                Assert.Empty(cell["outputs"]!.AsArray());
                Assert.Null(cell["execution_count"]);
            }
        }
    }

    [Fact]
    public void Notebooks_parse_with_dotnet_interactive_documents_and_mix_prose_equations_and_code()
    {
        foreach (string path in Repository.Notebooks)
        {
            var document = Microsoft.DotNet.Interactive.Documents.Jupyter.Notebook.Parse(File.ReadAllText(path), NotebookExecutor.KernelInfos());
            Assert.Contains(document.Elements, e => e.KernelName == "markdown" && e.Contents.Contains("$$"));
            Assert.True(document.Elements.Count(e => e.KernelName == "csharp") >= 4, Path.GetFileName(path));
        }
    }

    [Fact]
    public void Every_notebook_has_an_errata_section_and_short_teaching_listings_instead_of_library_source()
    {
        foreach (string path in Repository.Notebooks)
        {
            var cells = Load(path)["cells"]!.AsArray().Select(c => (Kind: (string?)c!["cell_type"], Text: JupyterOutputs.Join(c["source"]))).ToList();
            Assert.Contains(cells, c => c.Kind == "markdown" && c.Text.Contains("## Where this differs from the handout"));
            Assert.DoesNotContain(cells, c => c.Text.Contains("Source.Of"));   // the task's code is the student's to write, not the library's to show
            // Each exercise's model solution is short enough to read like the equations (the training loop about 20 lines).
            foreach (var cell in cells.Where(c => c.Text.Contains("// BEGIN SOLUTION")))
            {
                var regions = System.Text.RegularExpressions.Regex.Matches(cell.Text, @"// BEGIN SOLUTION\n(.*?)// END SOLUTION", System.Text.RegularExpressions.RegexOptions.Singleline);
                Assert.All(regions, r => Assert.InRange(r.Groups[1].Value.Split('\n').Length, 1, 26));
            }
        }
        Assert.Contains("optimizer.zero_grad();", File.ReadAllText(Repository.Notebooks[3]));
    }
}
