using System.Globalization;
using System.Text;

namespace Workbook.Display;

/// <summary>A small table with a header row, shown as an HTML table in notebooks and as aligned text elsewhere.</summary>
public sealed class Table
{
    public const string CssClass = "workbook-table";

    public Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows, string? caption = null)
    {
        Headers = headers;
        Rows = rows.Select(r => (IReadOnlyList<string>)r.Select(Format).ToArray()).ToList();
        foreach (var row in Rows)
            if (row.Count != headers.Count) throw new ArgumentException($"a row has {row.Count} cells but there are {headers.Count} headers", nameof(rows));
        Caption = caption;
    }

    /// <summary>Builds a table from headers and rows of values.</summary>
    public static Table Of(string[] headers, params object?[][] rows) => new(headers, rows);

    public IReadOnlyList<string> Headers { get; }

    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    public string? Caption { get; }

    /// <summary>Numbers with 4 significant digits (6 decimals for small ones), in the invariant culture.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        double d => FormatNumber(d),
        float f => FormatNumber(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string FormatNumber(double d) =>
        !double.IsFinite(d) ? d.ToString(CultureInfo.InvariantCulture)
        : Math.Abs(d) >= 1e5 || (d != 0 && Math.Abs(d) < 1e-4) ? d.ToString("0.####e+0", CultureInfo.InvariantCulture)
        : d.ToString("0.######", CultureInfo.InvariantCulture);

    public string ToHtml()
    {
        var html = new StringBuilder($"<table class=\"{CssClass}\" style=\"border-collapse:collapse;font-family:sans-serif\">");
        if (Caption != null) html.Append("<caption>").Append(Html.Encode(Caption)).Append("</caption>");
        html.Append("<thead><tr>");
        foreach (var h in Headers) html.Append("<th style=\"border-bottom:1px solid #888;padding:2px 8px;text-align:left\">").Append(Html.Encode(h)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td style=\"padding:2px 8px\">").Append(Html.Encode(cell)).Append("</td>");
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    public override string ToString()
    {
        var widths = Headers.Select((h, i) => Math.Max(h.Length, Rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder();
        if (Caption != null) text.AppendLine(Caption);
        text.AppendLine(string.Join("  ", Headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in Rows) text.AppendLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        return text.ToString();
    }
}
