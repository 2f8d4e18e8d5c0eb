using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using Workbook.Display.StaticCharts;
using Workbook.Display;

namespace Workbook.Hosting;

/// <summary>
/// What every notebook's setup cell calls (through <see cref="Workbook.Notebook.Setup"/>): the FSharp.Core fix,
/// TorchSharp's native libraries, then display formatters for Plotly charts, audio clips and panels, tables and
/// source code. Safe to call more than once.
/// </summary>
public static class NotebookSetup
{
    private static bool fsharpFixInstalled;

    /// <summary>
    /// Applies the FSharp.Core fix, loads libtorch and registers the formatters. Returns a one-line summary:
    /// which Workbook.dll is loaded (the one the notebook's <c>#r</c> names) and where libtorch came from.
    /// </summary>
    public static string Register()
    {
        InstallFSharpCoreFix();
        string libTorch = LoadTorch();
        RegisterFormatters();
        return $"Workbook {typeof(NotebookSetup).Assembly.GetName().Version} loaded from {typeof(NotebookSetup).Assembly.Location}; " +
               $"libtorch from {libTorch}; display formatters registered.";
    }

    /// <summary>
    /// Plotly.NET 6 asks for FSharp.Core 10.1.0.0 while the notebook hosts ship FSharp.Core 10.0.x. When the
    /// runtime cannot find the version asked for, hand back the FSharp.Core that is already loaded.
    /// Must run before any Plotly.NET type is touched (this method touches none).
    /// </summary>
    public static void InstallFSharpCoreFix()
    {
        if (fsharpFixInstalled) return;
        fsharpFixInstalled = true;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name == "FSharp.Core"
                ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core")
                : null;
    }

    /// <summary>
    /// Loads libtorch now: TorchSharp's own files by path first (<see cref="TorchNativeLibraries"/>: a system libtorch,
    /// such as Debian's python3-torch, would otherwise be found first), then TorchSharp's initialisation. TorchSharp
    /// finds its native libraries when <c>torch</c> is first used; a cell whose first TorchSharp call builds a module
    /// would otherwise call into a library that was never loaded.
    /// </summary>
    /// <returns>the folder libtorch was loaded from, or how TorchSharp found it</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string LoadTorch()
    {
        string? folder = TorchNativeLibraries.Preload();
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
        return folder ?? "TorchSharp's own search";
    }

    /// <summary>What a displayed chart carries: its interactive HTML and its static picture.</summary>
    public static string[] ChartMimeTypes => ["text/html", StaticChart.MimeType];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterFormatters()
    {
        const string html = "text/html";
        // A chart carries its interactive HTML and a static SVG picture in one output, so it shows wherever the notebook is
        // opened: a host that runs scripts shows the HTML, one that does not (GitHub, untrusted JupyterLab) the picture.
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(PlotlyHtml.Fragment(chart)), html);
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(StaticChart.Svg(chart)), StaticChart.MimeType);
        Formatter.Register<AudioClip>((clip, writer) => writer.Write(clip.ToHtml()), html);
        Formatter.Register<AudioPanel>((panel, writer) => writer.Write(panel.ToHtml()), html);
        Formatter.Register<Table>((table, writer) => writer.Write(table.ToHtml()), html);
        Formatter.Register<SourceCode>((source, writer) => writer.Write(source.ToHtml()), html);
        Formatter.SetPreferredMimeTypesFor(typeof(GenericChart), ChartMimeTypes);
        Formatter.Register<LossFigure>((figure, writer) => writer.Write(PlotlyHtml.Fragment(figure.FigureJson)), html);
        Formatter.Register<LossFigure>((figure, writer) => writer.Write(StaticChart.Svg(figure.FigureJson)), StaticChart.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(LossFigure), ChartMimeTypes);
        foreach (var type in new[] { typeof(AudioClip), typeof(AudioPanel), typeof(Table), typeof(SourceCode) })
            Formatter.SetPreferredMimeTypesFor(type, html);
        // A check report shows as a list, and carries itself as JSON for the grader, which reads executed notebooks.
        Formatter.Register<Coursework.CheckReport>((report, writer) => writer.Write(report.ToHtml()), html);
        Formatter.Register<Coursework.CheckReport>((report, writer) => writer.Write(report.ToString()), "text/plain");
        Formatter.Register<Coursework.CheckReport>((report, writer) => writer.Write(report.ToJson()), Coursework.CheckReport.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(Coursework.CheckReport), html, "text/plain", Coursework.CheckReport.MimeType);
    }
}
