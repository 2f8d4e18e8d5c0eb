using System.Diagnostics;
using System.Globalization;
using DataGenerator;
using Workbook.Data;
using Workbook.Coursework;

// Makes the workbook's bundled data set: Q clean one-second clips of synthetic speech (espeak-ng) stored as 16-bit
// WAV files, and a manifest that says per clip which background noise, at which SNR and from which seed, the loader
// adds. Every random choice follows from --seed, and espeak-ng is deterministic, so running it twice gives the
// same bytes. Usage: dotnet run --project tools/DataGenerator -c Release -- [--out data/speech] [--seed S] [--count Q]
//                    dotnet run --project tools/DataGenerator -c Release -- --check [--out data/speech]   (load and time only)

const int SampleRate = PairedClips.LabSampleRate;
const int Length = 16000;                 // N: one second
const double ShortestSpeech = 0.55;       // seconds: shorter utterances leave most of the clip silent
const double LongestSpeech = 1.0;         // seconds: longer ones would be cut
const int Attempts = 12;                  // phrases tried per clip to find one of a fitting length

string output = "data/speech";
long seed = 20250417;
int count = 300;
bool checkOnly = false;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--out": output = Value(); break;
        case "--seed": seed = long.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--count": count = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--check": checkOnly = true; break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}; options: --out FOLDER, --seed S, --count Q, --check");
            return 2;
    }
}
output = Path.GetFullPath(output);
if (!checkOnly) Generate();
Check();
return 0;

