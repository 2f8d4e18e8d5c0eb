using System.Text.Json.Nodes;

namespace Workbook.Tests.Notebooks;

/// <summary>A student's own Plotly.NET charts in the headless runner (the Jupyter kernel's run is in <see cref="JupyterTests"/>).</summary>
[Collection("Notebooks")]
public class StudentChartTests
{
    [Fact]
    public void A_students_own_plotly_charts_show_headless_with_their_interactive_version_and_a_static_picture()
    {
        string folder = Directory.CreateTempSubdirectory("workbook-student-chart-").FullName;
        try
        {
            string notebook = Path.Combine(folder, "student-chart.ipynb");
            StudentChart.Write(notebook);
            string output = Path.Combine(folder, "out");
            var result = Repository.Run("dotnet", [Repository.CliDll, "run", notebook, "--out", output], Repository.Root, TimeSpan.FromMinutes(5));
            Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\nstdout:\n{result.Output}\nstderr:\n{result.Error}");
            StudentChart.AssertShown(JsonNode.Parse(File.ReadAllText(Path.Combine(output, "student-chart.ipynb")))!.AsObject(), "headless");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
