using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace Workbook.Display.StaticCharts;

/// <summary>
/// Draws a <see cref="ChartFigure"/> as a self-contained SVG: title, axes with ticks and grid, lines and markers, heatmaps
/// (one embedded PNG each) with a colour bar, and a legend. Plotly's look, not its every feature: what a notebook's
/// charts use. Deterministic (ids come from the figure's JSON), so an executed notebook does not change when
/// nothing in it changed.
/// </summary>
internal sealed class SvgChartWriter
{
    private const string FontFamily = "'Open Sans', verdana, arial, sans-serif";
    private const double LegendRowHeight = 19, ColorbarWidth = 14, MaxLegendWidth = 260;
    private const double CharacterWidth = 6.5;   // of 12 px text, roughly: enough to keep a legend inside the picture
    private readonly double legendWidth;
    private readonly ChartFigure figure;
    private readonly string id;
    private readonly StringBuilder svg = new();
    private readonly double left, top, right, bottom;   // the plot area's edges in pixels
    private readonly AxisScale x, y;

    private SvgChartWriter(ChartFigure figure, string figureJson)
    {
        this.figure = figure;
        id = "wb" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(figureJson)))[..12].ToLowerInvariant();
        var named = figure.Lines.Where(InLegend).Select(l => l.Name!).ToList();
        legendWidth = figure.ShowLegend && named.Count > 0 ? Math.Min(MaxLegendWidth, 50 + CharacterWidth * named.Max(n => n.Length)) : 0;
        double colorbarWidth = figure.Heatmaps.Any(h => h.ShowScale) ? 90 : 0;
        left = 80;
        top = figure.Title != null ? 60 : 25;
        right = figure.Width - 25 - legendWidth - colorbarWidth;
        bottom = figure.Height - (figure.X.Title != null ? 60 : 40) - (figure.Undrawn.Count > 0 ? 16 : 0);
        x = new AxisScale(XRange().Min, XRange().Max, left, right);
        y = new AxisScale(YRange().Min, YRange().Max, bottom, top, tickSpacing: 50);
    }

    /// <param name="figureJson">the JSON <paramref name="figure"/> was read from (its hash names the SVG's ids)</param>
    public static string Write(ChartFigure figure, string figureJson) => new SvgChartWriter(figure, figureJson).Write();

    private bool InLegend(LineTrace line) => line.ShowLegend && line.Name != null;

    private (double Min, double Max) XRange() => figure.X.Range ?? AxisScale.RangeOf(
        figure.Lines.SelectMany(l => l.X).Concat(figure.Heatmaps.SelectMany(h => Edges(h.X))),
        figure.Lines.Any(l => l.Lines) || figure.Heatmaps.Count > 0 ? 0 : 0.05);

    private (double Min, double Max) YRange() => figure.Y.Range ?? AxisScale.RangeOf(
        figure.Lines.SelectMany(l => l.Y).Concat(figure.Heatmaps.SelectMany(h => Edges(h.Y))),
        figure.Lines.Count > 0 ? 0.05 : 0);

    /// <summary>A heatmap's outer cell edges from its cell centres (evenly spaced, as the notebooks' are).</summary>
    private static double[] Edges(double[] centres)
    {
        if (centres.Length == 0) return [];
        double step = centres.Length > 1 ? (centres[^1] - centres[0]) / (centres.Length - 1) : 1;
        return [centres[0] - step / 2, centres[^1] + step / 2];
    }

    private string Write()
    {
        double width = figure.Width, height = figure.Height;
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"workbook-static-chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"{FontFamily}\" font-size=\"12\">\n");
        if (figure.Title != null) svg.Append("<title>").Append(Escape(figure.Title)).Append("</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<defs><clipPath id=\"{id}-plot\"><rect x=\"{F(left)}\" y=\"{F(top)}\" width=\"{F(right - left)}\" height=\"{F(bottom - top)}\"/></clipPath></defs>\n");
        Rect(0, 0, width, height, figure.PaperColor);
        Rect(left, top, right - left, bottom - top, figure.PlotColor);
        Grid();
        foreach (var heatmap in figure.Heatmaps) Heatmap(heatmap);
        foreach (var line in figure.Lines) Line(line);
        AxisLabels();
        if (figure.Title != null) Text(width / 2, 32, figure.Title, "middle", size: 17);
        Legend();
        foreach (var (heatmap, index) in figure.Heatmaps.Where(h => h.ShowScale).Select((h, i) => (h, i)))
            if (index == 0) Colorbar(heatmap);
        if (figure.Undrawn.Count > 0)
            Text(8, height - 6, $"static picture: not drawn as such: {string.Join(", ", figure.Undrawn.Distinct().Select(u => u.Contains(' ') ? u : u + " traces"))} (the interactive chart shows them)", "start", size: 11, color: "#a00");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private void Grid()
    {
        var lines = new StringBuilder();
        foreach (var (value, _) in XTicks()) lines.Append(CultureInfo.InvariantCulture, $"M{F(x.ToPixel(value))} {F(top)}V{F(bottom)}");
        foreach (var (value, _) in YTicks()) lines.Append(CultureInfo.InvariantCulture, $"M{F(left)} {F(y.ToPixel(value))}H{F(right)}");
        svg.Append(CultureInfo.InvariantCulture, $"<path class=\"grid\" d=\"{lines}\" stroke=\"{figure.GridColor.Hex}\" stroke-width=\"1\" fill=\"none\"/>\n");
    }

    private IEnumerable<(double Value, string Label)> XTicks() => Ticks(x, figure.X);
    private IEnumerable<(double Value, string Label)> YTicks() => Ticks(y, figure.Y);

    /// <summary>A category axis labels whole positions with their names; a numeric one takes the scale's ticks.</summary>
    private static IEnumerable<(double Value, string Label)> Ticks(AxisScale scale, Axis axis) =>
        axis.Categories is { } names
            ? scale.Ticks().Where(t => t.Value == Math.Round(t.Value) && t.Value >= 0 && t.Value < names.Count).Select(t => (t.Value, names[(int)t.Value]))
            : scale.Ticks();

    private void AxisLabels()
    {
        foreach (var (value, label) in XTicks()) Text(x.ToPixel(value), bottom + 17, label, "middle");
        foreach (var (value, label) in YTicks()) Text(left - 6, y.ToPixel(value) + 4, label, "end");
        if (figure.X.Title != null) Text((left + right) / 2, bottom + 42, figure.X.Title, "middle", size: 14);
        if (figure.Y.Title != null)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"0\" transform=\"translate({F(left - 55)},{F((top + bottom) / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"14\" fill=\"#2a3f5f\">{Escape(figure.Y.Title)}</text>\n");
    }

    private void Line(LineTrace line)
    {
        string dash = line.Dash switch
        {
            "dash" => " stroke-dasharray=\"9,5\"", "dot" => " stroke-dasharray=\"3,3\"", "dashdot" => " stroke-dasharray=\"9,3,3,3\"",
            "longdash" => " stroke-dasharray=\"15,5\"", "longdashdot" => " stroke-dasharray=\"15,5,3,5\"", _ => "",
        };
        string opacity = line.Color.Opacity < 1 ? $" stroke-opacity=\"{F(line.Color.Opacity)}\"" : "";
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"trace\" clip-path=\"url(#{id}-plot)\">");
        if (line.Lines)
            foreach (var run in Runs(line))
                svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{line.Color.Hex}\" stroke-width=\"{F(line.LineWidth)}\"{opacity}{dash} stroke-linejoin=\"round\" points=\"{string.Join(" ", run.Select(p => F(p.X) + "," + F(p.Y)))}\"/>");
        if (line.Markers)
            for (int i = 0; i < line.X.Length; i++)
                if (double.IsFinite(line.X[i]) && double.IsFinite(line.Y[i]))
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(x.ToPixel(line.X[i]))}\" cy=\"{F(y.ToPixel(line.Y[i]))}\" r=\"3\" fill=\"{line.Color.Hex}\"/>");
        svg.Append("</g>\n");
    }

    /// <summary>
    /// The trace's unbroken runs of points in pixels. A run with far more points than the plot has pixel columns keeps,
    /// per column, its first, lowest, highest and last point: the same picture as every point (a waveform's envelope),
    /// in a few thousand coordinates instead of hundreds of thousands.
    /// </summary>
    private IEnumerable<List<(double X, double Y)>> Runs(LineTrace line)
    {
        var run = new List<(double X, double Y)>();
        for (int i = 0; i <= line.X.Length; i++)
        {
            bool valid = i < line.X.Length && double.IsFinite(line.X[i]) && double.IsFinite(line.Y[i]);
            if (valid) { run.Add((x.ToPixel(line.X[i]), y.ToPixel(line.Y[i]))); continue; }
            if (run.Count > 0) yield return run.Count > 4 * (right - left) ? Envelope(run) : run;
            run = new List<(double X, double Y)>();
        }
    }

    private static List<(double X, double Y)> Envelope(List<(double X, double Y)> points)
    {
        var kept = new List<(double X, double Y)>();
        int start = 0;
        while (start < points.Count)
        {
            int column = (int)Math.Floor(points[start].X), end = start;
            while (end + 1 < points.Count && (int)Math.Floor(points[end + 1].X) == column) end++;
            int low = start, high = start;
            for (int i = start; i <= end; i++)
            {
                if (points[i].Y > points[low].Y) low = i;   // pixels grow downwards
                if (points[i].Y < points[high].Y) high = i;
            }
            foreach (int i in new SortedSet<int> { start, low, high, end }) kept.Add(points[i]);
            start = end + 1;
        }
        return kept;
    }

    private void Heatmap(HeatmapTrace heatmap)
    {
        int rows = heatmap.Z.GetLength(0), columns = heatmap.Z.GetLength(1);
        if (rows == 0 || columns == 0) return;
        var pixels = new byte[rows * columns * 4];
        double span = heatmap.ZMax - heatmap.ZMin;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                double z = heatmap.Z[r, c];
                if (!double.IsFinite(z)) continue;   // transparent, as plotly.js leaves a missing cell
                var color = heatmap.Scale.At(span > 0 ? (z - heatmap.ZMin) / span : 0.5);
                int at = ((rows - 1 - r) * columns + c) * 4;   // PNG rows run from the top, the heatmap's row 0 is at the bottom
                pixels[at] = color.R; pixels[at + 1] = color.G; pixels[at + 2] = color.B; pixels[at + 3] = 255;
            }
        string png = Convert.ToBase64String(PngImage.Encode(columns, rows, pixels));
        var xEdges = Edges(heatmap.X);
        var yEdges = Edges(heatmap.Y);
        double x0 = x.ToPixel(xEdges[0]), x1 = x.ToPixel(xEdges[1]), y0 = y.ToPixel(yEdges[1]), y1 = y.ToPixel(yEdges[0]);
        svg.Append(CultureInfo.InvariantCulture, $"<image class=\"heatmap\" clip-path=\"url(#{id}-plot)\" x=\"{F(Math.Min(x0, x1))}\" y=\"{F(Math.Min(y0, y1))}\" width=\"{F(Math.Abs(x1 - x0))}\" height=\"{F(Math.Abs(y1 - y0))}\" preserveAspectRatio=\"none\" image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,{png}\"/>\n");
    }

    private void Colorbar(HeatmapTrace heatmap)
    {
        double barLeft = right + 25;
        string gradient = $"{id}-scale";
        svg.Append(CultureInfo.InvariantCulture, $"<defs><linearGradient id=\"{gradient}\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        foreach (var (position, color) in heatmap.Scale.Stops)
            svg.Append(CultureInfo.InvariantCulture, $"<stop offset=\"{position.ToString("0.####", CultureInfo.InvariantCulture)}\" stop-color=\"{color.Hex}\"/>");
        svg.Append("</linearGradient></defs>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"colorbar\" x=\"{F(barLeft)}\" y=\"{F(top)}\" width=\"{ColorbarWidth}\" height=\"{F(bottom - top)}\" fill=\"url(#{gradient})\"/>\n");
        var scale = new AxisScale(heatmap.ZMin, heatmap.ZMax, bottom, top, tickSpacing: 50);
        foreach (var (value, label) in scale.Ticks()) Text(barLeft + ColorbarWidth + 5, scale.ToPixel(value) + 4, label, "start");
        if (heatmap.ColorbarTitle != null) Text(barLeft, top - 8, heatmap.ColorbarTitle, "start");
    }

    private void Legend()
    {
        if (!figure.ShowLegend) return;
        double row = top + 8;
        foreach (var line in figure.Lines.Where(InLegend))
        {
            double middle = row + LegendRowHeight / 2;
            double start = right + 12;
            if (line.Lines) svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{F(start)} {F(middle)}h30\" stroke=\"{line.Color.Hex}\" stroke-width=\"{F(line.LineWidth)}\"/>");
            if (line.Markers) svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(start + 15)}\" cy=\"{F(middle)}\" r=\"3\" fill=\"{line.Color.Hex}\"/>");
            int fits = (int)((legendWidth - 50) / CharacterWidth);
            Text(start + 38, middle + 4, line.Name!.Length <= fits ? line.Name : line.Name[..Math.Max(1, fits - 1)] + "…", "start");
            row += LegendRowHeight;
        }
    }

    private void Rect(double rx, double ry, double width, double height, CssColor fill) =>
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(rx)}\" y=\"{F(ry)}\" width=\"{F(width)}\" height=\"{F(height)}\" fill=\"{fill.Hex}\"/>\n");

    private void Text(double tx, double ty, string text, string anchor, double size = 12, string color = "#2a3f5f") =>
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(tx)}\" y=\"{F(ty)}\" text-anchor=\"{anchor}\" font-size=\"{F(size)}\" fill=\"{color}\">{Escape(text)}</text>\n");

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";

    private static string F(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