void Generate()
{
    if (count < 7) throw new ArgumentException($"--count {count}: babble needs at least 6 other clips");
    string synthesizer = Espeak.Version();
    Console.WriteLine($"Generating {count} clips with {synthesizer}, seed {seed}, into {output}");

    // First every random choice, from the one seed, in a fixed order (so that nothing espeak-ng returns can shift them).
    var random = new SeededRandom((ulong)seed);
    var kinds = Enumerable.Range(0, count).Select(q => BackgroundNoise.Kinds[q % BackgroundNoise.Kinds.Count]).ToList();
    random.Shuffle(kinds);
    // SNRs stratified per noise kind: the kind's clips share 0–10 dB evenly (one random SNR in each of as many equal
    // slices), so every kind is heard at every level and the extremes are really there.
    var snr = new double[count];
    foreach (var kind in BackgroundNoise.Kinds)
    {
        var members = Enumerable.Range(0, count).Where(q => kinds[q] == kind).ToList();
        random.Shuffle(members);
        for (int j = 0; j < members.Count; j++)
            snr[members[j]] = Math.Round(10.0 * (j + random.NextDouble()) / members.Count, 2);
    }
    var plans = new (string Voice, string Language, int Pitch, int Speed, double Peak, long NoiseSeed, int[] Talkers, ulong TextSeed)[count];
    for (int q = 0; q < count; q++)
    {
        var (voice, language) = random.Choose(Phrases.Voices);
        bool female = random.NextDouble() < 0.5;
        string variant = random.Choose(female ? Phrases.FemaleVariants : Phrases.MaleVariants);
        int pitch = random.NextInt(20, 80);
        int speed = random.NextInt(120, 200);
        double peak = Math.Round(random.Uniform(0.5, 0.9), 3);
        long noiseSeed = random.NextInt(int.MaxValue);
        int[] talkers = [];
        if (kinds[q] == NoiseKind.Babble)
        {
            var others = Enumerable.Range(0, count).Where(t => t != q).ToList();
            random.Shuffle(others);
            talkers = others.Take(random.NextInt(3, 6)).Order().ToArray();
        }
        plans[q] = ($"{voice}+{variant}", language, pitch, speed, peak, noiseSeed, talkers, random.NextUInt64());
    }

    // Then the speech. Clips are independent, so two at a time (espeak-ng is single-threaded).
    var clips = new BundledClip[count];
    var audio = new float[count][];
    int done = 0;
    Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, q =>
    {
        var plan = plans[q];
        var textRandom = new SeededRandom(plan.TextSeed);
        string[] phrases = Phrases.ByLanguage[plan.Language];
        (string Text, float[] Utterance)? best = null;
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            string text = textRandom.Choose(phrases);
            var (spoken, rate) = Espeak.Speak(plan.Voice, plan.Pitch, plan.Speed, text);
            var utterance = CleanClip.TrimSilence(Resampler.Resample(spoken, rate, SampleRate), SampleRate);
            double seconds = (double)utterance.Length / SampleRate;
            if (best is null || Math.Abs(seconds - 0.8) < Math.Abs((double)best.Value.Utterance.Length / SampleRate - 0.8))
                best = (text, utterance);
            if (seconds >= ShortestSpeech && seconds <= LongestSpeech) break;
        }
        var (chosenText, chosen) = best!.Value;
        audio[q] = CleanClip.Fit(chosen, Length, SampleRate, plan.Peak);
        clips[q] = new BundledClip(q, $"clean/{q:D4}.wav", plan.Voice, plan.Language, chosenText, plan.Pitch, plan.Speed,
            plan.Peak, Math.Round((double)chosen.Length / SampleRate, 3), kinds[q], snr[q], plan.NoiseSeed, plan.Talkers);
        int finished = Interlocked.Increment(ref done);
        if (finished % 50 == 0) Console.WriteLine($"  {finished} / {count} spoken");
    });

    // Replace the old set only now that the new one is complete.
    string cleanFolder = Path.Combine(output, "clean");
    if (Directory.Exists(cleanFolder)) Directory.Delete(cleanFolder, recursive: true);
    Directory.CreateDirectory(cleanFolder);
    for (int q = 0; q < count; q++) Pcm16Wave.Write(Path.Combine(output, clips[q].File), audio[q], SampleRate);
    new BundledManifest(
        BundledManifest.CurrentFormat,
        $"The workbook's bundled data set: {count} one-second clips of synthetic speech at {SampleRate} Hz (clean/*.wav, 16-bit). " +
        "The noisy clips are not stored: Workbook.Data.BundledDataSet adds each clip's background noise, regenerated from its noiseSeed, " +
        "at its snrDb. Made by tools/DataGenerator (run data/regenerate.sh).",
        seed, SampleRate, Length, synthesizer, clips).Write(Path.Combine(output, BundledManifest.FileName));

    int cut = clips.Count(c => c.SpeechSeconds > (double)Length / SampleRate);
    int fitting = clips.Count(c => c.SpeechSeconds >= ShortestSpeech && c.SpeechSeconds <= LongestSpeech);
    Console.WriteLine($"Wrote {count} clips and the manifest. Utterances {clips.Min(c => c.SpeechSeconds):F2}–{clips.Max(c => c.SpeechSeconds):F2} s, " +
                      $"{fitting} within {ShortestSpeech}–{LongestSpeech} s, {cut} cut to {(double)Length / SampleRate} s.");
}

void Check()
{
    // The first load of a process also starts TorchSharp (its native library) and the JIT; the second shows the load itself.
    var watch = Stopwatch.StartNew();
    BundledDataSet.Load(output).Dispose();
    long first = watch.ElapsedMilliseconds;
    watch.Restart();
    using var set = BundledDataSet.Load(output);
    long second = watch.ElapsedMilliseconds;
    var manifest = BundledDataSet.ReadManifest(output);
    long bytes = new DirectoryInfo(output).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
    Console.WriteLine($"Loaded {set} in {first} ms (first load in this process), {second} ms (second) ({bytes / 1e6:F1} MB on disk).");
    Console.WriteLine("Noise kinds: " + string.Join(", ", manifest.Clips.GroupBy(c => c.Noise).OrderBy(g => g.Key)
        .Select(g => $"{g.Key.ToString().ToLowerInvariant()} {g.Count()} ({g.Min(c => c.SnrDb):F2}–{g.Max(c => c.SnrDb):F2} dB)")));
    Console.WriteLine("Languages: " + string.Join(", ", manifest.Clips.GroupBy(c => c.Language).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
    float noisyPeak = set.Noisy.abs().max().item<float>();
    int above = (int)set.Noisy.abs().amax([1, 2]).gt(1f).sum().item<long>();
    Console.WriteLine($"Largest |noisy sample| {noisyPeak:F3}; {above} of {set.Count} noisy clips exceed ±1 (nothing is clipped).");
}
