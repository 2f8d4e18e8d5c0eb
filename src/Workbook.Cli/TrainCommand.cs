using System.Globalization;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Networks;
using Workbook.Training;

namespace Workbook.Cli;

/// <summary>
/// <c>train</c>: the lab's Task 4. Loads the data, splits it 50 test / rest train, trains the CNN with SGD on the
/// L1 loss, and writes the model, the per-epoch history (CSV) and an offline HTML loss plot to the output folder.
/// </summary>
internal static class TrainCommand
{
    public static int Run(Arguments arguments)
    {
        string? data = arguments.Text("data");
        var options = new TrainingOptions
        {
            Epochs = arguments.Integer("epochs", 20, minimum: 1),
            LearningRate = arguments.Number("lr", 0.5, exclusiveMinimum: 0),
            BatchSize = arguments.Integer("batch-size", 32, minimum: 1),
            Seed = arguments.Integer("seed", 1),
            Device = arguments.Text("device", "cpu"),
            Threads = arguments.Integer("threads", 0, minimum: 0) is int t and > 0 ? t : null,
        };
        var specification = new CnnSpecification(
            arguments.IntegerList("taps", new long[] { 40, 40 }), arguments.IntegerList("features", new long[] { 1, 5, 1 }),
            arguments.Has("tanh-every-layer") ? TanhPlacement.AfterEveryLayer : TanhPlacement.BetweenLayers);
        int testCount = arguments.Integer("test-count", DataSplit.DefaultTestCount, minimum: 1);
        string output = arguments.Text("out", Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        arguments.RejectUnknown();
        UsageException.Checked(options.ResolveDevice); // a missing GPU is reported before minutes of loading
        UsageException.Checked(() => { specification.Validate(specification.Layers); return 0; });
        UsageException.Checked(() => new Trainer(options));   // the options' own checks
        if (specification.Features[0] != 1 || specification.Features[^1] != 1)
            throw new UsageException($"--features must start and end with 1 (mono audio in and out), not {string.Join(",", specification.Features)}");

        // The folder is locked and checked before minutes of loading and training; files appear in it only at the end.
        using var run = RunFolder.Open(output);
        using var clips = DataSource.Load(data);
        var (train, test) = DataSplit.Split(clips, testCount, options.Seed);
        using var _ = train;
        using var __ = test;
        double identity = EvaluationTable.Score(test, new IDenoiser[] { new IdentityDenoiser() })[0].L1;
        Console.WriteLine($"data: {clips}; {train.Count} train, {test.Count} test");
        Console.WriteLine($"model: {specification}; SGD lr {options.LearningRate}, batch {options.BatchSize}, {options.Epochs} epochs, seed {options.Seed}, {options.Device}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"identity baseline (output = noisy input): test_l1 {identity:F6}"));

        var progress = new EpochProgress(options.Epochs);
        var history = new TrainingHistory();
        TimeSpan? beforeFirstEpoch = null;
        var (model, finished) = new Trainer(options).Train(specification, train, test, epoch =>
        {
            // Everything from the process's start to the first epoch's start: runtime start-up, loading, thread calibration.
            beforeFirstEpoch ??= ProcessWallTime() - epoch.Elapsed;
            progress.Report(epoch);
            history.Add(epoch);
            AtomicFile.WriteAllText(run.Staged(HistoryName), history.ToCsv());   // a killed run's epochs survive as interrupted-history.csv
        });
        using var ___ = model;
        Console.WriteLine($"threads: {finished.ThreadChoice}");
        AtomicFile.WriteAllText(run.Staged(HistoryName), finished.ToCsv());
        WriteLossPlot(finished, run.Staged(PlotName), $"Training {specification} on {clips.Source}");
        string modelPath = run.Published(ModelName);
        if (finished.StopReason is string reason)
        {
            // The previous run's model, history and plot stay together; this run's history is kept beside them under its own name.
            var kept = run.Publish((HistoryName, "diverged-" + HistoryName), (PlotName, "diverged-" + PlotName));
            Console.Error.WriteLine($"workbook: {reason}. Kept {string.Join(" and ", kept)} ({finished.Epochs.Count} epochs); " +
                                    (File.Exists(modelPath) ? $"{modelPath} is the previous run's, untouched." : "no model written."));
            return 1;
        }
        ModelFile.Save(model, run.Staged(ModelName), new ModelFile.Header(specification.Taps.ToArray(), specification.Features.ToArray(),
            specification.Tanh, clips.SampleRate, $"trained {DateTime.Now:yyyy-MM-dd HH:mm} on {clips}; {options}", data, testCount, options.Seed));
        var written = run.Publish((HistoryName, HistoryName), (PlotName, PlotName), (ModelName, ModelName));
        var final = finished.Final!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"final test_l1 {final.TestL1:F6} ({(final.TestL1 < identity ? "below" : "NOT below")} the identity's {identity:F6}); " +
            $"total {ProcessWallTime().TotalSeconds:F1} s (the process's wall time; {beforeFirstEpoch?.TotalSeconds ?? 0:F1} s of it before the first epoch, " +
            $"{finished.Epochs.Sum(e => e.Elapsed.TotalSeconds):F1} s in {finished.Epochs.Count} epochs)"));
        Console.WriteLine($"wrote {string.Join(", ", written)}");
        return 0;
    }

    /// <summary>Wall time since this process started (the kernel's start time, so the runtime's own start-up is included).</summary>
    private static TimeSpan ProcessWallTime()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return DateTime.Now - self.StartTime;
    }

    private const string ModelName = "model.cnn", HistoryName = "history.csv", PlotName = "loss.html";

    private static void WriteLossPlot(TrainingHistory history, string path, string title)
    {
        if (history.Epochs.Count > 0)
            AtomicFile.WriteAllText(path, Workbook.Display.LossPlot.ToStandaloneHtml(history.Epochs, title));
    }
}
