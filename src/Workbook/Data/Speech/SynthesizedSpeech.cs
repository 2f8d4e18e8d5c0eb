using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Workbook.Data.Speech;

/// <summary>
/// What one synthesized clip is: who speaks, how high and how fast, its peak level, and the sentences to try in turn
/// (the first whose utterance fits the clip is kept, see <see cref="SynthesizedSpeech.Clips"/>).
/// </summary>
public sealed record SynthesizedClipPlan(int Index, SpeechVoice Voice, IReadOnlyList<string> Sentences, double Pitch, double Speed, double Peak)
{
    public override string ToString() => $"clip {Index}: {Voice}, pitch {Pitch}, speed {Speed}, peak {Peak}, \"{string.Join("\" / \"", Sentences)}\"";
}

/// <summary>
/// Clean training speech made at run time from a seed, so the repository stores no audio for it: clip i of seed s is
/// a sentence (<see cref="Sentences"/>) spoken by a voice of <see cref="SpeechVoice.Training"/> at a drawn pitch and
/// speed, fitted to the bundled clips' form as tools/DataGenerator fits them: sentences are tried in turn until one's
/// utterance, its silence trimmed, lasts 55–100 % of the clip (else the one closest to 80 % is kept), so a clip holds
/// speech and pauses as the bundled ones do; it is padded with zeros or cut with a fade to the length, and peak-normalised.
/// Synthesizing takes a while (espeak-ng some milliseconds a clip, Festival about a second to start), so every clip is
/// kept in a cache folder under a name made from everything that decides its samples (engine version, voice, text,
/// pitch, speed, peak, length, rate): a second run reads them back, and a changed setting or engine makes new ones.
/// </summary>
public sealed class SynthesizedSpeech
{
    /// <summary>The share of clips spoken by Festival (the one training voice built from recordings of a person).</summary>
    public const double FestivalShare = 0.3;

    private readonly Dictionary<string, ISpeechEngine> engines;

    /// <param name="cacheDirectory">where clips are kept; null: <see cref="DefaultCacheDirectory"/></param>
    /// <param name="engines">the synthesisers; null: <see cref="EspeakNg"/> and <see cref="Festival"/></param>
    public SynthesizedSpeech(string? cacheDirectory = null, IReadOnlyList<ISpeechEngine>? engines = null)
    {
        CacheDirectory = cacheDirectory ?? DefaultCacheDirectory;
        this.engines = (engines ?? [new EspeakNg(), new Festival()]).ToDictionary(e => e.Program);
    }

    /// <summary>The folder the clips are kept in.</summary>
    public string CacheDirectory { get; }

