using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbook.Display.StaticCharts;

/// <summary>An RGB colour with opacity, read from the CSS forms Plotly figures use: <c>#rrggbb</c>, <c>#rgb</c>, <c>rgb(…)</c>, <c>rgba(…)</c>.</summary>
internal readonly partial record struct CssColor(byte R, byte G, byte B, double Opacity = 1)
{
    public static CssColor? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (text[0] == '#' && (text.Length == 7 || text.Length == 4) && text[1..].All(Uri.IsHexDigit))
        {
            string hex = text.Length == 7 ? text[1..] : string.Concat(text[1..].Select(c => new string(c, 2)));
            return new CssColor(Convert.ToByte(hex[..2], 16), Convert.ToByte(hex[2..4], 16), Convert.ToByte(hex[4..], 16));
        }
        var match = Functional().Match(text);
        if (!match.Success) return Named.TryGetValue(text, out var named) ? named : null;
        var parts = match.Groups[1].Value.Split(',').Select(p => double.Parse(p.Trim(), CultureInfo.InvariantCulture)).ToArray();
        if (parts.Length < 3) return null;
        static byte Channel(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);
        return new CssColor(Channel(parts[0]), Channel(parts[1]), Channel(parts[2]), parts.Length > 3 ? Math.Clamp(parts[3], 0, 1) : 1);
    }

    public string Hex => $"#{R:x2}{G:x2}{B:x2}";

    public static CssColor Lerp(CssColor a, CssColor b, double t) => new(
        (byte)Math.Round(a.R + (b.R - a.R) * t), (byte)Math.Round(a.G + (b.G - a.G) * t), (byte)Math.Round(a.B + (b.B - a.B) * t),
        a.Opacity + (b.Opacity - a.Opacity) * t);

    // The few colour names a figure is likely to carry; anything else falls back to the trace's default colour.
    private static readonly Dictionary<string, CssColor> Named = new(StringComparer.OrdinalIgnoreCase)
    {
        ["black"] = new(0, 0, 0), ["white"] = new(255, 255, 255), ["red"] = new(255, 0, 0), ["green"] = new(0, 128, 0),
        ["blue"] = new(0, 0, 255), ["gray"] = new(128, 128, 128), ["grey"] = new(128, 128, 128), ["orange"] = new(255, 165, 0),
        ["purple"] = new(128, 0, 128), ["transparent"] = new(0, 0, 0, 0),
    };

    [GeneratedRegex(@"^rgba?\(([^)]*)\)$", RegexOptions.IgnoreCase)]
    private static partial Regex Functional();
}
