#:project ../src/Workbook/Workbook.csproj
#:property Nullable=enable
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
// What each choice of the improved recipe is worth: trains the recipe as it is, then once more with one choice
// undone at a time, each from the same seed on the bundled set's training split, and scores every run on the 50 test
// pairs next to the least-squares FIR fitted on the same training pairs.
//
//   dotnet run -c Release tools/ablation.cs [-- VARIANT...]      (default: all; names as in the first column)
using System.Diagnostics;
using System.Globalization;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.FilterBank;
using Workbook.Networks;
using Workbook.Training;
using static TorchSharp.torch;

var recipe = FilterBankTrainingOptions.Default;
var variants = new (string Name, string Change, FilterBankTrainingOptions Options)[]
{
    ("recipe", "the recipe as it is", recipe),
    ("no-residual", "output = correction alone (no input added)", recipe with { Network = recipe.Network with { Residual = false } }),
    ("sgd-0.5", "plain SGD, the lab's learning rate 0.5", recipe with { Optimizer = FilterBankOptimizer.Sgd, LearningRate = 0.5 }),
    ("sgd-0.05", "plain SGD, learning rate 0.05", recipe with { Optimizer = FilterBankOptimizer.Sgd, LearningRate = 0.05 }),
    ("constant-lr", "no cosine schedule: Adam at 0.003 throughout", recipe with { CosineSchedule = false }),
    ("no-fresh-noise", "the same noisy training clips every epoch", recipe with { FreshNoiseEachEpoch = false }),
    ("no-snr-mix", "the manifest's 0–10 dB SNRs only: no clean inputs, no 10–40 dB, no level changes", recipe with { InputSnr = null }),
    ("l1-loss", "the lab's L1 loss instead of −SNR", recipe with { Loss = FilterBankLoss.L1 }),
    ("si-sdr-loss", "−SI-SDR instead of −SNR", recipe with { Loss = FilterBankLoss.SiSdr }),
};
var chosen = args.Length == 0 ? variants : variants.Where(v => args.Contains(v.Name)).ToArray();
if (chosen.Length != Math.Max(1, args.Length) && args.Length > 0)
{
    Console.Error.WriteLine($"unknown variant among {string.Join(" ", args)}; the variants: {string.Join(" ", variants.Select(v => v.Name))}");
    return 2;
}

using var clips = DataSource.Load(null);
var (train, test) = DataSplit.Split(clips, DataSplit.DefaultTestCount, recipe.Seed);
var fresh = FreshNoise.ForBundledSplit(DataSplit.DefaultTestCount, recipe.Seed);
var fir = ClipScores.Of(WienerFilter.Fit(train.Noisy, train.Clean), test.Noisy, test.Clean).Mean();
var culture = CultureInfo.InvariantCulture;
Console.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm}, {Environment.ProcessorCount} cores; {train.Count} train and {test.Count} test pairs of the bundled set, seed {recipe.Seed}");
Console.WriteLine(string.Create(culture, $"least-squares FIR (80 taps): ΔSNR {fir.SnrImprovementDb:F2} dB, ΔSI-SDR {fir.SiSdrImprovementDb:F2} dB"));
Console.WriteLine();
Console.WriteLine("| variant | change | ΔSNR dB | ΔSI-SDR dB | ΔSI-SDR − FIR's | final test L1 | training |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var (name, change, options) in chosen)
{
    var clock = Stopwatch.StartNew();
    FilterBankCnn model;
    TrainingHistory history;
    var epochs = new List<EpochResult>();
    try
    {
        (model, history) = new FilterBankRecipe(options).Train(train, test, fresh, epochs.Add);
    }
    catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArithmeticException)
    {
        // A run whose numbers break libtorch (an overflowing step) is a result too: say where it broke, go on.
        Console.WriteLine($"| {name} | {change} | | | | failed in epoch {epochs.Count + 1}: {e.Message.Split('\n')[0]} | {clock.Elapsed.TotalSeconds:F0} s |");
        continue;
    }
    double seconds = clock.Elapsed.TotalSeconds;
    using (model)
    {
        var score = ClipScores.Of(new NetworkDenoiser(model), test.Noisy, test.Clean).Mean();
        string end = history.StopReason is null ? $"{history.Final!.TestL1:F5}" : $"stopped: {history.StopReason}";
        Console.WriteLine(string.Create(culture,
            $"| {name} | {change} | {score.SnrImprovementDb:F2} | {score.SiSdrImprovementDb:F2} | {score.SiSdrImprovementDb - fir.SiSdrImprovementDb:+0.00;−0.00} | {end} | {seconds:F0} s |"));
    }
}
return 0;
