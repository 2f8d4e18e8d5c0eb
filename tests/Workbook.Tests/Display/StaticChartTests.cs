using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Plotly.NET;
using Workbook.Display;
using Workbook.Display.StaticCharts;
using Workbook.Training;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbook.Tests.Display;

/// <summary>
/// The static SVG picture of a chart (<see cref="StaticChart"/>): its lines where its own axis labels say the values
/// are, heatmap cells in plotly.js's colours (Viridis as plotly.js defines it), long traces reduced without losing
/// their extremes, and a note for what it cannot draw.
/// </summary>
public class StaticChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly EpochResult[] Epochs =
    [
        new(1, 0.05, 0.06, 0, 0, TimeSpan.Zero), new(2, 0.04, 0.045, 0, 0, TimeSpan.Zero), new(3, 0.03, 0.035, 0, 0, TimeSpan.Zero),
        new(4, 0.027, 0.031, 0, 0, TimeSpan.Zero),
    ];

    /// <summary>Tick labels (12 px text) of one axis: the value each names and the pixel it names it at.</summary>
    private static List<(double Value, double Pixel)> Ticks(XDocument svg, string anchor, Func<XElement, double> pixel) =>
        svg.Descendants(Svg + "text")
            .Where(t => (string?)t.Attribute("text-anchor") == anchor && (string?)t.Attribute("font-size") == "12")
            .Select(t => (double.Parse(t.Value.Replace('\u2212', '-'), CultureInfo.InvariantCulture), pixel(t)))
            .ToList();

    /// <summary>The data value at a pixel, by the straight line through the first and last tick labels.</summary>
    private static double ValueAt(List<(double Value, double Pixel)> ticks, double pixel)
    {
        var (v0, p0) = ticks[0];
        var (v1, p1) = ticks[^1];
        return v0 + (pixel - p0) / (p1 - p0) * (v1 - v0);
    }

    private static List<(double X, double Y)> Points(XElement polyline) =>
        ((string)polyline.Attribute("points")!).Split(' ')
            .Select(p => p.Split(',')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToList();

    [Fact]
    public void Each_curve_sits_where_the_pictures_own_axis_labels_put_its_values()
    {
        var svg = XDocument.Parse(StaticChart.Svg(LossPlot.Chart(Epochs, "loss")));
        var xTicks = Ticks(svg, "middle", t => double.Parse((string)t.Attribute("x")!, CultureInfo.InvariantCulture));
        var yTicks = Ticks(svg, "end", t => double.Parse((string)t.Attribute("y")!, CultureInfo.InvariantCulture) - 4);   // a label's baseline is 4 px below its tick
        Assert.True(xTicks.Count >= 2 && yTicks.Count >= 2, svg.ToString());

        var polylines = svg.Descendants(Svg + "polyline").ToList();
        Assert.Equal(2, polylines.Count);   // train and test
        var expected = new[] { Epochs.Select(e => e.TrainL1).ToArray(), Epochs.Select(e => e.TestL1).ToArray() };
        double yScale = Epochs.Max(e => e.TestL1) - Epochs.Min(e => e.TrainL1);
        for (int trace = 0; trace < 2; trace++)
        {
            var points = Points(polylines[trace]);
            Assert.Equal(Epochs.Length, points.Count);
            for (int i = 0; i < points.Count; i++)
            {
                Assert.Equal(Epochs[i].Epoch, ValueAt(xTicks, points[i].X), 0.02);
                Assert.True(Math.Abs(expected[trace][i] - ValueAt(yTicks, points[i].Y)) < 0.01 * yScale,
                    $"trace {trace} point {i}: {ValueAt(yTicks, points[i].Y)} drawn for {expected[trace][i]}");
            }
        }
        // Both names in the legend, the title and the axis titles as text.
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains(LossPlot.TrainName, texts);
        Assert.Contains(LossPlot.TestName, texts);
        Assert.Contains("loss", texts);
        Assert.Contains("epoch", texts);
        Assert.Contains("mean L1 loss", texts);
    }

    [Fact]
    public void A_heatmaps_cells_are_one_embedded_image_in_plotly_js_colours_with_its_first_row_at_the_bottom()
    {
        // Viridis's ends and middle as plotly.js defines them (its scales table): 0 → #440154, 1 → #fde725, 0.5 between
        // #26828e (0.439) and #21918c (0.502), so within a few levels of #21918c.
        var z = new[] { new[] { 0.0, 2.5, 5.0 }, new[] { 5.0, double.NaN, 0.0 } };
        var chart = CSharpChart.Heatmap<double, double, double, string>(zData: z, ColorScale: StyleParam.Colorscale.Viridis);
        var svg = XDocument.Parse(StaticChart.Svg(chart));
        var image = Assert.Single(svg.Descendants(Svg + "image"));
        string href = (string)image.Attribute("href")!;
        Assert.StartsWith("data:image/png;base64,", href);
        var cells = PngPixels.Read(Convert.FromBase64String(href["data:image/png;base64,".Length..]));
        Assert.Equal((3, 2), (cells.Width, cells.Height));
        Assert.Equal((0x44, 0x01, 0x54, 255), Rgba(cells[0, 1]));   // z[0][0] = 0: the bottom row
        Assert.Equal((0xfd, 0xe7, 0x25, 255), Rgba(cells[2, 1]));   // z[0][2] = 5
        Assert.Equal((0xfd, 0xe7, 0x25, 255), Rgba(cells[0, 0]));   // z[1][0] = 5: the top row
        Assert.Equal(0, cells[1, 0].A);                              // a missing cell is left blank
        var middle = cells[1, 1];
        Assert.True(Math.Abs(middle.R - 0x21) <= 3 && Math.Abs(middle.G - 0x91) <= 6 && Math.Abs(middle.B - 0x8c) <= 3, $"z = 2.5 drawn as {middle}");
        // A colour bar from 0 to 5.
        Assert.Single(svg.Descendants(Svg + "rect"), r => (string?)r.Attribute("class") == "colorbar");
    }

    private static (int, int, int, int) Rgba((byte R, byte G, byte B, byte A) p) => (p.R, p.G, p.B, p.A);

    [Fact]
    public void A_heatmap_from_plain_figure_json_without_a_colorscale_takes_plotly_js_default()
    {
        string svg = StaticChart.Svg("""{"data":[{"type":"heatmap","z":[[0,1],[2,3]]}],"layout":{}}""");
        var image = XDocument.Parse(svg).Descendants(Svg + "image").Single();
        var cells = PngPixels.Read(Convert.FromBase64String(((string)image.Attribute("href")!)["data:image/png;base64,".Length..]));
        Assert.Equal((5, 10, 172, 255), Rgba(cells[0, 1]));    // RdBu, plotly.js's defaultScale, starts at rgb(5,10,172)
        Assert.Equal((178, 10, 28, 255), Rgba(cells[1, 0]));   // and ends at rgb(178,10,28)
    }

    [Fact]
    public void A_long_waveform_is_drawn_with_fewer_points_and_keeps_its_extremes()
    {
        // 200 000 samples of a slow sine with one spike up and one down: more points than pixels by far.
        var samples = Enumerable.Range(0, 200_000).Select(i => (float)(0.3 * Math.Sin(i / 5000.0))).ToArray();
        samples[123_457] = 0.9f;
        samples[7_001] = -0.8f;
        var chart = SignalPlot.Waveforms("long", [new AudioClip(samples, 16000, "clip")], maxPoints: samples.Length);
        var svg = XDocument.Parse(StaticChart.Svg(chart));
        var yTicks = Ticks(svg, "end", t => double.Parse((string)t.Attribute("y")!, CultureInfo.InvariantCulture) - 4);
        var points = Points(svg.Descendants(Svg + "polyline").Single());
        Assert.True(points.Count < 10_000, $"{points.Count} points");
        Assert.Equal(0.9, ValueAt(yTicks, points.Min(p => p.Y)), 0.01);    // pixels grow downwards
        Assert.Equal(-0.8, ValueAt(yTicks, points.Max(p => p.Y)), 0.01);
    }

    [Fact]
    public void Traces_it_cannot_draw_are_named_on_the_picture()
    {
        var chart = GenericChart.combine(new[]
        {
            CSharpChart.Line<int, double, string>(new[] { 1, 2 }, new[] { 1.0, 2.0 }),
            CSharpChart.Column<double, string, string>(new[] { 3.0, 4.0 }, new[] { "a", "b" }),
        });
        string svg = StaticChart.Svg(chart);
        Assert.Single(XDocument.Parse(svg).Descendants(Svg + "polyline"));
        Assert.Contains("static picture: not drawn as such: bar traces", svg);
    }

    [Fact]
    public void A_log_axis_is_named_on_the_picture_as_drawn_linear()
    {
        string svg = StaticChart.Svg("""{"data":[{"type":"scatter","x":[1,10,100],"y":[1,2,3]}],"layout":{"xaxis":{"type":"log"}}}""");
        Assert.Single(XDocument.Parse(svg).Descendants(Svg + "polyline"));
        Assert.Contains("x axis type log (drawn linear)", svg);
    }

    [Fact]
    public void The_picture_is_well_formed_escapes_its_text_and_is_the_same_for_the_same_chart()
    {
        var chart = LossPlot.Chart(Epochs, "a < b & \"c\"");
        string first = StaticChart.Svg(chart), second = StaticChart.Svg(LossPlot.Chart(Epochs, "a < b & \"c\""));
        Assert.Equal(first, second);   // deterministic: an executed notebook does not change when its charts did not
        Assert.Contains("a < b & \"c\"", XDocument.Parse(first).Descendants(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void Plotly_js_named_colour_scales_are_read_from_plotly_js_itself()
    {
        Assert.True(Colorscale.NamedScales.Count >= 18, string.Join(", ", Colorscale.NamedScales.Keys));
        Assert.Equal("#440154", Colorscale.NamedScales["Viridis"].Stops[0].Color.Hex);
        Assert.Equal("#fde725", Colorscale.NamedScales["Viridis"].Stops[^1].Color.Hex);
        Assert.Equal("#050aac", Colorscale.NamedScales[Colorscale.DefaultName].Stops[0].Color.Hex);
    }

    [Fact]
    public void A_chart_fragment_holds_the_static_picture_until_plotly_js_has_drawn()
    {
        var chart = LossPlot.Chart(Epochs, "loss");
        string fragment = PlotlyHtml.Fragment(chart);
        var picture = Regex.Match(fragment, $"<img class=\"{PlotlyHtml.StaticPictureClass}\"[^>]* src=\"data:image/svg\\+xml;base64,([^\"]+)\">");
        Assert.True(picture.Success, fragment[..300]);
        Assert.Equal(StaticChart.Svg(chart), System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(picture.Groups[1].Value)));
        Assert.Contains($"img.{PlotlyHtml.StaticPictureClass}", fragment);   // the script finds it, and removes it once drawn
        Assert.Contains("still.remove()", fragment);
    }
}
