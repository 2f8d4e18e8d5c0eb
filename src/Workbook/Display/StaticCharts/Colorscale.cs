using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbook.Display.StaticCharts;

/// <summary>
/// A heatmap's colour scale: colours at positions 0…1, linearly interpolated between, as plotly.js does. Named
/// scales ("Viridis", "RdBu", …) are read from plotly.js itself (the copy Plotly.NET embeds), so a static heatmap
/// has the interactive one's colours.
/// </summary>
internal sealed partial class Colorscale(IReadOnlyList<(double Position, CssColor Color)> stops)
{
    public IReadOnlyList<(double Position, CssColor Color)> Stops { get; } = stops;

    /// <summary>plotly.js's default when a trace names no scale (<c>defaultScale</c> in its colorscale module).</summary>
    public const string DefaultName = "RdBu";

    /// <summary>The colour at <paramref name="t"/> in 0…1 (clamped).</summary>
    public CssColor At(double t)
    {
        t = Math.Clamp(t, 0, 1);
        for (int i = 1; i < Stops.Count; i++)
            if (t <= Stops[i].Position)
            {
                var (p0, c0) = Stops[i - 1];
                var (p1, c1) = Stops[i];
                return CssColor.Lerp(c0, c1, p1 > p0 ? (t - p0) / (p1 - p0) : 0);
            }
        return Stops[^1].Color;
    }

    /// <summary>
    /// A trace's <c>colorscale</c>: a name, or an array of <c>[position, colour]</c> pairs; null or an unknown name
    /// gives <paramref name="fallback"/> (a template's scale) or plotly.js's default.
    /// </summary>
    public static Colorscale From(JsonElement scale, JsonElement fallback = default)
    {
        if (scale.ValueKind == JsonValueKind.String && Named.Value.TryGetValue(scale.GetString()!, out var named)) return named;
        if (scale.ValueKind == JsonValueKind.Array && FromPairs(JsonNode.Parse(scale.GetRawText())!.AsArray()) is { } pairs) return pairs;
        if (fallback.ValueKind != JsonValueKind.Undefined) return From(fallback);
        return Named.Value.TryGetValue(DefaultName, out var byDefault) ? byDefault : Greys;
    }

    /// <summary>Black to white, used only if plotly.js's table cannot be read.</summary>
    public static Colorscale Greys { get; } = new([(0, new CssColor(0, 0, 0)), (1, new CssColor(255, 255, 255))]);

    /// <summary>plotly.js's named scales, by name (empty if its table is not where this version keeps it).</summary>
    public static IReadOnlyDictionary<string, Colorscale> NamedScales => Named.Value;

    private static Colorscale? FromPairs(JsonArray array)
    {
        var stops = new List<(double, CssColor)>();
        foreach (var pair in array)
        {
            if (pair is not JsonArray { Count: 2 } p || CssColor.Parse((string?)p[1]) is not { } color) return null;
            stops.Add(((double)p[0]!, color));
        }
        return stops.Count >= 2 ? new Colorscale(stops) : null;
    }

    private static readonly Lazy<Dictionary<string, Colorscale>> Named = new(ReadPlotlyJsScales);

    /// <summary>
    /// plotly.js keeps its named scales as one object literal, <c>{Greys:[[0,"rgb(0,0,0)"],[1,"rgb(255,255,255)"]],…}</c>,
    /// in its minified source; turned into JSON (names quoted, <c>.5</c> written <c>0.5</c>) it parses.
    /// </summary>
    private static Dictionary<string, Colorscale> ReadPlotlyJsScales()
    {
        var scales = new Dictionary<string, Colorscale>(StringComparer.Ordinal);
        string js = PlotlyHtml.PlotlyJs;
        int start = js.IndexOf("{Greys:[[", StringComparison.Ordinal);
        if (start < 0) return scales;
        int end = js.IndexOf("]]}", start, StringComparison.Ordinal);
        if (end < 0) return scales;
        string literal = js[start..(end + 3)];
        string json = LeadingDot().Replace(Name().Replace(literal, m => $"{m.Groups[1].Value}\"{m.Groups[2].Value}\":"), "${1}0.");
        try
        {
            foreach (var (name, pairs) in JsonNode.Parse(json)!.AsObject())
                if (pairs is JsonArray array && FromPairs(array) is { } scale) scales[name] = scale;
        }
        catch (JsonException) { }   // a future plotly.js laid out differently: named scales fall back to Greys
        return scales;
    }

    [GeneratedRegex(@"([{,])([A-Za-z]\w*):")]
    private static partial Regex Name();

    [GeneratedRegex(@"([\[,])\.")]
    private static partial Regex LeadingDot();

    public override string ToString() => string.Join(", ", Stops.Select(s => $"{s.Position.ToString(CultureInfo.InvariantCulture)} {s.Color.Hex}"));
}
