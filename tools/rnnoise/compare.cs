#:project ../../src/Workbook/Workbook.csproj
#:property Nullable=enable
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
// The workbook's denoisers side by side with RNNoise on the same 48 kHz files (run it through compare.sh, which
// installs RNNoise into a scratch folder first):
//
//   dotnet run -c Release tools/rnnoise/compare.cs -- SCRATCH LAB.cnn FILTER-BANK.cnn [MORE-FILTER-BANK.cnn…]
//
// The speech is held out: the voices no training draws from (SpeechVoice.HeldOut: Festival's ked_diphone, diphones of a
// recorded man, and us-slt-hts, a statistical voice trained on a recorded woman; kal_diphone, scored here before, is now
// among the filter-bank recipe's synthesized training voices), speaking sentences built by a seeded draw from the word
// lists below, resampled from their own rate to 48 kHz. The noise is the bundled set's white, pink and mains-hum
// generators and the held-out kinds (BackgroundNoise.HeldOutKinds: fan) at 48 kHz with seeds no training draw uses,
// added at 0, 5, 10, 20 and 30 dB input SNR. Every file is denoised by
//   RNNoise (tools/rnnoise/rnnoise.mjs: 480-sample frames at 48 kHz, its one frame of delay compensated),
//   the lab CNN and the filter-bank CNN through StreamingDenoise (the denoise command's code: 48 → 16 kHz, the
//   network, 16 → 48 kHz, the band above 8 kHz gated by BandSplit), and
//   the same with a pass-through network (a one-tap identity CNN): with --high-band follow it shows that the route
//   itself is transparent, with the default gate what the high band's noise-floor gate does alone,
//   and with the lab's least-squares FIR (80 taps fitted on the bundled training split), the linear yardstick,
// and scored against the clean 48 kHz file: ΔSNR and ΔSI-SDR (output's score minus the noisy input's), averaged per
// input SNR and per noise kind, and at 0–10 dB input per noise kind with where the error left lies: below 8 kHz (the
// network's band) or above (the gate's). The clean files are denoised too: "clean in" is the output's SNR against its input.
using System.Diagnostics;
using System.Globalization;
using Workbook.Data;
using Workbook.Data.Speech;
using Workbook.Evaluation;
using Workbook.ModelFiles;
using Workbook.Networks;
using static TorchSharp.torch;

// As the denoise command does before its first tensor: OpenMP's threads sleep between operations, and freed tensors'
// memory is kept for the next (Workbook.Fast.OpenMpWaitPolicy, Workbook.Fast.FreedMemoryPolicy).
Workbook.Fast.OpenMpWaitPolicy.PreferSleepingThreads();
Workbook.Fast.FreedMemoryPolicy.KeepFreedMemory();

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: dotnet run -c Release tools/rnnoise/compare.cs -- SCRATCH LAB.cnn FILTER-BANK.cnn [MORE-FILTER-BANK.cnn…]");
    return 2;
}
string scratch = Path.GetFullPath(args[0]);
string files = Path.Combine(scratch, "files");
Directory.CreateDirectory(files);
const int Rate = 48000;
var culture = CultureInfo.InvariantCulture;

// The sentences: a seeded draw, so every run speaks the same words.
var draw = new SeededRandom(20261205);
var sentences = Enumerable.Range(0, 3).Select(_ => HeldOutSentences.Draw(draw)).ToArray();
string[] voices = [.. SpeechVoice.HeldOut.Select(v => v.Name)];
// Short names for the files and tables: ked, slt.
string Short(string voice) => voice.Contains("slt") ? "slt" : voice.Split('_')[0];

var clean = new List<(string Name, float[] Samples)>();
foreach (string voice in voices)
{
    // One Festival process per voice speaks all the sentences (starting Festival takes longer than speaking).
    var script = new System.Text.StringBuilder($"(voice_{voice})\n");
    for (int s = 0; s < sentences.Length; s++)
        script.Append(culture, $"(utt.save.wave (utt.synth (Utterance Text \"{sentences[s]}\")) \"{Path.Combine(files, $"{voice}-{s}-speech.wav")}\" 'riff)\n");
    string scriptPath = Path.Combine(files, $"{voice}.scm");
    File.WriteAllText(scriptPath, script.ToString());
    Run("festival", "-b", scriptPath);
    for (int s = 0; s < sentences.Length; s++)
    {
        var speech = ReadNative(Path.Combine(files, $"{voice}-{s}-speech.wav"));
        var at48 = AudioResampler.Resample(speech.Samples, speech.Rate, Rate);
        float peak = at48.Max(Math.Abs);
        for (int i = 0; i < at48.Length; i++) at48[i] *= 0.7f / peak;
        clean.Add(($"{Short(voice)}-{s}", at48));
    }
}
Console.WriteLine($"speech: {clean.Count} sentences, {clean.Sum(c => c.Samples.Length) / (double)Rate:F1} s at {Rate} Hz; voices {string.Join(", ", voices)}");
foreach (string sentence in sentences) Console.WriteLine($"  \"{sentence}\"");

