#:project ../src/Workbook/Workbook.csproj
#:property Nullable=enable
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
// Scores trained denoisers on speech and noise they never trained on: real human voices (the Free Spoken Digit
// Dataset, https://github.com/Jakobovski/free-spoken-digit-dataset, CC BY-SA 4.0: six speakers, 8 kHz, 16-bit),
// noise drawn from seeds the bundled set never used, babble made of real voices.
//
//   dotnet run -c Release tools/generalisation.cs -- FSDD/recordings LAB.cnn IMPROVED.cnn OUT-DIR [PAIRS.pt]
//
// PAIRS.pt, if given, is scored like part 1's folder: a course-format file (tools/pairs-to-pt.py writes part 1's pairs
// as one with real PyTorch, so the same clips can be read through the .pt route).
// Part 1, course-style pairs: 300 one-second clips at 16 kHz (each a speaker's digits, resampled from 8 kHz, with
// short gaps), with the bundled set's five noise kinds at 0–10 dB SNR; written as a WAV pair folder (OUT/pairs/noisy,
// clean) and read back with DataSource.Load, then scored on all 300 clips (nothing in them was trained on).
// Part 2, through denoise: per speaker one recording of about 20 s at its own rate, 8 kHz, and the same recording
// upsampled to 48 kHz, each with white, pink and mains-hum noise at 5 dB; every denoiser runs through
// StreamingDenoise (the denoise command's code) and is scored at the file's own rate.
//
// The least-squares FIR (80 taps) is fitted on the bundled set's training split, the data the CNNs trained on: the
// comparison the issue sets (same training pairs). It runs in denoise as a one-layer CNN of 80 taps.
using System.Globalization;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Networks;
using Workbook.Training;
using static TorchSharp.torch;

if (args.Length is not (4 or 5))
{
    Console.Error.WriteLine("usage: dotnet run -c Release tools/generalisation.cs -- FSDD/recordings LAB.cnn IMPROVED.cnn OUT-DIR [PAIRS.pt]");
    return 2;
}
string recordings = args[0], output = args[3];
Directory.CreateDirectory(output);
var culture = CultureInfo.InvariantCulture;

// The voices: speaker → that speaker's recordings at 8 kHz, in name order (the dataset's own order).
var voices = Directory.EnumerateFiles(recordings, "*.wav").Order(StringComparer.Ordinal)
    .GroupBy(path => Path.GetFileNameWithoutExtension(path).Split('_')[1])
    .ToDictionary(g => g.Key, g => g.Select(ReadNative).ToArray());
if (voices.Count == 0) { Console.Error.WriteLine($"{recordings}: no .wav recordings"); return 2; }
var speakers = voices.Keys.Order(StringComparer.Ordinal).ToArray();
Console.WriteLine($"voices: {string.Join(", ", speakers.Select(s => $"{s} ({voices[s].Length})"))}; {voices.Values.First()[0].Rate} Hz");

// The denoisers: the two trained networks, and the FIR fitted on the networks' own training pairs.
using var lab = ModelSource.LoadNetwork(args[1]);
using var improved = ModelSource.LoadNetwork(args[2]);
using var bundled = DataSource.Load(null);
var (train, _) = DataSplit.Split(bundled, lab.TestCount, lab.SplitSeed);
var fir = WienerFilter.Fit(train.Noisy, train.Clean);
using var firNetwork = new MimoCnn(new CnnSpecification([WienerFilter.DefaultTaps], [1, 1], TanhPlacement.BetweenLayers));
using (no_grad()) firNetwork.Layers[0].H.copy_(fir.Taps.to(float32).reshape(WienerFilter.DefaultTaps, 1, 1));
var networks = new (string Name, nn.Module<Tensor, Tensor> Network, int History)[]
{
    ("linear FIR (80 taps, least squares)", firNetwork, WienerFilter.DefaultTaps - 1),
    ("lab CNN", lab.Network, (int)lab.History),
    ("improved CNN", improved.Network, (int)improved.History),
};
var report = new StringWriter(culture);
void Say(string line) { Console.WriteLine(line); report.WriteLine(line); }

// Part 1.
var random = new SeededRandom(20261129);
var kinds = BackgroundNoise.Kinds;
string pairs = Path.Combine(output, "pairs");
Directory.CreateDirectory(Path.Combine(pairs, "noisy"));
Directory.CreateDirectory(Path.Combine(pairs, "clean"));
for (int q = 0; q < 300; q++)
{
    string speaker = speakers[q % speakers.Length];
    var clean = Utterance(voices[speaker], 16000, PairedClips.LabSampleRate, random);
    var kind = kinds[q / speakers.Length % kinds.Count];
    var talkers = kind == NoiseKind.Babble
        ? Enumerable.Range(0, 4).Select(_ => Utterance(voices[speakers[(q + 1 + random.NextInt(speakers.Length - 1)) % speakers.Length]], 16000, PairedClips.LabSampleRate, random)).ToArray()
        : null;
    double snr = Math.Round(10 * random.NextDouble(), 2);
    var noise = BackgroundNoise.Generate(kind, clean.Length, 7_000_000 + q, PairedClips.LabSampleRate, talkers);
    string name = $"{q:D3}-{speaker}-{kind.ToString().ToLowerInvariant()}";
    WavAudio.Write(Path.Combine(pairs, "clean", name + ".wav"), clean, PairedClips.LabSampleRate, WavSampleFormat.Float32);
    WavAudio.Write(Path.Combine(pairs, "noisy", name + ".wav"), SignalToNoiseRatio.AddNoise(clean, noise, snr), PairedClips.LabSampleRate, WavSampleFormat.Float32);
}
using (var other = DataSource.Load(pairs)) ScorePairs(other);
using Workbook.ModelFiles;
if (args.Length == 5)
    using (var course = DataSource.Load(args[4])) ScorePairs(course);

