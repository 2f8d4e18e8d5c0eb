#:project ../src/Workbook/Workbook.csproj
#:property Nullable=enable
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
// How trained models do on voices and noise they never trained on, at the lab's 16 kHz (a quick check; the side-by-side
// with RNNoise at 48 kHz is tools/rnnoise/compare.sh). The voices are the held-out ones (SpeechVoice.HeldOut: Festival's
// ked_diphone and us-slt-hts), four seeded sentences each (HeldOutSentences), peak 0.7, padded to the longest;
// the noise is white, pink and hum (trained-on kinds, seeds no training draw uses) and the held-out kinds
// (BackgroundNoise.HeldOutKinds), at 0, 5, 10, 20 and 30 dB input SNR. Next to the models: the least-squares FIR fitted on the
// bundled training split, and the recipe's cosine filter bank with ideal gains (FilterBank/IdealBandGains.cs: computed from
// the clean voice and the noise, the most a gate network on that bank could take away), as designed and flattened at
// 0 Hz (CosineFilterBank.Design's flatAtZeroHertz). Mean ΔSNR / ΔSI-SDR in dB;
// "clean in": the output's SNR against a clean input.
//
// --bank BANDSxTAPS/HOP (repeatable) adds ideal gains on another cosine bank, as designed: how much a finer or coarser
// bank would leave a gate network room for.
//
//   dotnet run -c Release tools/held-out.cs -- [--bank 64x128/64]... MODEL.cnn...      (needs Festival: scripts/install-prerequisites.sh)
using System.Globalization;
using Workbook.Data;
using Workbook.Data.Speech;
using Workbook.Evaluation;
using Workbook.FilterBank;
using Workbook.ModelFiles;
using static TorchSharp.torch;

const string Usage = "usage: dotnet run -c Release tools/held-out.cs -- [--bank BANDSxTAPS/HOP]... MODEL.cnn...";
// The arguments first, before the speech is synthesised: each model is named by its file, as given, and a missing or
// unreadable file, or a bank written wrong, is one line, not a stack trace.
var banks = new List<(int Bands, int Taps, int Hop)>();
var modelPaths = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] != "--bank") { modelPaths.Add(args[i]); continue; }
    var parts = i + 1 < args.Length ? args[++i].Split('x', '/') : [];
    if (parts.Length != 3 || !parts.All(p => int.TryParse(p, out int v) && v > 0))
    {
        Console.Error.WriteLine($"held-out.cs: --bank takes BANDSxTAPS/HOP, three positive whole numbers such as 64x128/64, not '{(parts.Length == 0 ? "" : args[i])}'");
        return 2;
    }
    banks.Add((int.Parse(parts[0]), int.Parse(parts[1]), int.Parse(parts[2])));
}
if (modelPaths.Count == 0 && banks.Count == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}
var models = new List<IDenoiser>();
foreach (string path in modelPaths)
{
    try { models.Add(new NetworkDenoiser(ModelSource.LoadNetwork(path).Network, path)); }
    catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"held-out.cs: {e.Message}");
        return 2;
    }
}
const int Rate = PairedClips.LabSampleRate;
var culture = CultureInfo.InvariantCulture;
var draw = new SeededRandom(20261206);
var lines = SpeechVoice.HeldOut.SelectMany(voice => Enumerable.Range(0, 4).Select(_ =>
    new SpokenLine(voice.Name, HeldOutSentences.Draw(draw), 0, 1))).ToArray();
var utterances = new Festival().Speak(lines).Select(u =>
{
    var at16 = AudioResampler.Resample(u.Samples, u.SampleRate, Rate);
    float peak = at16.Max(Math.Abs);
    return at16.Select(v => v * 0.7f / peak).ToArray();
}).ToArray();
int length = utterances.Max(u => u.Length);
var speech = utterances.Select(u => { var clip = new float[length]; u.CopyTo(clip, 0); return clip; }).ToArray();
Console.WriteLine($"held-out speech: {speech.Length} sentences ({string.Join(", ", SpeechVoice.HeldOut.Select(v => v.Name))}), each padded to {length / (double)Rate:F2} s at {Rate} Hz");

NoiseKind[] kinds = [NoiseKind.White, NoiseKind.Pink, NoiseKind.Hum, .. BackgroundNoise.HeldOutKinds];
double[] snrs = [0, 5, 10, 20, 30];
Tensor Stack(IEnumerable<float[]> clips) => tensor(clips.SelectMany(c => c).ToArray()).view(-1, 1, length);
using var clean = Stack(speech);
var sets = new Dictionary<(NoiseKind Kind, double Snr), Tensor>();
foreach (var kind in kinds)
    foreach (double snr in snrs)
        sets[(kind, snr)] = Stack(speech.Select((s, c) =>
            SignalToNoiseRatio.AddNoise(s, BackgroundNoise.Generate(kind, length, 9_300_000 + 1000 * (int)kind + 10 * c + (int)snr, Rate), snr)));

