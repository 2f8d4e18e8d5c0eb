using System.Text.Json.Nodes;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// A notebook a student might write: the workbook's setup cell (its <c>#r</c> pointing at this repository's library),
/// then charts made with plain Plotly.NET, one returned by a cell and one passed to <c>display</c>.
/// </summary>
internal static class StudentChart
{
    public const string LineName = "my squares";

    public static readonly string[] Cells =
    [
        """
        using Plotly.NET.CSharp;
        Chart.Line<int, double, string>(new[] { 1, 2, 3, 4 }, new[] { 1.0, 4, 9, 16 }, Name: "my squares")
        """,
        """
        var z = new[] { new[] { 1.0, 2, 3 }, new[] { 4.0, 5, 6 } };
        display(Chart.Heatmap<double, double, double, string>(zData: z));
        """,
    ];

    /// <summary>Writes the notebook (the setup cell, then <see cref="Cells"/>) to <paramref name="path"/>.</summary>
    public static void Write(string path)
    {
        var template = JsonNode.Parse(File.ReadAllText(Repository.Notebooks[0]))!.AsObject();
        var setup = template["cells"]![0]!.DeepClone().AsObject();
        string library = Path.Combine(Repository.Root, "src", "Workbook", "bin", Repository.Configuration, "net10.0", "Workbook.dll");
        setup["source"] = JupyterOutputs.Lines(JupyterOutputs.Join(setup["source"]).Replace("../src/Workbook/bin/Release/net10.0/Workbook.dll", library));
        var cells = new JsonArray(setup);
        foreach (string source in Cells)
        {
            var cell = setup.DeepClone().AsObject();
            cell["source"] = JupyterOutputs.Lines(source);
            cell["outputs"] = new JsonArray();
            cells.Add(cell);
        }
        template["cells"] = cells;
        File.WriteAllText(path, template.ToJsonString());
    }

    /// <summary>Asserts that both charts show, each with its interactive version and its static picture.</summary>
    public static void AssertShown(JsonObject executed, string where)
    {
        var cells = executed["cells"]!.AsArray();
        Assert.Equal(3, cells.Count);
        var returned = Assert.Single(ChartOutputs.In([cells[1]]));
        Assert.Equal("execute_result", (string?)returned["output_type"]);
        var picture = ChartOutputs.AssertInteractiveAndStatic(returned, $"{where}, the returned Chart.Line");
        Assert.Contains(picture.Descendants(), e => e.Name.LocalName == "polyline");
        var displayed = Assert.Single(ChartOutputs.In([cells[2]]));
        Assert.Equal("display_data", (string?)displayed["output_type"]);
        picture = ChartOutputs.AssertInteractiveAndStatic(displayed, $"{where}, the displayed Chart.Heatmap");
        Assert.Contains(picture.Descendants(), e => e.Name.LocalName == "image");
    }
}
