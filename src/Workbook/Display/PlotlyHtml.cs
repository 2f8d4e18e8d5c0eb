using System.Reflection;
using Plotly.NET;
using Workbook.Display.StaticCharts;

namespace Workbook.Display;

/// <summary>
/// Plotly charts as HTML fragments that work in a notebook and in an offline report. A fragment draws its
/// chart with the page's <c>window.Plotly</c> when there is one (the report includes plotly.js once, inline,
/// with <see cref="ScriptTag"/>), and otherwise loads plotly.js from its CDN first (VS Code and Jupyter).
/// </summary>
public static class PlotlyHtml
{
    /// <summary>The CSS class of every chart's <c>div</c>, for tests and styling.</summary>
    public const string ChartClass = "workbook-plotly";

    /// <summary>The version of plotly.js that Plotly.NET ships.</summary>
    public static string PlotlyJsVersion { get; } = FindVersion();

    /// <summary>The address a notebook loads plotly.js from when its page has none.</summary>
    public static string CdnAddress => $"https://cdn.plot.ly/plotly-{PlotlyJsVersion}.min.js";

    /// <summary>plotly.js itself (minified, about 3.5 MB), read from Plotly.NET's embedded copy.</summary>
    public static string PlotlyJs => plotlyJs.Value;

    private static readonly Lazy<string> plotlyJs = new(() =>
    {
        var assembly = typeof(GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>A <c>&lt;script&gt;</c> element holding all of plotly.js: include it once per page, before any chart.</summary>
    public static string ScriptTag() => "<script type=\"text/javascript\">" + PlotlyJs.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase) + "</script>";

    /// <summary>The CSS class of the static picture inside a chart's <c>div</c>, shown until plotly.js has drawn the chart.</summary>
    public const string StaticPictureClass = "workbook-plotly-static";

    /// <summary>
    /// A <c>div</c> and a script that draws <paramref name="chart"/> into it. The <c>div</c> starts with the chart's static
    /// SVG picture (<see cref="StaticChart"/>) as an image, which the script removes once plotly.js has drawn: where
    /// scripts do not run (GitHub, an untrusted notebook, whose HTML JupyterLab sanitizes) or plotly.js cannot be
    /// loaded (offline), the picture stays.
    /// </summary>
    public static string Fragment(GenericChart chart) => Fragment(FigureJson(chart));

    /// <summary>The same for a plotly.js figure given as JSON (<c>{"data": …, "layout": …}</c>).</summary>
    public static string Fragment(string figureJson)
    {
        string figure = Html.ScriptSafe(figureJson);
        string picture = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(StaticChart.Svg(figureJson)));
        string id = "plot-" + Guid.NewGuid().ToString("N");
        return $$"""
<div id="{{id}}" class="{{ChartClass}}"><img class="{{StaticPictureClass}}" alt="chart (static picture)" src="data:{{StaticChart.MimeType}};base64,{{picture}}"></div>
<script type="text/javascript">
(function () {
  var figure = {{figure}};
  var draw = function () {
    var still = document.querySelector('#{{id}} > img.{{StaticPictureClass}}');
    window.Plotly.newPlot('{{id}}', figure.data, figure.layout, { responsive: true }).then(function () { if (still) still.remove(); });
  };
  if (window.Plotly) { draw(); return; }
  var script = document.createElement('script');
  script.src = '{{CdnAddress}}';
  script.onload = draw;
  document.head.appendChild(script);
})();
</script>
""";
    }

    /// <summary>
    /// The chart's figure JSON (what plotly.js draws). Plotly.NET's serialization takes a good part of a second here
    /// (its templates and dynamic objects), and a displayed chart needs it twice, for its HTML and for its static
    /// picture: it is made once per chart object.
    /// </summary>
    public static string FigureJson(GenericChart chart) => figureJsons.GetValue(chart, GenericChart.toFigureJson);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<GenericChart, string> figureJsons = new();

    /// <summary>
    /// A <c>div</c> and a script that draws a plotly.js figure (<c>{"data": …, "layout": …}</c> JSON) with the page's
    /// plotly.js, for pages that include it (<see cref="Page"/>): no fallback to the CDN, and no Plotly.NET.
    /// </summary>
    public static string InlineFigure(string figureJson)
    {
        string id = "plot-" + Guid.NewGuid().ToString("N");
        return $$"""
<div id="{{id}}" class="{{ChartClass}}"></div>
<script type="text/javascript">
(function () {
  var figure = {{Html.ScriptSafe(figureJson)}};
  window.Plotly.newPlot('{{id}}', figure.data, figure.layout, { responsive: true });
})();
</script>
""";
    }

    /// <summary>A complete page with plotly.js inline: opens without a network.</summary>

    public static string StandalonePage(string title, params GenericChart[] charts) =>
        Page(title, string.Join("\n", charts.Select(Fragment)));

    /// <summary>A complete page around <paramref name="body"/>, with plotly.js inline once.</summary>
    public static string Page(string title, string body) => $"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{Html.Encode(title)}</title>
{ScriptTag()}
</head>
<body>
<h1>{Html.Encode(title)}</h1>
{body}
</body>
</html>
""";

    private static string FindVersion()
    {
        var globals = typeof(GenericChart).Assembly.GetTypes().FirstOrDefault(t => t.Name == "Globals");
        var field = globals?.GetField("PLOTLYJS_VERSION", BindingFlags.Public | BindingFlags.Static);
        return field?.GetValue(null) as string ?? "2.28.0";
    }
}