NoiseKind[] kinds = [NoiseKind.White, NoiseKind.Pink, NoiseKind.Hum, .. BackgroundNoise.HeldOutKinds];
double[] snrs = [0, 5, 10, 20, 30];
var pairs = new List<(string Noisy, float[] Clean, NoiseKind? Kind, double Snr)>();
for (int c = 0; c < clean.Count; c++)
{
    string cleanPath = Path.Combine(files, $"{clean[c].Name}-clean.wav");
    WavAudio.Write(cleanPath, clean[c].Samples, Rate, WavSampleFormat.Float32);
    pairs.Add((cleanPath, clean[c].Samples, null, double.PositiveInfinity));
    foreach (var kind in kinds)
    foreach (double snr in snrs)
    {
        var noise = BackgroundNoise.Generate(kind, clean[c].Samples.Length, 9_100_000 + 1000 * c + 10 * (int)kind + (int)snr, Rate);
        string noisyPath = Path.Combine(files, $"{clean[c].Name}-{kind.ToString().ToLowerInvariant()}-{snr}dB.wav");
        WavAudio.Write(noisyPath, SignalToNoiseRatio.AddNoise(clean[c].Samples, noise, snr), Rate, WavSampleFormat.Float32);
        pairs.Add((noisyPath, clean[c].Samples, kind, snr));
    }
}

// The denoisers, each writing NAME-<denoiser>.wav beside every input.
string Output(string input, string denoiser) => Path.ChangeExtension(input, null) + $"-{denoiser}.wav";
using var lab = ModelSource.LoadNetwork(args[1]);
var filterBanks = args[2..].Select(ModelSource.LoadNetwork).ToArray();
var filterBank = filterBanks[0];
using var identity = new MimoCnn(new CnnSpecification([1], [1, 1], TanhPlacement.BetweenLayers));
using (no_grad()) identity.Layers[0].H.fill_(1.0f);
// The least-squares FIR of the lab (80 taps, fitted on the bundled set's training split as evaluate fits it), as a
// one-layer CNN, so that it goes through denoise's route like the networks: y[n] = Σ_k w_k x[n − k].
using var bundled = BundledDataSet.Load();
var (bundledTrain, bundledTest) = DataSplit.Split(bundled, DataSplit.DefaultTestCount, 1);
var wiener = WienerFilter.Fit(bundledTrain.Noisy, bundledTrain.Clean);
var firTaps = wiener.Taps;
using var fir = new MimoCnn(new CnnSpecification([(int)firTaps.shape[0]], [1, 1], TanhPlacement.BetweenLayers));
using (no_grad())
{
    fir.Layers[0].H.copy_(firTaps.to(float32).view(-1, 1, 1));
    double apart = (fir.call(bundledTest.Noisy) - wiener.Denoise(bundledTest.Noisy).to(float32)).abs().max().item<float>();
    if (apart > 1e-4) throw new InvalidOperationException($"the FIR as a CNN is {apart} away from the FIR itself");
}
const HighBandGate Follow = HighBandGate.FollowNetwork, Gate = HighBandGate.NoiseFloor;
var networks = new List<(string Key, string Name, nn.Module<Tensor, Tensor> Network, int History, int ModelRate, HighBandGate HighBand)>
{
    ("roundtrip", "`denoise --high-band follow` with a pass-through network", identity, 0, PairedClips.LabSampleRate, Follow),
    ("gate", "`denoise` with a pass-through network (the high band's gate alone)", identity, 0, PairedClips.LabSampleRate, Gate),
    ("fir", "`denoise`, least-squares FIR (80 taps)", fir, (int)firTaps.shape[0] - 1, PairedClips.LabSampleRate, Gate),
    ("lab", $"`denoise`, lab model ({lab.Name})", lab.Network, (int)lab.History, lab.SampleRate, Gate),
    ("filterbank-follow", $"`denoise --high-band follow`, filter-bank model", filterBank.Network, (int)filterBank.History, filterBank.SampleRate, Follow),
    ("filterbank", $"`denoise`, filter-bank model ({filterBank.Name})", filterBank.Network, (int)filterBank.History, filterBank.SampleRate, Gate),
};
// Further filter-bank models, each named by its file's folder (train --out's run folder).
for (int i = 1; i < filterBanks.Length; i++)
    networks.Add(($"filterbank-{i + 1}", $"`denoise`, filter-bank model {Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(args[2 + i])))}",
        filterBanks[i].Network, (int)filterBanks[i].History, filterBanks[i].SampleRate, Gate));
