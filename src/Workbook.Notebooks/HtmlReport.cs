using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Markdig;
using Workbook.Display;

namespace Workbook.Notebooks;

/// <summary>
/// Writes an executed notebook as one self-contained HTML page: prose, code, outputs (plots, audio players, tables),
/// with plotly.js inline once, so the page works with no network.
/// </summary>
public static class HtmlReport
{
    private static readonly MarkdownPipeline markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    private const string Style = """
body { font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 0.9em; }
pre.code { border-left: 3px solid #1f77b4; }
pre.stream { background: #fff; border-left: 3px solid #ccc; }
pre.error { background: #fdecea; border-left: 3px solid #d62728; }
.cell { margin: 1em 0; }
.prompt { color: #888; font-size: 0.8em; font-family: monospace; }
.status-ok { color: #2ca02c; } .status-failed { color: #d62728; font-weight: bold; }
.math { font-family: 'Latin Modern Math', 'STIX Two Math', serif; }
table.index td, table.index th { padding: 2px 10px; text-align: left; }
""";

    /// <summary>The page for one executed notebook.</summary>
    /// <param name="status">a line saying how the run went, shown at the top</param>
    public static string Page(string title, JsonObject notebook, string status, bool failed)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p><a href=\"index.html\">All notebooks</a> · <span class=\"{(failed ? "status-failed" : "status-ok")}\">{Html.Encode(status)}</span></p>\n");
        foreach (var node in notebook["cells"]?.AsArray() ?? new JsonArray())
        {
            var cell = node!.AsObject();
            string source = JupyterOutputs.Join(cell["source"]);
            switch ((string?)cell["cell_type"])
            {
                case "markdown":
                    body.Append("<div class=\"cell markdown\">").Append(Markdown.ToHtml(source, markdown)).Append("</div>\n");
                    break;
                case "code":
                    var count = cell["execution_count"];
                    body.Append("<div class=\"cell code-cell\"><div class=\"prompt\">In [").Append(count?.ToString() ?? " ").Append("]:</div>");
                    body.Append("<pre class=\"code\"><code class=\"language-csharp\">").Append(Html.Encode(source)).Append("</code></pre>\n");
                    foreach (var output in cell["outputs"]?.AsArray() ?? new JsonArray())
                        body.Append(Output(output!.AsObject()));
                    body.Append("</div>\n");
                    break;
                default:
                    body.Append("<pre>").Append(Html.Encode(source)).Append("</pre>\n");
                    break;
            }
        }
        string content = body.ToString();
        bool needsPlotly = content.Contains(PlotlyHtml.ChartClass, StringComparison.Ordinal);
        bool needsMath = content.Contains("class=\"math\"", StringComparison.Ordinal);
        return Document(title, content, needsPlotly, needsMath);
    }

    /// <summary>One output as HTML: rich HTML as it is, images inline, text in a <c>pre</c>.</summary>
    public static string Output(JsonObject output)
    {
        switch ((string?)output["output_type"])
        {
            case "stream":
                return $"<pre class=\"stream {(string?)output["name"]}\">{Html.Encode(JupyterOutputs.Join(output["text"]))}</pre>\n";
            case "error":
                string traceback = JupyterOutputs.Join(new JsonArray((output["traceback"]?.AsArray() ?? new JsonArray()).Select(n => (JsonNode?)JsonValue.Create((string?)n + "\n")).ToArray()));
                return $"<pre class=\"error\">{Html.Encode((string?)output["ename"] + ": " + (string?)output["evalue"])}\n{Html.Encode(traceback)}</pre>\n";
            case "display_data":
            case "execute_result":
                var data = output["data"]?.AsObject();
                if (data == null) return "";
                if (data["text/html"] is { } html) return $"<div class=\"output\">{JupyterOutputs.Join(html)}</div>\n";
                if (data["image/svg+xml"] is { } svg) return $"<div class=\"output\">{JupyterOutputs.Join(svg)}</div>\n";
                if (data["image/png"] is { } png) return $"<div class=\"output\"><img src=\"data:image/png;base64,{JupyterOutputs.Join(png).Trim()}\"></div>\n";
                if (data["text/markdown"] is { } md) return $"<div class=\"output\">{Markdown.ToHtml(JupyterOutputs.Join(md), markdown)}</div>\n";
                if (data["text/plain"] is { } text) return $"<pre class=\"output\">{Html.Encode(JupyterOutputs.Join(text))}</pre>\n";
                return "";
            default:
                return "";
        }
    }

    /// <summary>The index page: one row per notebook with its status and links.</summary>
    public static string Index(IEnumerable<NotebookReport> reports)
    {
        var rows = new StringBuilder("<table class=\"index\"><tr><th>notebook</th><th>cells run</th><th>seconds</th><th>status</th><th>executed notebook</th></tr>\n");
        foreach (var r in reports)
        {
            string name = WebUtility.UrlEncode(r.Name).Replace("+", "%20", StringComparison.Ordinal);
            rows.Append(CultureInfo.InvariantCulture,
                $"<tr><td><a href=\"{name}.html\">{Html.Encode(r.Name)}</a></td><td>{r.CellsRun}</td><td>{r.Seconds:F1}</td>" +
                $"<td class=\"{(r.Succeeded ? "status-ok" : "status-failed")}\">{Html.Encode(r.Status)}</td><td><a href=\"{name}.ipynb\">{Html.Encode(r.Name)}.ipynb</a></td></tr>\n");
        }
        rows.Append("</table>\n");
        return Document("Workbook notebooks", rows.ToString(), includePlotly: false, includeMath: false);
    }

    private static string Document(string title, string body, bool includePlotly, bool includeMath) => $"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{Html.Encode(title)}</title>
<style>{Style}</style>
{(includeMath ? MathRendering.HeadElements() : "")}
{(includePlotly ? PlotlyHtml.ScriptTag() : "")}
</head>
<body>
<h1 class="notebook-title">{Html.Encode(title)}</h1>
{body}
</body>
</html>
""";
}