    /// <summary><c>$XDG_CACHE_HOME/workbook/synthesized-speech</c>, or <c>~/.cache/workbook/synthesized-speech</c>.</summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "workbook", "synthesized-speech");
        }
    }

    /// <summary>
    /// Clip <paramref name="index"/> of <paramref name="seed"/>: its own stream of draws, so it is the same whatever other
    /// clips are asked for. A share of <see cref="FestivalShare"/> goes to Festival; espeak-ng's
    /// clips get pitch 20–80 and 120–200 words a minute (the bundled set's ranges), Festival's a mean F0 of 80–150 Hz
    /// and a tempo of 0.85–1.2.
    /// </summary>
    public static SynthesizedClipPlan Plan(long seed, int index)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "a clip's index cannot be negative");
        var random = new SeededRandom((ulong)FreshNoise.SeedFor(seed, index + 1));
        var voices = random.NextDouble() < FestivalShare
            ? SpeechVoice.Training.Where(v => v.Engine == "festival").ToArray()
            : SpeechVoice.Training.Where(v => v.Engine != "festival").ToArray();
        var voice = random.Choose(voices);
        bool festival = voice.Engine == "festival";
        double pitch = festival ? Math.Round(random.Uniform(80, 150)) : random.NextInt(20, 80);
        double speed = festival ? Math.Round(random.Uniform(0.85, 1.2), 2) : random.NextInt(120, 200);
        double peak = Math.Round(random.Uniform(0.5, 0.9), 3);
        return new SynthesizedClipPlan(index, voice, Enumerable.Range(0, Attempts).Select(_ => Sentences.Draw(random)).ToArray(), pitch, speed, peak);
    }

    /// <summary>
    /// Clips 0 … <paramref name="count"/> − 1 of <paramref name="seed"/>, each <paramref name="length"/> samples at
    /// <paramref name="sampleRate"/>, from the cache where they are there and synthesized (and cached) where not.
    /// </summary>
    public float[][] Clips(int count, long seed, int length = 16000, int sampleRate = PairedClips.LabSampleRate)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "the number of clips cannot be negative");
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), length, "a clip needs at least one sample");
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be positive");
        var plans = Enumerable.Range(0, count).Select(i => Plan(seed, i)).ToArray();
        var clips = new float[count][];
        var versions = new Dictionary<string, string>();
        string VersionOf(string engine) => versions.TryGetValue(engine, out var v) ? v : versions[engine] = Engine(engine).Version();
        var paths = plans.Select(p => Path.Combine(CacheDirectory, CacheKey(p, VersionOf(p.Voice.Engine), length, sampleRate) + ".clip")).ToArray();
        for (int i = 0; i < count; i++) clips[i] = SynthesizedClipFile.TryRead(paths[i], length, sampleRate)!;

        var missing = Enumerable.Range(0, count).Where(i => clips[i] == null).ToList();
        if (missing.Count == 0) return clips;
        Directory.CreateDirectory(CacheDirectory);
        // Attempt a speaks sentence a of every clip still without a fitting utterance, one call per engine (Festival
        // takes a second to start, so it speaks all of an attempt's lines at once).
        var best = new float[count][];
        for (int attempt = 0; attempt < Attempts && missing.Count > 0; attempt++)
        {
            foreach (var group in missing.GroupBy(i => plans[i].Voice.Engine).ToArray())
            {
                var members = group.ToArray();
                var spoken = Engine(group.Key).Speak(members.Select(i =>
                    new SpokenLine(plans[i].Voice.Name, plans[i].Sentences[attempt], plans[i].Pitch, plans[i].Speed)).ToArray());
                for (int j = 0; j < members.Length; j++)
                {
                    int i = members[j];
                    var (samples, rate) = spoken[j];
                    var utterance = TrimSilence(AudioResampler.Resample(samples, rate, sampleRate), sampleRate, plans[i], attempt);
                    double share = (double)utterance.Length / length;
                    if (best[i] == null || Math.Abs(share - 0.8) < Math.Abs((double)best[i].Length / length - 0.8)) best[i] = utterance;
                    if (share >= ShortestShare && share <= 1) missing.Remove(i);
                }
            }
        }
        for (int i = 0; i < count; i++)
        {
            if (clips[i] != null) continue;
            clips[i] = SynthesizedClipFile.Quantised(Fit(best[i], length, sampleRate, plans[i].Peak));
            SynthesizedClipFile.Write(paths[i], clips[i], sampleRate);
        }
        return clips;
    }

    /// <summary>Sentences tried per clip to find an utterance of a fitting length.</summary>
    public const int Attempts = 6;

    /// <summary>The shortest utterance kept at once, as a share of the clip (shorter ones leave most of it silent).</summary>
    private const double ShortestShare = 0.55;

    private ISpeechEngine Engine(string program) => engines.TryGetValue(program, out var engine) ? engine
        : throw new InvalidOperationException($"no speech engine named {program} was given");

    /// <summary>The cache file's name: a hash of everything that decides the clip's samples.</summary>
    public static string CacheKey(SynthesizedClipPlan plan, string engineVersion, int length, int sampleRate)
    {
        string key = string.Create(CultureInfo.InvariantCulture,
            $"synthesized clip 2|{engineVersion}|{plan.Voice.Engine}|{plan.Voice.Name}|{string.Join('|', plan.Sentences)}|{plan.Pitch:R}|{plan.Speed:R}|{plan.Peak:R}|{length}|{sampleRate}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }

    /// <summary>A sample counts as speech when it reaches this fraction of the utterance's peak.</summary>
    private const double SpeechThreshold = 0.01;

    /// <summary>The utterance without the silence a synthesiser puts before and after it, keeping 10 ms on each side
    /// (as the bundled set's clips were made).</summary>
    private static float[] TrimSilence(float[] samples, int sampleRate, SynthesizedClipPlan plan, int attempt)
    {
        float peak = samples.Length == 0 ? 0 : samples.Max(MathF.Abs);
        if (!(peak > 0))
            throw new InvalidOperationException($"{plan.Voice} spoke silence for \"{plan.Sentences[attempt]}\" (clip {plan.Index})");
        int first = Array.FindIndex(samples, s => MathF.Abs(s) >= SpeechThreshold * peak);
        int last = Array.FindLastIndex(samples, s => MathF.Abs(s) >= SpeechThreshold * peak);
        int margin = sampleRate / 100;
        return samples[Math.Max(0, first - margin)..Math.Min(samples.Length, last + 1 + margin)];
    }

    /// <summary>
    /// Exactly <paramref name="length"/> samples: zeros appended to a short utterance, a long one cut with a 10 ms fade-out
    /// (a hard cut would be a click), then scaled so that the largest |sample| is <paramref name="peak"/>.
    /// </summary>
    private static float[] Fit(float[] utterance, int length, int sampleRate, double peak)
    {
        var clip = new float[length];
        Array.Copy(utterance, clip, Math.Min(length, utterance.Length));
        if (utterance.Length > length)
        {
            int fade = Math.Min(length, sampleRate / 100);
            for (int i = 0; i < fade; i++) clip[length - 1 - i] *= (float)i / fade;
        }
        float largest = clip.Max(MathF.Abs);
        for (int n = 0; n < length; n++) clip[n] = (float)(clip[n] * peak / largest);
        return clip;
    }
}
