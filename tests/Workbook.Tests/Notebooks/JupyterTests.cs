using System.Text.Json.Nodes;
using Workbook.Display;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// Executes a notebook the Jupyter way: <c>jupyter nbconvert --execute</c> (Debian's packages) with the .NET kernel of
/// the dotnet-interactive tool, both installed by scripts/install-prerequisites.sh. In the "Notebooks" collection so it
/// does not compete for the two cores with the headless run.
/// </summary>
[Collection("Notebooks")]
public class JupyterTests
{
    [SkippableTheory]
    [InlineData("01-")]
    [InlineData("02-")]
    [InlineData("03-")]
    [InlineData("04-")]
    public void Every_notebook_runs_in_Jupyter_with_the_dotnet_interactive_kernel(string prefix)
    {
        string notebook = Repository.Notebooks.Single(p => Path.GetFileName(p).StartsWith(prefix, StringComparison.Ordinal));
        var executed = ExecuteInJupyter(notebook);
        var outputs = executed["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code").SelectMany(c => c!["outputs"]!.AsArray()).ToList();
        Assert.DoesNotContain(outputs, o => (string?)o!["output_type"] == "error");
        Assert.Contains(outputs, o => JupyterOutputs.Join(o!["data"]?["text/html"]).Contains(PlotlyHtml.ChartClass));   // the formatters work there too
        foreach (var chart in ChartOutputs.In(executed)) ChartOutputs.AssertInteractiveAndStatic(chart, $"{Path.GetFileName(notebook)} in Jupyter");
        // The check reports show there too, and carry their JSON for the grader; every check of the solved notebook passes.
        var reports = outputs.Select(o => o!["data"]?[Workbook.Coursework.CheckReport.MimeType]).Where(d => d != null)
            .Select(d => Workbook.Coursework.CheckReport.FromJson(JupyterOutputs.Join(d))).ToList();
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.True(r.Passed, r.ToString()));
        if (prefix == "02-")
            Assert.Contains(outputs, o => JupyterOutputs.Join(o!["text"]).Contains("largest difference from the shift-register definition: 0"));
    }

    [SkippableFact]
    public void A_students_own_plotly_charts_show_in_Jupyter_with_their_interactive_version_and_a_static_picture()
    {
        string folder = Directory.CreateTempSubdirectory("workbook-jupyter-student-").FullName;
        try
        {
            string notebook = Path.Combine(folder, "student-chart.ipynb");
            StudentChart.Write(notebook);
            StudentChart.AssertShown(ExecuteInJupyter(notebook), "Jupyter");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Runs <c>jupyter nbconvert --execute</c> with the .NET kernel on a notebook; returns the executed notebook.</summary>
    internal static JsonObject ExecuteInJupyter(string notebook)
    {
        string home = Environment.GetEnvironmentVariable("HOME") ?? "/root";
        string? jupyter = Repository.FindProgram("jupyter");
        RequiredTool.Require(jupyter != null && Repository.FindProgram("jupyter-nbconvert") != null, "Jupyter is not installed", Prerequisites.Jupyter);
        var kernels = Repository.Run(jupyter!, new[] { "kernelspec", "list" }, Repository.Root, TimeSpan.FromMinutes(1));
        RequiredTool.Require(kernels.Output.Contains(".net-csharp"), "Jupyter has no .NET (C#) kernel", Prerequisites.DotnetKernel);

        string output = Directory.CreateTempSubdirectory("workbook-jupyter-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"/usr/bin:{Environment.GetEnvironmentVariable("PATH")}:{home}/.dotnet/tools",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        var result = Repository.Run(jupyter!, new[]
        {
            "nbconvert", "--to", "notebook", "--execute", notebook, "--output-dir", output,
            "--ExecutePreprocessor.kernel_name=.net-csharp", "--ExecutePreprocessor.timeout=600",
        }, Path.GetDirectoryName(notebook)!, TimeSpan.FromMinutes(15), environment);
        string describe = $"exit {result.ExitCode}\n{result.Output}\n{result.Error}";
        Assert.False(result.TimedOut, describe);
        Assert.True(result.ExitCode == 0, describe);

        var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(output, Path.GetFileName(notebook))))!.AsObject();
        Directory.Delete(output, recursive: true);
        return executed;
    }
}
