using System.Globalization;
using Workbook.Data;
using Workbook.Training;
using Workbook.Files;
using Workbook.ModelFiles;

namespace Workbook.Cli;

/// <summary>
/// What <c>train</c> does with a run, whichever recipe trains it: one line per epoch and the history so far staged in
/// the run folder (a killed run's epochs survive as <c>interrupted-history.csv</c>); at the end either the model, the
/// history and the loss plot published together, or, for a run that diverged, its history and plot kept beside the
/// previous model under their own names and exit code 1.
/// </summary>
internal sealed class TrainingRunOutput(RunFolder run, int epochs, double identityL1)
{
    internal const string ModelName = "model.cnn", HistoryName = "history.csv", PlotName = "loss.html";

    private readonly TrainingHistory seen = new();
    private TimeSpan? beforeFirstEpoch;

    /// <summary>Reports a finished epoch (the trainer's callback).</summary>
    public void OnEpoch(EpochResult epoch, Terminal.Progress progress)
    {
        // Everything from the process's start to the first epoch's start: runtime start-up, loading, set-up.
        beforeFirstEpoch ??= ProcessWallTime() - epoch.Elapsed;
        progress.Line(EpochLine(epoch, epochs));
        progress.Done(epoch.Epoch, $"epoch {epoch.Epoch}/{epochs}, test_l1 {epoch.TestL1.ToString("F6", CultureInfo.InvariantCulture)}");
        seen.Add(epoch);
        AtomicFile.WriteAllText(run.Staged(HistoryName), seen.ToCsv());
    }

    /// <summary>Writes the run's files and its last lines; returns the exit code.</summary>
    /// <param name="saveModel">writes the model to the path it is given (called only for a run that did not diverge)</param>
    /// <param name="coefficients">the model's coefficient count, named on the final line</param>
    public int Finish(TrainingHistory finished, string plotTitle, Action<string> saveModel, long coefficients)
    {
        Console.WriteLine($"threads: {finished.ThreadChoice}");
        AtomicFile.WriteAllText(run.Staged(HistoryName), finished.ToCsv());
        if (finished.Epochs.Count > 0)
            AtomicFile.WriteAllText(run.Staged(PlotName), Workbook.Display.LossPlot.ToStandaloneHtml(finished.Epochs, plotTitle));
        string modelPath = run.Published(ModelName);
        if (finished.StopReason is string reason)
        {
            // The previous run's model, history and plot stay together; this run's history is kept beside them under its own name.
            var kept = run.Keep((HistoryName, "diverged-" + HistoryName), (PlotName, "diverged-" + PlotName));
            Console.Error.WriteLine($"workbook: {reason}. Kept {string.Join(" and ", kept)} ({finished.Epochs.Count} epochs); " +
                                    (run.Shows(ModelName) ? $"{modelPath} is the previous run's, untouched." : "no model written."));
            return 1;
        }
        saveModel(run.Staged(ModelName));
        var written = run.Publish(HistoryName, PlotName, ModelName);
        var final = finished.Final!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"final test_l1 {final.TestL1:F6} ({(final.TestL1 < identityL1 ? "below" : "NOT below")} the identity's {identityL1:F6}); " +
            $"total {ProcessWallTime().TotalSeconds:F1} s (the process's wall time; {beforeFirstEpoch?.TotalSeconds ?? 0:F1} s of it before the first epoch, " +
            $"{finished.Epochs.Sum(e => e.Elapsed.TotalSeconds):F1} s in {finished.Epochs.Count} epochs); {coefficients} coefficients"));
        Console.WriteLine($"wrote {string.Join(", ", written)}");
        return 0;
    }

    /// <summary>Wall time since this process started (the kernel's start time, so the runtime's own start-up is included).</summary>
    internal static TimeSpan ProcessWallTime()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return DateTime.Now - self.StartTime;
    }

    /// <summary>One epoch as one line: <c>epoch  6/20  train_l1 …  test_l1 …  train_mse …  test_mse …  (0.66 s)</c>.</summary>
    internal static string EpochLine(EpochResult e, int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {e.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(epochs.ToString(CultureInfo.InvariantCulture).Length)}/{epochs}  " +
        $"train_l1 {e.TrainL1:F6}  test_l1 {e.TestL1:F6}  train_mse {e.TrainMse:E3}  test_mse {e.TestMse:E3}  ({e.Elapsed.TotalSeconds:F2} s)");
}
