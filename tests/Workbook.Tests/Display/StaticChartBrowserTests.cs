using System.Xml.Linq;
using Plotly.NET;
using Workbook.Display;
using Workbook.Display.StaticCharts;
using Workbook.Tests.Notebooks;
using Workbook.Training;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbook.Tests.Display;

/// <summary>
/// Chromium renders the static pictures, as a browser showing a notebook on GitHub would, and the screenshot's pixels
/// show the curves in their colours and the heatmap's cells in its scale's.
/// </summary>
public class StaticChartBrowserTests
{
    /// <summary>A screenshot of the picture alone, with room around it (headless Chromium's viewport is smaller than its window).</summary>
    private static PngPixels Screenshot(string svg, int width, int height)
    {
        string chromium = Chromium.Require();
        string folder = Directory.CreateTempSubdirectory("workbook-static-chart-").FullName;
        try
        {
            string file = Path.Combine(folder, "chart.svg"), png = Path.Combine(folder, "chart.png");
            File.WriteAllText(file, svg);
            var run = Repository.Run(chromium, Chromium.Arguments(Path.Combine(folder, "profile"), width + 100, height + 200).Append($"--screenshot={png}").Append(new Uri(file).AbsoluteUri),
                folder, TimeSpan.FromMinutes(2));
            Assert.True(File.Exists(png), $"no screenshot: exit {run.ExitCode}\n{run.Error}");
            return PngPixels.Read(File.ReadAllBytes(png));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static int CountNear(PngPixels pixels, CssColor color, int tolerance = 12) =>
        pixels.All().Count(p => Math.Abs(p.R - color.R) <= tolerance && Math.Abs(p.G - color.G) <= tolerance && Math.Abs(p.B - color.B) <= tolerance);

    [SkippableFact]
    public void Chromium_draws_each_curve_of_a_static_line_chart_in_its_colour()
    {
        var epochs = Enumerable.Range(1, 20).Select(e => new EpochResult(e, 0.05 / Math.Sqrt(e), 0.06 / Math.Sqrt(e), 0, 0, TimeSpan.Zero));
        string svg = StaticChart.Svg(LossPlot.Chart(epochs, "loss"));
        var strokes = XDocument.Parse(svg).Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg"))
            .Select(p => CssColor.Parse((string?)p.Attribute("stroke"))!.Value).ToList();
        Assert.Equal(2, strokes.Count);
        Assert.NotEqual(strokes[0], strokes[1]);

        var pixels = Screenshot(svg, 800, 400);
        Assert.True(pixels.All().Count(p => p.R < 200 || p.G < 200 || p.B < 200) > 2000, "the picture is not blank");
        foreach (var stroke in strokes)
            Assert.True(CountNear(pixels, stroke) > 300, $"{CountNear(pixels, stroke)} pixels in {stroke.Hex}");
    }

    [SkippableFact]
    public void Chromium_draws_a_static_heatmaps_cells_in_its_scales_colours()
    {
        // A ramp from 0 to 1 over 64 × 32 cells in Viridis: its dark end (#440154) and bright end (#fde725) both on screen.
        var z = Enumerable.Range(0, 32).Select(r => Enumerable.Range(0, 64).Select(c => (r * 64 + c) / (64.0 * 32 - 1)).ToArray()).ToArray();
        string svg = StaticChart.Svg(CSharpChart.Heatmap<double, double, double, string>(zData: z, ColorScale: StyleParam.Colorscale.Viridis));
        var pixels = Screenshot(svg, ChartFigure.DefaultWidth, ChartFigure.DefaultHeight);
        Assert.True(CountNear(pixels, CssColor.Parse("#440154")!.Value, 6) > 100, "the dark end");
        Assert.True(CountNear(pixels, CssColor.Parse("#fde725")!.Value, 6) > 100, "the bright end");
        int distinct = pixels.All().Select(p => (p.R, p.G, p.B)).Distinct().Count();
        Assert.True(distinct > 50, $"{distinct} colours");
    }
}
