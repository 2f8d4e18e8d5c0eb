namespace Workbook;

/// <summary>What a notebook's setup cell calls: <c>Workbook.Notebook.Setup()</c>.</summary>
public static class Notebook
{
    /// <summary>Applies the FSharp.Core fix, loads libtorch and registers the display formatters; says which library is loaded.</summary>
    public static string Setup() => Display.NotebookSetup.Register();
}
