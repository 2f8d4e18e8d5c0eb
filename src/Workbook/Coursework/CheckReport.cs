using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Workbook.Display;

namespace Workbook.Coursework;

/// <summary>
/// What one check cell found for one exercise: one line per property. In a notebook it shows as a short list
/// (green ✓, red ✗ with the problem); the grader reads the same report from the executed notebook, where the
/// formatter also stores it as JSON under <see cref="MimeType"/>.
/// </summary>
public sealed record CheckReport(string Exercise, bool Hidden, IReadOnlyList<PropertyResult> Results, string? NotImplemented)
{
    /// <summary>The MIME type under which a notebook output carries the report for the grader.</summary>
    public const string MimeType = "application/vnd.workbook.check+json";

    public const string CssClass = "workbook-check";

    /// <summary>True when at least one property was checked and every one holds.</summary>
    public bool Passed => Results.Count > 0 && Results.All(r => r.Passed);

    public int PassedCount => Results.Count(r => r.Passed);

    private string Heading =>
        NotImplemented != null ? $"Exercise {Exercise}{(Hidden ? " (further checks)" : "")}: not implemented yet ({NotImplemented})"
        : $"Exercise {Exercise}{(Hidden ? " (further checks)" : "")}: {PassedCount} of {Results.Count} properties hold{(Passed ? " — well done" : "")}";

    /// <summary>One line per property under a heading, as printed outside a notebook.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Heading).Append('\n');
        if (NotImplemented == null)
            foreach (var r in Results) text.Append("  ").Append(r).Append('\n');
        return text.ToString().TrimEnd('\n');
    }

    public string ToHtml()
    {
        var html = new StringBuilder($"<div class=\"{CssClass}\" style=\"font-family:sans-serif\"><b>{Html.Encode(Heading)}</b>");
        if (NotImplemented == null)
        {
            html.Append("<ul style=\"list-style:none;padding-left:1em;margin:0.3em 0\">");
            foreach (var r in Results)
                html.Append(r.Passed
                    ? $"<li><span style=\"color:#2ca02c\">✓</span> {Html.Encode(r.Property)}</li>"
                    : $"<li><span style=\"color:#d62728\">✗</span> {Html.Encode(r.Property)}: <i>{Html.Encode(r.Problem ?? "")}</i></li>");
            html.Append("</ul>");
        }
        return html.Append("</div>").ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static CheckReport FromJson(string json) =>
        JsonSerializer.Deserialize<CheckReport>(json, JsonOptions) ?? throw new JsonException("an empty check report");

    private static readonly JsonSerializerOptions JsonOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };
}
