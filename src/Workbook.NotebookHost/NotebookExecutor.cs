using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Workbook.Notebooks;

/// <summary>How one code cell went.</summary>
/// <param name="Number">the cell's 1-based position in the notebook (markdown cells count too), as editors number them</param>
/// <param name="Error">null when the cell succeeded (or did not run)</param>
public sealed record CellOutcome(int Number, bool Ran, string? Error, double Seconds)
{
    public bool Failed => Error != null;
}

/// <summary>One notebook after execution: the notebook with its outputs (nbformat 4 JSON) and each code cell's outcome.</summary>
public sealed record NotebookExecution(string Path, JsonObject Executed, IReadOnlyList<CellOutcome> Cells, double Seconds)
{
    public int CellsRun => Cells.Count(c => c.Ran);
    public CellOutcome? FirstFailure => Cells.FirstOrDefault(c => c.Failed);
}

/// <summary>
/// Runs a notebook's C# cells, in order, in an in-process .NET Interactive kernel (a <see cref="CompositeKernel"/>
/// holding a <see cref="CSharpKernel"/> with <c>#r "nuget: …"</c> support), with the working directory set to the
/// notebook's folder as VS Code and Jupyter do. The first failing cell stops the notebook, as in Jupyter, unless
/// <c>continueAfterError</c> (for grading: every cell's outputs, even after a failure).
/// Outputs are recorded as Jupyter outputs; a displayed value that is updated later keeps only its last version.
/// </summary>
/// <remarks>
/// The kernel resolves <c>#r</c> lines in this process. Run it in a process that does not itself reference the
/// workbook's library or TorchSharp (the <c>Workbook.NotebookHost</c> program), or the notebook runs those copies
/// instead of the ones its <c>#r</c> lines name.
/// </remarks>
public static class NotebookExecutor
{
    /// <summary>The kernels notebooks may use (C# only).</summary>
    public static KernelInfoCollection KernelInfos()
    {
        var infos = new KernelInfoCollection { new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", new[] { "c#", "C#" }) };
        infos.DefaultKernelName = "csharp";
        return infos;
    }

    /// <param name="continueAfterError">run every code cell even after one fails (default: stop, as Jupyter does)</param>
    /// <param name="channel">for grading: each cell's outcome, and the check reports of the grader's check cells, go to the grader on it</param>
    public static async Task<NotebookExecution> ExecuteAsync(string notebookPath, TextWriter? progress = null, Action<JsonObject>? onCellDone = null,
        CancellationToken cancellation = default, bool continueAfterError = false, CheckChannel? channel = null)
    {
        string fullPath = System.IO.Path.GetFullPath(notebookPath);
        string json = await File.ReadAllTextAsync(fullPath, cancellation);
        var notebook = JsonNode.Parse(json)!.AsObject();
        var document = Notebook.Parse(json, KernelInfos());
        var cells = notebook["cells"]!.AsArray();
        if (cells.Count != document.Elements.Count)
            throw new InvalidDataException($"{notebookPath}: read {document.Elements.Count} cells but the file has {cells.Count}");

        string? previousDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        using var kernel = CreateKernel();
        var total = Stopwatch.StartNew();
        var outcomes = new List<CellOutcome>();
        int executionCount = 0;
        bool stopped = false;
        try
        {
            for (int i = 0; i < cells.Count; i++)
            {
                var cell = cells[i]!.AsObject();
                if ((string?)cell["cell_type"] != "code") continue;
                if (stopped)
                {
                    cell["outputs"] = new JsonArray();
                    cell["execution_count"] = null;
                    outcomes.Add(new CellOutcome(i + 1, false, null, 0));
                    continue;
                }
                var element = document.Elements[i];
                var watch = Stopwatch.StartNew();
                var result = await kernel.SendAsync(new SubmitCode(element.Contents, "csharp"), cancellation);
                watch.Stop();
                executionCount++;
                var (outputs, error) = JupyterOutputs.From(result.Events, executionCount);
                if (MissingLibraryHint.For(error) is { } hint)
                {
                    // The compiler's CS0006 names a file, not a command: say what to run, first.
                    outputs.Insert(0, new JsonObject { ["output_type"] = "stream", ["name"] = "stderr", ["text"] = JupyterOutputs.Lines(hint + "\n") });
                    error = hint + "\n" + error;
                }
                if (channel != null)
                {
                    if (CheckChannel.Role(cell) == "check")
                        foreach (string report in CheckChannel.Reports(result.Events.Select(ValueOf)))
                            channel.Send(i, ChannelMessage.CheckReport, null, report);
                    channel.Send(i, ChannelMessage.CellDone, error, null);
                }
                cell["outputs"] = outputs;
                cell["execution_count"] = executionCount;
                outcomes.Add(new CellOutcome(i + 1, true, error, watch.Elapsed.TotalSeconds));
                progress?.WriteLine($"  cell {i + 1}: {(error == null ? "ok" : "FAILED")} ({watch.Elapsed.TotalSeconds:F1} s)");
                onCellDone?.Invoke(notebook);
                if (error != null && !continueAfterError) stopped = true;
            }
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }
        return new NotebookExecution(fullPath, notebook, outcomes, total.Elapsed.TotalSeconds);
    }

    private static object? ValueOf(KernelEvent e) => e switch
    {
        DisplayedValueProduced displayed => displayed.Value,
        ReturnValueProduced returned => returned.Value,
        _ => null,
    };

    /// <summary>The kernel a notebook runs in: C# with the helpers a notebook host offers, and <c>#r "nuget:"</c>.</summary>
    public static CompositeKernel CreateKernel()
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective((k, resolved) =>
            {
                k.AddAssemblyReferences(resolved.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers()
            .UseValueSharing();
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        return composite;
    }
}
