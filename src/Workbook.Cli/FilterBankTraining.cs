using System.Globalization;
using Workbook.Data;
using Workbook.Data.Speech;
using Workbook.Evaluation;
using Workbook.Training;
using Workbook.FilterBank;
using Workbook.ModelFiles;

namespace Workbook.Cli;

/// <summary>
/// <c>train --recipe filter-bank</c>: notebook 05's recipe (<see cref="FilterBankRecipe"/>) with the lab recipe's run folder,
/// lines and files: one line per epoch, then <c>model.cnn</c> (an improved-CNN model file), <c>history.csv</c> and
/// <c>loss.html</c>, all three together, or the diverged run's history beside the previous model.
/// </summary>
internal static class FilterBankTraining
{
    public static int Run(string? data, FilterBankTrainingOptions options, int testCount, string output)
    {
        UsageException.Checked(options.ResolveDevice);
        UsageException.Checked(() => new FilterBankRecipe(options));
        if (ModelLimits.Violation(options.Network) is string violation) throw new UsageException($"--recipe improved: its network is {violation}");
        using var run = RunFolder.Open(output);
        using var clips = DataSource.Load(data);
        var (bundledTrain, test) = DataSplit.Split(clips, testCount, options.Seed);
        using var __ = test;
        // Fresh noise needs the bundled set's seeds; other data are trained on as they are.
        var fresh = data == null && options.FreshNoiseEachEpoch ? FreshNoise.ForBundledSplit(testCount, options.Seed) : null;
        // Synthesized speech joins the bundled clips only: other data are trained on as they are.
        if (fresh == null) options = options with { SynthesizedClips = 0 };
        var train = bundledTrain;
        int bundledCount = bundledTrain.Count;
        if (fresh != null && options.SynthesizedClips > 0)
        {
            var speech = new SynthesizedSpeech();
            Console.WriteLine($"training speech: {options.SynthesizedClips} synthesized clips (speech seed {options.SpeechSeed}; cached in {speech.CacheDirectory})");
            fresh = fresh.WithSynthesizedSpeech(speech.Clips(options.SynthesizedClips, options.SpeechSeed, (int)clips.Length, clips.SampleRate),
                options.ReverberantShare);
            train = fresh.TrainingPairs(bundledTrain);
            bundledTrain.Dispose();
        }
        using var _ = train;
        double identity = EvaluationTable.Score(test, [new IdentityDenoiser()])[0].L1;
        Console.WriteLine($"data: {clips}; {train.Count} train{(train != bundledTrain ? $" ({bundledCount} bundled, {options.SynthesizedClips} synthesized)" : "")}, {test.Count} test" +
            $"{(fresh == null && options.FreshNoiseEachEpoch ? " (not the bundled set: no fresh noise, no synthesized speech)" : "")}");
        Console.WriteLine($"recipe filter-bank: {options}, {options.Device}; {options.Network.ParameterCount} coefficients");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"identity baseline (output = noisy input): test_l1 {identity:F6}"));

        var report = new TrainingRunOutput(run, options.Epochs, identity);
        var (model, finished) = Terminal.WithProgress($"training, {options.Epochs} epochs", options.Epochs, progress =>
            new FilterBankRecipe(options).Train(train, test, fresh, epoch => report.OnEpoch(epoch, progress)));
        using var ___ = model;
        return report.Finish(finished, $"Training the improved CNN on {clips.Source}", path => FilterBankModelFile.Save(model, path,
            new FilterBankModelFile.Header(options.Network, clips.SampleRate, $"trained {DateTime.Now:yyyy-MM-dd HH:mm} on {clips}; {options}",
                data, testCount, options.Seed)), model.ParameterCount);
    }
}