// One core, as a real-time denoiser on a phone or a laptop gets: the speed is seconds of audio per second of work.
set_num_threads(1);
double audioSeconds = pairs.Sum(p => p.Clean.Length) / (double)Rate;
var timer = Stopwatch.StartNew();
var rnnoiseArguments = new List<string> { Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? "tools/rnnoise", "rnnoise.mjs"), scratch };
foreach (var pair in pairs) rnnoiseArguments.AddRange([pair.Noisy, Output(pair.Noisy, "rnnoise")]);
Run("node", [.. rnnoiseArguments]);
Console.WriteLine($"RNNoise: {pairs.Count} files, {audioSeconds:F0} s of audio, in {timer.Elapsed.TotalSeconds:F1} s (Node start included; {audioSeconds / timer.Elapsed.TotalSeconds:F0}× real time)");
foreach (var n in networks)
{
    timer.Restart();
    foreach (var pair in pairs)
        StreamingDenoise.Run(n.Network, n.History, n.ModelRate, pair.Noisy, Output(pair.Noisy, n.Key), WavSampleFormat.Float32, highBand: n.HighBand);
    Console.WriteLine($"{n.Name}: {pairs.Count} files in {timer.Elapsed.TotalSeconds:F1} s, one thread ({audioSeconds / timer.Elapsed.TotalSeconds:F0}× real time)");
}

// The scores.
(string Key, string Name)[] rows =
    [("input", "noisy input"), ("rnnoise", "RNNoise 0.2.0 (@echogarden/rnnoise-wasm)"), .. networks.Select(n => (n.Key, n.Name))];
float[] Denoised(string noisy, string key) => ReadNative(key == "input" ? noisy : Output(noisy, key)).Samples;
var deltas = new Dictionary<(string Key, NoiseKind Kind, double Snr), List<(double Snr, double SiSdr)>>();
// Where the error left in the output lies: its energy below 8 kHz (where the network works) and above (the high band's
// gate), relative to the clean file's energy, per denoiser and noise kind at 0, 5 and 10 dB input.
var errorBands = new Dictionary<(string Key, NoiseKind Kind), List<(double Low, double High)>>();
var passThrough = new Dictionary<string, List<double>>();
foreach (var pair in pairs)
{
    var noisy = ReadNative(pair.Noisy).Samples;
    foreach (var row in rows)
    {
        var output = Denoised(pair.Noisy, row.Key);
        if (pair.Kind is not { } kind)
        {
            (passThrough.TryGetValue(row.Key, out var list) ? list : passThrough[row.Key] = []).Add(Snr(pair.Clean, output));
            continue;
        }
        var key = (row.Key, kind, pair.Snr);
        (deltas.TryGetValue(key, out var scores) ? scores : deltas[key] = [])
            .Add((Snr(pair.Clean, output) - Snr(pair.Clean, noisy), SiSdr(pair.Clean, output) - SiSdr(pair.Clean, noisy)));
        if (pair.Snr <= 10)
            (errorBands.TryGetValue((row.Key, kind), out var split) ? split : errorBands[(row.Key, kind)] = []).Add(ErrorBelowAndAbove8kHz(pair.Clean, output));
    }
}
(double Snr, double SiSdr) Mean(string key, Func<NoiseKind, double, bool> where)
{
    var chosen = deltas.Where(d => d.Key.Key == key && where(d.Key.Kind, d.Key.Snr)).SelectMany(d => d.Value).ToArray();
    return (chosen.Average(s => s.Snr), chosen.Average(s => s.SiSdr));
}
string D(double value) => value.ToString("+0.0;−0.0;0.0", culture);

Console.WriteLine();
Console.WriteLine($"Mean ΔSNR / ΔSI-SDR in dB over {clean.Count} sentences × {kinds.Length} noises ({string.Join(", ", kinds.Select(k => k.ToString().ToLowerInvariant()))}) per input SNR; clean in: the output's SNR against a clean input, dB");
Console.WriteLine();
Console.WriteLine($"| denoiser | {string.Join(" | ", snrs.Select(snr => $"{snr} dB in"))} | clean in |");
Console.WriteLine($"|---|{string.Concat(snrs.Select(_ => "---:|"))}---:|");
foreach (var row in rows)
{
    var cells = snrs.Select(snr => Mean(row.Key, (_, s) => s == snr)).Select(m => $"{D(m.Snr)} / {D(m.SiSdr)}");
    double through = passThrough[row.Key].Average();
    Console.WriteLine($"| {row.Name} | {string.Join(" | ", cells)} | {(double.IsInfinity(through) ? "∞" : through.ToString("F1", culture))} |");
}
Console.WriteLine();
// The issue's yardstick in two decimals, which the table's one hides: how far each network is behind RNNoise.
foreach (var n in networks)
    Console.WriteLine($"RNNoise's lead in ΔSNR over {n.Name}, dB: " + string.Join(", ", snrs.Select(snr =>
        $"{(Mean("rnnoise", (_, s) => s == snr).Snr - Mean(n.Key, (_, s) => s == snr).Snr).ToString("+0.00;−0.00;0.00", culture)} at {snr} dB")));
