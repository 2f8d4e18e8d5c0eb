using System.Globalization;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Training;

namespace Workbook.Cli;

/// <summary>
/// <c>train --recipe improved</c>: notebook 05's recipe (<see cref="ImprovedRecipe"/>) with the lab recipe's run folder,
/// lines and files: one line per epoch, then <c>model.cnn</c> (an improved-CNN model file), <c>history.csv</c> and
/// <c>loss.html</c>, all three together, or the diverged run's history beside the previous model.
/// </summary>
internal static class ImprovedTraining
{
    public static int Run(string? data, ImprovedTrainingOptions options, int testCount, string output)
    {
        UsageException.Checked(options.ResolveDevice);
        UsageException.Checked(() => new ImprovedRecipe(options));
        using var run = RunFolder.Open(output);
        using var clips = DataSource.Load(data);
        var (train, test) = DataSplit.Split(clips, testCount, options.Seed);
        using var _ = train;
        using var __ = test;
        // Fresh noise needs the bundled set's seeds; other data are trained on as they are.
        var fresh = data == null && options.FreshNoiseEachEpoch ? FreshNoise.ForBundledSplit(testCount, options.Seed) : null;
        double identity = EvaluationTable.Score(test, [new IdentityDenoiser()])[0].L1;
        Console.WriteLine($"data: {clips}; {train.Count} train, {test.Count} test{(fresh == null && options.FreshNoiseEachEpoch ? " (not the bundled set: no fresh noise)" : "")}");
        Console.WriteLine($"recipe improved: {options}, {options.Device}; {options.Network.ParameterCount} coefficients");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"identity baseline (output = noisy input): test_l1 {identity:F6}"));

        var history = new TrainingHistory();
        TimeSpan? beforeFirstEpoch = null;
        var (model, finished) = Terminal.WithProgress($"training, {options.Epochs} epochs", options.Epochs, progress =>
            new ImprovedRecipe(options).Train(train, test, fresh, epoch =>
            {
                beforeFirstEpoch ??= TrainCommand.ProcessWallTime() - epoch.Elapsed;
                progress.Line(TrainCommand.EpochLine(epoch, options.Epochs));
                progress.Done(epoch.Epoch, $"epoch {epoch.Epoch}/{options.Epochs}, test_l1 {epoch.TestL1.ToString("F6", CultureInfo.InvariantCulture)}");
                history.Add(epoch);
                AtomicFile.WriteAllText(run.Staged(TrainCommand.HistoryName), history.ToCsv());
            }));
        using var ___ = model;
        Console.WriteLine($"threads: {finished.ThreadChoice}");
        AtomicFile.WriteAllText(run.Staged(TrainCommand.HistoryName), finished.ToCsv());
        TrainCommand.WriteLossPlot(finished, run.Staged(TrainCommand.PlotName), $"Training the improved CNN on {clips.Source}");
        string modelPath = run.Published(TrainCommand.ModelName);
        if (finished.StopReason is string reason)
        {
            var kept = run.Publish((TrainCommand.HistoryName, "diverged-" + TrainCommand.HistoryName), (TrainCommand.PlotName, "diverged-" + TrainCommand.PlotName));
            Console.Error.WriteLine($"workbook: {reason}. Kept {string.Join(" and ", kept)} ({finished.Epochs.Count} epochs); " +
                                    (File.Exists(modelPath) ? $"{modelPath} is the previous run's, untouched." : "no model written."));
            return 1;
        }
        ImprovedModelFile.Save(model, run.Staged(TrainCommand.ModelName), new ImprovedModelFile.Header(options.Network, clips.SampleRate,
            $"trained {DateTime.Now:yyyy-MM-dd HH:mm} on {clips}; {options}", data, testCount, options.Seed));
        var written = run.Publish((TrainCommand.HistoryName, TrainCommand.HistoryName), (TrainCommand.PlotName, TrainCommand.PlotName), (TrainCommand.ModelName, TrainCommand.ModelName));
        var final = finished.Final!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"final test_l1 {final.TestL1:F6} ({(final.TestL1 < identity ? "below" : "NOT below")} the identity's {identity:F6}); " +
            $"total {TrainCommand.ProcessWallTime().TotalSeconds:F1} s (the process's wall time; {beforeFirstEpoch?.TotalSeconds ?? 0:F1} s of it before the first epoch, " +
            $"{finished.Epochs.Sum(e => e.Elapsed.TotalSeconds):F1} s in {finished.Epochs.Count} epochs); {model.ParameterCount} coefficients"));
        Console.WriteLine($"wrote {string.Join(", ", written)}");
        return 0;
    }
}
