using System.Text.Json.Nodes;
using System.Xml.Linq;
using Workbook.Display;
using Workbook.Display.StaticCharts;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>The chart outputs of an executed notebook, and what each must carry: the interactive chart and its static picture.</summary>
internal static class ChartOutputs
{
    /// <summary>Every output (display or result) whose HTML holds a Plotly chart or that carries an SVG picture.</summary>
    public static List<JsonObject> In(JsonObject notebook) => In(notebook["cells"]!.AsArray());

    /// <summary>The chart outputs of these cells.</summary>
    public static List<JsonObject> In(IEnumerable<JsonNode?> cells) =>
        cells
            .Where(c => (string?)c!["cell_type"] == "code")
            .SelectMany(c => c!["outputs"]!.AsArray())
            .OfType<JsonObject>()
            .Where(o => JupyterOutputs.Join(o["data"]?["text/html"]).Contains(PlotlyHtml.ChartClass) || o["data"]?[StaticChart.MimeType] != null)
            .ToList();

    /// <summary>
    /// Asserts that a chart output carries both versions in one bundle: HTML that draws the chart with plotly.js and holds
    /// the picture until it has, and the picture itself as <c>image/svg+xml</c>, an SVG document that draws a curve or a
    /// heatmap. Returns the picture.
    /// </summary>
    public static XDocument AssertInteractiveAndStatic(JsonObject output, string where)
    {
        string html = JupyterOutputs.Join(output["data"]?["text/html"]);
        string svg = JupyterOutputs.Join(output["data"]?[StaticChart.MimeType]);
        Assert.True(html.Contains(PlotlyHtml.ChartClass) && html.Contains("Plotly.newPlot"), $"{where}: no interactive chart in {output.ToJsonString()[..Math.Min(300, output.ToJsonString().Length)]}");
        Assert.True(html.Contains($"class=\"{PlotlyHtml.StaticPictureClass}\""), $"{where}: the HTML holds no static picture");
        Assert.True(svg.Length > 0, $"{where}: no {StaticChart.MimeType} next to the interactive chart");
        var picture = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", picture.Root!.Name);
        Assert.True(picture.Descendants(ns + "polyline").Any() || picture.Descendants(ns + "circle").Any() || picture.Descendants(ns + "image").Any(),
            $"{where}: the picture draws nothing");
        return picture;
    }
}