using var bundled = BundledDataSet.Load();
var (train, _) = DataSplit.Split(bundled, DataSplit.DefaultTestCount, 1);
var denoisers = new List<IDenoiser> { WienerFilter.Fit(train.Noisy, train.Clean) };
// Cosine banks with gains computed from the answer: what a perfect gate network on each could take away (every set
// shares the same clean clips, so the answer is at hand). The recipe's bank as the network starts it and flattened at
// 0 Hz, then the banks asked for.
var recipe = FilterBankCnnSpecification.Default;
(int Bands, int Taps, int Hop, bool Flat)[] idealBanks =
[
    (recipe.Bands, recipe.BandTaps, recipe.Hop, false), (recipe.Bands, recipe.BandTaps, recipe.Hop, true),
    .. banks.Select(b => (b.Bands, b.Taps, b.Hop, false)),
];
foreach (var (bands, taps, hop, flat) in idealBanks)
{
    var (bankAnalysis, bankSynthesis) = CosineFilterBank.Design(bands, taps, flat);
    denoisers.Add(new IdealGains(bankAnalysis, bankSynthesis, hop, clean,
        $"ideal gains on a cosine bank of {bands} bands of {taps} taps, a gain every {hop} samples{(flat ? ", flat at 0 Hz" : "")} (an upper bound)"));
}
denoisers.AddRange(models);

string D(double value) => value.ToString("+0.0;−0.0;0.0", culture);
var scores = denoisers.ToDictionary(d => d, d => sets.ToDictionary(s => s.Key, s => ClipScores.Of(d, s.Value, clean).Mean()));
string Cell(IDenoiser d, Func<(NoiseKind Kind, double Snr), bool> where)
{
    var chosen = scores[d].Where(s => where(s.Key)).Select(s => s.Value).ToArray();
    return $"{D(chosen.Average(m => m.SnrImprovementDb))} / {D(chosen.Average(m => m.SiSdrImprovementDb))}";
}
double CleanIn(IDenoiser d)
{
    using var output = d.Denoise(clean);
    var o = output.view(speech.Length, -1);
    return Enumerable.Range(0, speech.Length).Average(i => SignalToNoiseRatio.Decibels(speech[i], o[i].data<float>().ToArray()));
}

Console.WriteLine();
Console.WriteLine($"Mean ΔSNR / ΔSI-SDR in dB per input SNR, over the sentences and {string.Join(", ", kinds.Select(k => k.ToString().ToLowerInvariant()))}");
Console.WriteLine();
Console.WriteLine($"| denoiser | {string.Join(" | ", snrs.Select(s => $"{s} dB in"))} | clean in |");
Console.WriteLine($"|---|{string.Concat(snrs.Select(_ => "---:|"))}---:|");
foreach (var d in denoisers)
{
    double cleanIn = CleanIn(d);
    Console.WriteLine($"| {d.Name} | {string.Join(" | ", snrs.Select(snr => Cell(d, k => k.Snr == snr)))} | {(double.IsPositiveInfinity(cleanIn) ? "∞" : cleanIn.ToString("F1", culture))} |");
}
Console.WriteLine();
Console.WriteLine("Per noise kind, over the five input SNRs; the last column: the held-out kinds at 0–10 dB input");
Console.WriteLine();
Console.WriteLine($"| denoiser | {string.Join(" | ", kinds.Select(k => k.ToString().ToLowerInvariant()))} | held-out kinds, 0–10 dB |");
Console.WriteLine($"|---|{string.Concat(kinds.Select(_ => "---:|"))}---:|");
foreach (var d in denoisers)
    Console.WriteLine($"| {d.Name} | {string.Join(" | ", kinds.Select(kind => Cell(d, k => k.Kind == kind)))} | " +
        $"{Cell(d, k => BackgroundNoise.HeldOutKinds.Contains(k.Kind) && k.Snr <= 10)} |");
return 0;

/// <summary>The filter bank with ideal gains, as a denoiser of mixtures of <c>clean</c> and noise.</summary>
sealed class IdealGains(Tensor analysis, Tensor synthesis, int hop, Tensor clean, string name) : IDenoiser
{
    public string Name => name;
    public Tensor Denoise(Tensor noisy) => IdealBandGains.Denoise(analysis, synthesis, hop, noisy, clean);
}
