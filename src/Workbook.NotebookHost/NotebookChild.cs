using System.Text.Json;

namespace Workbook.Notebooks;

/// <summary>What the child process reports about one notebook (written as JSON to the outcome file).</summary>
/// <param name="FailedCell">the first failing cell's 1-based number, or null</param>
/// <param name="Error">that cell's error message, or null</param>
public sealed record NotebookOutcome(int CellsRun, int? FailedCell, string? Error);

/// <summary>
/// The child's side of a headless run: executes one notebook in this process, saving the executed notebook after
/// every cell (so a notebook stopped for running too long keeps what it showed) and the outcome at the end.
/// </summary>
public static class NotebookChild
{
    /// <summary>Notebook JSON as Jupyter writes it: indented by one space.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = true, IndentSize = 1, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <returns>0 when every cell ran without error, 1 otherwise</returns>
    public static async Task<int> ExecuteAsync(string notebook, string executedPath, string outcomePath, TextWriter progress, bool continueAfterError = false,
        CheckChannel? channel = null)
    {
        var execution = await NotebookExecutor.ExecuteAsync(notebook, progress,
            onCellDone: executed => File.WriteAllText(executedPath, executed.ToJsonString(JsonOptions)),
            continueAfterError: continueAfterError, channel: channel);
        await File.WriteAllTextAsync(executedPath, execution.Executed.ToJsonString(JsonOptions));
        var failure = execution.FirstFailure;
        await File.WriteAllTextAsync(outcomePath, JsonSerializer.Serialize(new NotebookOutcome(execution.CellsRun, failure?.Number, failure?.Error)));
        return failure == null ? 0 : 1;
    }
}
