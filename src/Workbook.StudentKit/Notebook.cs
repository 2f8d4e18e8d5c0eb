using Workbook.Hosting;

namespace Workbook;

/// <summary>What a kit notebook's setup cell calls: <c>Workbook.Notebook.Setup()</c>.</summary>
public static class Notebook
{
    /// <summary>
    /// Prepares this notebook for the workbook: the FSharp.Core fix, TorchSharp's own native libraries, the display
    /// formatters. Returns one line saying which Workbook.dll and libtorch are loaded. Safe to run more than once.
    /// </summary>
    public static string Setup() => NotebookSetup.Register();
}
