using System.Globalization;
using System.Text.Json;

namespace Workbook.Display.StaticCharts;

/// <summary>A line or marker trace (Plotly's <c>scatter</c>): points in data coordinates; NaN y breaks the line.</summary>
internal sealed record LineTrace(string? Name, double[] X, double[] Y, CssColor Color, bool Lines, bool Markers, double LineWidth, string? Dash, bool ShowLegend);

/// <summary>A heatmap: <c>Z[row, column]</c>, row 0 at the bottom; cell centres at X[column], Y[row]; NaN cells are blank.</summary>
internal sealed record HeatmapTrace(string? Name, double[] X, double[] Y, double[,] Z, Colorscale Scale, double ZMin, double ZMax, bool ShowScale, string? ColorbarTitle);

/// <summary>One axis: its title, a fixed range if the figure sets one, the category names if its values were text.</summary>
internal sealed record Axis(string? Title, (double Min, double Max)? Range, IReadOnlyList<string>? Categories);

/// <summary>
/// What a static picture of a Plotly figure needs, read from the figure's JSON (what plotly.js draws from): the
/// traces it can draw (scatter, heatmap), the kinds of those it cannot, titles, size and colours (the figure's, else
/// its template's, else plotly.js's defaults). Generic over figures: any Plotly.NET chart of these trace kinds, the
/// workbook's or a student's.
/// </summary>
internal sealed record ChartFigure(
    string? Title, Axis X, Axis Y, int Width, int Height,
    IReadOnlyList<LineTrace> Lines, IReadOnlyList<HeatmapTrace> Heatmaps, IReadOnlyList<string> Undrawn,
    bool ShowLegend, CssColor PaperColor, CssColor PlotColor, CssColor GridColor)
{
    /// <summary>plotly.js's size when a figure sets none.</summary>
    public const int DefaultWidth = 700, DefaultHeight = 450;

    /// <summary>plotly.js's own trace colours, used when neither the trace nor the template sets one.</summary>
    private static readonly string[] PlotlyJsColorway = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public static ChartFigure Read(string figureJson)
    {
        using var document = JsonDocument.Parse(figureJson);
        var root = document.RootElement;
        var layout = Get(root, "layout");
        var template = Get(layout, "template");
        var templateLayout = Get(template, "layout");
        JsonElement Setting(string name) => Get(layout, name) is { ValueKind: not JsonValueKind.Undefined } own ? own : Get(templateLayout, name);

        var colorway = Items(Setting("colorway")).Select(c => CssColor.Parse(String(c))).OfType<CssColor>().ToArray() is { Length: > 0 } fromTemplate
            ? fromTemplate : PlotlyJsColorway.Select(c => CssColor.Parse(c)!.Value).ToArray();
        var templateHeatmapScale = Get(Items(Get(Get(template, "data"), "heatmap")).FirstOrDefault(), "colorscale") is { ValueKind: not JsonValueKind.Undefined } fromData
            ? fromData : Get(Setting("colorscale"), "sequential");

        var xCategories = new List<string>();
        var yCategories = new List<string>();
        var lines = new List<LineTrace>();
        var heatmaps = new List<HeatmapTrace>();
        var undrawn = new List<string>();
        foreach (var trace in Items(Get(root, "data")))
        {
            string type = String(Get(trace, "type")) ?? "scatter";
            if (type is "scatter" or "scattergl")
                lines.Add(ReadScatter(trace, colorway[lines.Count % colorway.Length], xCategories, yCategories));
            else if (type == "heatmap")
                heatmaps.Add(ReadHeatmap(trace, templateHeatmapScale, xCategories, yCategories));
            else
                undrawn.Add(type);
        }

        // Log and date axes are drawn as linear ones: the picture says so rather than mislead.
        foreach (var axis in new[] { "xaxis", "yaxis" })
            if (String(Get(Get(layout, axis), "type")) is "log" or "date" && lines.Count + heatmaps.Count > 0)
                undrawn.Add($"{axis[..1]} axis type {String(Get(Get(layout, axis), "type"))} (drawn linear)");

        bool showLegend = Bool(Get(layout, "showlegend")) ?? lines.Count(l => l.ShowLegend && l.Name != null) > 1;
        return new ChartFigure(
            Text(Get(layout, "title")), ReadAxis(Get(layout, "xaxis"), xCategories), ReadAxis(Get(layout, "yaxis"), yCategories),
            (int?)Number(Get(layout, "width")) ?? DefaultWidth, (int?)Number(Get(layout, "height")) ?? DefaultHeight,
            lines, heatmaps, undrawn, showLegend,
            CssColor.Parse(String(Setting("paper_bgcolor"))) ?? new CssColor(255, 255, 255),
            CssColor.Parse(String(Setting("plot_bgcolor"))) ?? new CssColor(255, 255, 255),
            CssColor.Parse(String(Get(Get(layout, "xaxis"), "gridcolor"))) ?? CssColor.Parse(String(Get(Get(templateLayout, "xaxis"), "gridcolor")))
                ?? new CssColor(0xee, 0xee, 0xee));
    }

    private static LineTrace ReadScatter(JsonElement trace, CssColor defaultColor, List<string> xCategories, List<string> yCategories)
    {
        var y = Values(Get(trace, "y"), yCategories);
        var x = Get(trace, "x").ValueKind == JsonValueKind.Array ? Values(Get(trace, "x"), xCategories) : Evenly(trace, "x", y.Length);
        int count = Math.Min(x.Length, y.Length);
        string mode = String(Get(trace, "mode")) ?? (count <= 20 ? "lines+markers" : "lines");   // plotly.js's default
        var line = Get(trace, "line");
        var color = CssColor.Parse(String(Get(line, "color"))) ?? CssColor.Parse(String(Get(Get(trace, "marker"), "color"))) ?? defaultColor;
        return new LineTrace(String(Get(trace, "name")), x[..count], y[..count], color,
            mode.Contains("lines", StringComparison.Ordinal), mode.Contains("markers", StringComparison.Ordinal),
            Number(Get(line, "width")) ?? 2, String(Get(line, "dash")), Bool(Get(trace, "showlegend")) ?? true);
    }

    private static HeatmapTrace ReadHeatmap(JsonElement trace, JsonElement templateScale, List<string> xCategories, List<string> yCategories)
    {
        var rows = Items(Get(trace, "z")).Select(r => Values(r, null)).ToList();
        if (Bool(Get(trace, "transpose")) == true)
            rows = Enumerable.Range(0, rows.Count == 0 ? 0 : rows.Max(r => r.Length))
                .Select(c => rows.Select(r => c < r.Length ? r[c] : double.NaN).ToArray()).ToList();
        int height = rows.Count, width = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        var z = new double[height, width];
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                double value = c < rows[r].Length ? rows[r][c] : double.NaN;
                z[r, c] = value;
                if (double.IsFinite(value)) { low = Math.Min(low, value); high = Math.Max(high, value); }
            }
        double[] Coordinates(string axis, int count, List<string> categories) =>
            Get(trace, axis).ValueKind == JsonValueKind.Array ? Values(Get(trace, axis), categories) : Evenly(trace, axis, count);
        return new HeatmapTrace(String(Get(trace, "name")), Coordinates("x", width, xCategories), Coordinates("y", height, yCategories), z,
            Colorscale.From(Get(trace, "colorscale"), templateScale),
            Number(Get(trace, "zmin")) ?? (low <= high ? low : 0), Number(Get(trace, "zmax")) ?? (low <= high ? high : 1),
            Bool(Get(trace, "showscale")) ?? true, Text(Get(Get(trace, "colorbar"), "title")));
    }

    /// <summary>Coordinates a trace gives as a start and a step (<c>x0</c>, <c>dx</c>), or 0, 1, 2, … as plotly.js assumes.</summary>
    private static double[] Evenly(JsonElement trace, string axis, int count)
    {
        double start = Number(Get(trace, axis + "0")) ?? 0, step = Number(Get(trace, "d" + axis)) ?? 1;
        return Enumerable.Range(0, count).Select(i => start + i * step).ToArray();
    }

    private static Axis ReadAxis(JsonElement axis, List<string> categories)
    {
        var range = Items(Get(axis, "range")).Select(Number).ToArray();
        return new Axis(Text(Get(axis, "title")),
            range is [{ } low, { } high] ? (low, high) : null,
            categories.Count > 0 ? categories : null);
    }

    /// <summary>A property, or an undefined element when the object or the property is missing.</summary>
    private static JsonElement Get(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static IEnumerable<JsonElement> Items(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : [];

    /// <summary>A title: plain text or <c>{"text": …}</c>.</summary>
    private static string? Text(JsonElement element) => element.ValueKind == JsonValueKind.Object ? String(Get(element, "text")) : String(element);

    private static string? String(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private static bool? Bool(JsonElement element) => element.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null };

    private static double? Number(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String when double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>An array's values as numbers: null is NaN; text becomes the index of its category (plotly's category axis).</summary>
    private static double[] Values(JsonElement array, List<string>? categories)
    {
        if (array.ValueKind != JsonValueKind.Array) return [];
        var values = new double[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            values[i++] = item.ValueKind switch
            {
                JsonValueKind.Number => item.GetDouble(),
                JsonValueKind.String when categories != null => Category(item.GetString()!, categories),
                _ => double.NaN,
            };
        }
        return values;
    }

    private static double Category(string name, List<string> categories)
    {
        int index = categories.IndexOf(name);
        if (index >= 0) return index;
        categories.Add(name);
        return categories.Count - 1;
    }
}