Console.WriteLine();
Console.WriteLine($"Mean ΔSNR / ΔSI-SDR in dB per noise kind (over {string.Join(", ", snrs)} dB input)");
Console.WriteLine();
Console.WriteLine($"| denoiser | {string.Join(" | ", kinds.Select(k => k.ToString().ToLowerInvariant()))} |");
Console.WriteLine($"|---|{string.Concat(kinds.Select(_ => "---:|"))}");
foreach (var row in rows)
    Console.WriteLine($"| {row.Name} | {string.Join(" | ", kinds.Select(kind => Mean(row.Key, (k, _) => k == kind)).Select(m => $"{D(m.Snr)} / {D(m.SiSdr)}"))} |");
Console.WriteLine();
Console.WriteLine("At 0, 5 and 10 dB input, per noise kind: mean ΔSNR, and the output's error below / above 8 kHz in dB relative to the clean file's energy (lower is better)");
Console.WriteLine();
Console.WriteLine($"| denoiser | {string.Join(" | ", kinds.Select(k => k.ToString().ToLowerInvariant()))} |");
Console.WriteLine($"|---|{string.Concat(kinds.Select(_ => "---:|"))}");
string Db(double ratio) => (10 * Math.Log10(Math.Max(ratio, 1e-12))).ToString("0.0;−0.0", culture);
foreach (var row in rows)
    Console.WriteLine($"| {row.Name} | {string.Join(" | ", kinds.Select(kind => $"{D(Mean(row.Key, (k, s) => k == kind && s <= 10).Snr)} ({Db(errorBands[(row.Key, kind)].Average(e => e.Low))} / {Db(errorBands[(row.Key, kind)].Average(e => e.High))})"))} |");
return 0;

// The error's energy below and above 8 kHz, each over the clean file's energy: below is the error resampled to 16 kHz
// (the resampler's low-pass keeps 0–8 kHz; each 16 kHz sample stands for three at 48 kHz), above is the rest.
static (double Low, double High) ErrorBelowAndAbove8kHz(float[] clean, float[] estimate)
{
    var error = new float[clean.Length];
    double signal = 0, total = 0;
    for (int i = 0; i < clean.Length; i++) { error[i] = estimate[i] - clean[i]; signal += (double)clean[i] * clean[i]; total += (double)error[i] * error[i]; }
    double low = 3 * AudioResampler.Resample(error, Rate, PairedClips.LabSampleRate).Sum(v => (double)v * v);
    return (low / signal, Math.Max(0, total - low) / signal);
}

static void Run(string program, params string[] arguments)
{
    var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (string argument in arguments) start.ArgumentList.Add(argument);
    using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
    var stdout = process.StandardOutput.ReadToEndAsync();
    string stderr = process.StandardError.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {stderr}{stdout.Result}");
}

// A WAV's samples at the file's own rate (channel 1), as denoise reads them.
static (float[] Samples, int Rate) ReadNative(string path)
{
    using var stream = new WavSampleStream(path);
    int channels = stream.WaveFormat.Channels;
    var all = new float[stream.Frames * channels];
    int read = 0;
    while (read < all.Length) { int n = stream.Read(all.AsSpan(read)); if (n == 0) break; read += n; }
    var mono = new float[stream.Frames];
    for (long i = 0; i < mono.Length; i++) mono[i] = all[i * channels];
    return (mono, stream.WaveFormat.SampleRate);
}

// SNR of an estimate against the clean signal, in dB (written out here, to score independently of the library).
static double Snr(float[] clean, float[] estimate)
{
    double signal = 0, error = 0;
    for (int i = 0; i < clean.Length; i++) { signal += (double)clean[i] * clean[i]; double e = estimate[i] - (double)clean[i]; error += e * e; }
    return 10 * Math.Log10(signal / error);
}

// Scale-invariant SDR: the estimate's projection on the clean signal against the rest, in dB.
static double SiSdr(float[] clean, float[] estimate)
{
    double dot = 0, energy = 0;
    for (int i = 0; i < clean.Length; i++) { dot += (double)clean[i] * estimate[i]; energy += (double)clean[i] * clean[i]; }
    double alpha = dot / energy, target = 0, rest = 0;
    for (int i = 0; i < clean.Length; i++) { double t = alpha * clean[i]; target += t * t; double r = estimate[i] - t; rest += r * r; }
    return 10 * Math.Log10(target / rest);
}
