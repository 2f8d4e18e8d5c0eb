#:project ../src/Workbook/Workbook.csproj
#:property Nullable=enable
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
// Never worse than its input? Scores trained models on the bundled set's 50 test clips (never trained on) remixed with
// their own kind of noise, drawn afresh, at 0, 5, 10, 20 and 30 dB input SNR, and passed through clean, next to the
// least-squares FIR fitted on the training pairs. Mean ΔSNR / ΔSI-SDR per input SNR; "clean in": the output's SNR
// against a clean input.
//
//   dotnet run -c Release tools/input-snr-sweep.cs -- MODEL.cnn...
using System.Globalization;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.ModelFiles;
using static TorchSharp.torch;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: dotnet run -c Release tools/input-snr-sweep.cs -- MODEL.cnn...");
    return 2;
}
const int TestCount = 50, Seed = 1;
using var clips = BundledDataSet.Load();
var (train, test) = DataSplit.Split(clips, TestCount, Seed);
var manifest = BundledDataSet.ReadManifest();
var order = DataSplit.Permutation(manifest.Clips.Count, Seed);
var held = new FreshNoise(manifest, BundledDataSet.ReadCleanClips(manifest, BundledDataSet.FindDirectory()), order[..TestCount]);
double[] snrs = [0, 5, 10, 20, 30];
// Round 1 of the test clips' noise seeds: noise none of the training rounds drew (those belong to other clips).
var sets = snrs.Select(snr => held.Mixed(1, new InputSnrMix(snr, snr, 0))).ToList();
var clean = sets[0].Clean;
var culture = CultureInfo.InvariantCulture;

string Row(IDenoiser denoiser)
{
    var cells = sets.Select(s => ClipScores.Of(denoiser, s.Noisy, s.Clean).Mean())
        .Select(m => string.Create(culture, $"{m.SnrImprovementDb:+0.0;−0.0;0.0} / {m.SiSdrImprovementDb:+0.0;−0.0;0.0}"));
    using var output = denoiser.Denoise(clean);
    var c = clean.view(TestCount, -1);
    var o = output.view(TestCount, -1);
    double through = Enumerable.Range(0, TestCount).Average(i => SignalToNoiseRatio.Decibels(c[i].data<float>().ToArray(), o[i].data<float>().ToArray()));
    return $"| {denoiser.Name} | {string.Join(" | ", cells)} | {through.ToString("F1", culture)} |";
}

Console.WriteLine($"Mean ΔSNR / ΔSI-SDR in dB on the {TestCount} test clips of the bundled set (seed {Seed}), their noise kinds drawn afresh; clean in: dB");
Console.WriteLine();
Console.WriteLine($"| denoiser | {string.Join(" | ", snrs.Select(s => $"{s} dB in"))} | clean in |");
Console.WriteLine($"|---|{string.Concat(snrs.Select(_ => "---:|"))}---:|");
Console.WriteLine(Row(WienerFilter.Fit(train.Noisy, train.Clean)));
foreach (string path in args)
{
    using var model = ModelSource.LoadNetwork(path);
    Console.WriteLine(Row(new NetworkDenoiser(model.Network, model.Name)));
}
return 0;
