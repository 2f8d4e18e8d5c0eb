using Plotly.NET;

namespace Workbook.Display.StaticCharts;

/// <summary>
/// A Plotly chart as a static SVG picture, for the places that do not run a notebook's scripts: GitHub, nbviewer
/// without network, JupyterLab with an untrusted notebook, VS Code offline. Drawn from the same figure JSON that
/// plotly.js draws the interactive chart from; line, marker and heatmap traces (what the notebooks plot) are drawn,
/// any other kind is named in a note on the picture. In-process and a few milliseconds a chart: no browser.
/// </summary>
public static class StaticChart
{
    /// <summary>The MIME type a notebook output carries the picture under.</summary>
    public const string MimeType = "image/svg+xml";

    /// <summary>The chart as an SVG document.</summary>
    public static string Svg(GenericChart chart) => Svg(PlotlyHtml.FigureJson(chart));

    /// <summary>A Plotly figure (<c>{"data": […], "layout": {…}}</c>) as an SVG document.</summary>
    public static string Svg(string figureJson) => SvgChartWriter.Write(ChartFigure.Read(figureJson), figureJson);
}