void ScorePairs(PairedClips other)
{
    Say($"## Part 1: {other}");
    Say("");
    Say("| denoiser | SNR dB | ΔSNR dB | SI-SDR dB | ΔSI-SDR dB |");
    Say("|---|---:|---:|---:|---:|");
    IDenoiser[] part1 = [new IdentityDenoiser(), fir, new SpectralWiener(), new NetworkDenoiser(lab.Network, "lab CNN"), new NetworkDenoiser(improved.Network, "improved CNN")];
    foreach (var denoiser in part1)
    {
        var s = ClipScores.Of(denoiser, other.Noisy, other.Clean).Mean();
        Say(string.Create(culture, $"| {denoiser.Name} | {s.SnrDb:F2} | {s.SnrImprovementDb:F2} | {s.SiSdrDb:F2} | {s.SiSdrImprovementDb:F2} |"));
    }
    Say("");
}

// Part 2.
Say("## Part 2: through denoise, real voices at their own rate, noise at 5 dB");
Say("");
Say("| rate | noise | recordings | noisy SNR dB | denoiser | ΔSNR dB | ΔSI-SDR dB |");
Say("|---|---|---:|---:|---|---:|---:|");
string files = Path.Combine(output, "recordings");
Directory.CreateDirectory(files);
foreach (int rate in new[] { 8000, 48000 })
foreach (var kind in new[] { NoiseKind.White, NoiseKind.Pink, NoiseKind.Hum })
{
    var sums = new double[networks.Length, 2];
    double noisySnr = 0;
    for (int s = 0; s < speakers.Length; s++)
    {
        var native = Utterance(voices[speakers[s]], 20 * 8000, 8000, new SeededRandom((ulong)(100 + s)));
        var clean = rate == 8000 ? native : AudioResampler.Resample(native, 8000, rate);
        var noise = BackgroundNoise.Generate(kind, clean.Length, 8_000_000 + s, rate);
        var noisy = SignalToNoiseRatio.AddNoise(clean, noise, 5.0);
        string noisyPath = Path.Combine(files, $"{speakers[s]}-{rate / 1000}k-{kind.ToString().ToLowerInvariant()}.wav");
        WavAudio.Write(noisyPath, noisy, rate);
        var stored = ReadNative(noisyPath).Samples;   // what denoise reads: 16-bit PCM
        noisySnr += Snr(clean, stored) / speakers.Length;
        for (int n = 0; n < networks.Length; n++)
        {
            string outPath = Path.ChangeExtension(noisyPath, null) + $"-{n}.wav";
            StreamingDenoise.Run(networks[n].Network, networks[n].History, PairedClips.LabSampleRate, noisyPath, outPath, WavSampleFormat.Float32);
            var denoised = ReadNative(outPath).Samples;
            sums[n, 0] += (Snr(clean, denoised) - Snr(clean, stored)) / speakers.Length;
            sums[n, 1] += (SiSdr(clean, denoised) - SiSdr(clean, stored)) / speakers.Length;
        }
    }
    for (int n = 0; n < networks.Length; n++)
        Say(string.Create(culture, $"| {rate / 1000} kHz{(rate == 8000 ? "" : " (upsampled from 8)")} | {kind.ToString().ToLowerInvariant()} | {speakers.Length} × 20 s | {noisySnr:F2} | {networks[n].Name} | {sums[n, 0]:F2} | {sums[n, 1]:F2} |"));
}
File.WriteAllText(Path.Combine(output, "results.md"), report.ToString());
return 0;

// One speaker's digits, in random order with gaps of 50–200 ms, until `length` samples at `rate`; peak 0.5–0.9.
static float[] Utterance(IReadOnlyList<(float[] Samples, int Rate)> takes, int length, int rate, SeededRandom random)
{
    var result = new float[length];
    int at = 0;
    while (at < length)
    {
        var take = takes[random.NextInt(takes.Count)];
        var samples = take.Rate == rate ? take.Samples : AudioResampler.Resample(take.Samples, take.Rate, rate);
        int copy = Math.Min(samples.Length, length - at);
        samples.AsSpan(0, copy).CopyTo(result.AsSpan(at));
        at += copy + (int)(rate * (0.05 + 0.15 * random.NextDouble()));
    }
    float peak = result.Max(Math.Abs);
    float gain = (float)((0.5 + 0.4 * random.NextDouble()) / Math.Max(peak, 1e-6f));
    for (int i = 0; i < length; i++) result[i] *= gain;
    return result;
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

// SNR of an estimate against the clean signal, in dB (written out here, not the library's, to score independently).
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
