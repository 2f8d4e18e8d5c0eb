using System.Text;
using System.Text.RegularExpressions;

namespace Workbook.Notebooks;

/// <summary>
/// Typesets the notebooks' LaTeX in the HTML report with KaTeX, inline (script, style and fonts as data URIs), so
/// the page needs no network. KaTeX comes from Debian's libjs-katex (installed by scripts/install-prerequisites.sh)
/// or from the folder named by <c>WORKBOOK_KATEX_DIR</c>; without it the page shows the TeX source.
/// </summary>
public static class MathRendering
{
    /// <summary>An environment variable naming a folder with katex.min.js, katex.min.css, fonts/ and contrib/auto-render.js.</summary>
    public const string DirectoryVariable = "WORKBOOK_KATEX_DIR";

    private static readonly Lazy<string?> head = new(Build);

    /// <summary>The folder KaTeX is read from, or null when there is none.</summary>
    public static string? KatexDirectory =>
        new[] { Environment.GetEnvironmentVariable(DirectoryVariable), "/usr/share/javascript/katex" }
            .FirstOrDefault(d => !string.IsNullOrEmpty(d) && File.Exists(Path.Combine(d, "katex.min.js")) && File.Exists(Path.Combine(d, "contrib", "auto-render.js")));

    /// <summary>The elements to put in a page's head to typeset its math, or "" when KaTeX is not installed.</summary>
    public static string HeadElements() => head.Value ?? "";

    private static string? Build()
    {
        string? dir = KatexDirectory;
        if (dir == null) return null;
        string css = File.ReadAllText(Path.Combine(dir, "katex.min.css"));
        // Keep one source per font, the woff2 file, as a data URI.
        css = Regex.Replace(css, @",url\(fonts/[^)]+\.(?:woff|ttf)\) format\('[a-z]+'\)", "");
        css = Regex.Replace(css, @"url\(fonts/([^)]+\.woff2)\)", m =>
        {
            string font = Path.Combine(dir, "fonts", m.Groups[1].Value);
            return File.Exists(font) ? $"url(data:font/woff2;base64,{Convert.ToBase64String(File.ReadAllBytes(font))})" : m.Value;
        });
        var html = new StringBuilder();
        html.Append("<style>").Append(css).Append("</style>\n");
        html.Append("<script>").Append(ScriptSafe(File.ReadAllText(Path.Combine(dir, "katex.min.js")))).Append("</script>\n");
        html.Append("<script>").Append(ScriptSafe(File.ReadAllText(Path.Combine(dir, "contrib", "auto-render.js")))).Append("</script>\n");
        // Markdig writes math as \( … \) and \[ … \] inside elements of class "math".
        html.Append("""
<script>
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('.math').forEach(function (element) {
    renderMathInElement(element, { delimiters: [ { left: '\\[', right: '\\]', display: true }, { left: '\\(', right: '\\)', display: false } ], throwOnError: false });
  });
});
</script>
""");
        return html.ToString();
    }

    private static string ScriptSafe(string script) => script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
}
