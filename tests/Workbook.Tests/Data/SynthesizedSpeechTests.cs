using Workbook.Data;
using Workbook.Data.Speech;

namespace Workbook.Tests.Data;

/// <summary>
/// Synthesized training speech (<see cref="SynthesizedSpeech"/>): clips of the asked-for form, made from their seed,
/// spoken by the training voices only, and kept in a cache that a second call reads instead of synthesizing again.
/// Needs espeak-ng and Festival with kal_diphone (scripts/install-prerequisites.sh installs them).
/// </summary>
public sealed class SynthesizedSpeechTests : IDisposable
{
    private readonly string cache = Path.Combine(Path.GetTempPath(), $"workbook-speech-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
    }

    /// <summary>A real engine that counts the lines it is asked to speak.</summary>
    private sealed class CountingEngine(ISpeechEngine inner) : ISpeechEngine
    {
        public int Lines;
        public string Program => inner.Program;
        public string Version() => inner.Version();
        public IReadOnlyList<(float[] Samples, int SampleRate)> Speak(IReadOnlyList<SpokenLine> lines)
        {
            Interlocked.Add(ref Lines, lines.Count);
            return inner.Speak(lines);
        }
    }

    private static void RequireEngines()
    {
        RequiredTool.Require(File.Exists("/usr/bin/espeak-ng") || OnPath("espeak-ng"), "espeak-ng is not installed", "apt-get install espeak-ng, or scripts/install-prerequisites.sh");
        RequiredTool.Require(OnPath("festival") && Directory.Exists("/usr/share/festival/voices/english/kal_diphone"),
            "Festival with kal_diphone is not installed", $"apt-get install {Festival.Packages}, or scripts/install-prerequisites.sh");
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));

    /// <summary>The first clips of <paramref name="seed"/> that include both engines (the draw puts Festival in ~30 %).</summary>
    private static int CountWithBothEngines(long seed)
    {
        for (int count = 2; ; count++)
        {
            var engines = Enumerable.Range(0, count).Select(i => SynthesizedSpeech.Plan(seed, i).Voice.Engine).Distinct().Count();
            if (engines == 2) return count;
        }
    }

    [SkippableFact]
    public void Clips_have_the_asked_length_and_peak_carry_speech_and_are_made_again_from_their_seed()
    {
        RequireEngines();
        // A seed whose first three clips include both engines (a few clips keep the test quick).
        long seed = Enumerable.Range(1, 100).First(s => CountWithBothEngines(s) <= 3);
        int count = 3;
        var first = new SynthesizedSpeech(Path.Combine(cache, "a")).Clips(count, seed, length: 16000, sampleRate: 16000);
        var again = new SynthesizedSpeech(Path.Combine(cache, "b")).Clips(count, seed, length: 16000, sampleRate: 16000);
        Assert.Equal(count, first.Length);
        for (int i = 0; i < count; i++)
        {
            var plan = SynthesizedSpeech.Plan(seed, i);
            Assert.Equal(16000, first[i].Length);
            Assert.Equal(plan.Peak, first[i].Max(MathF.Abs), 3);
            // Speech, not a click: at least a quarter of the clip's 10 ms frames within 30 dB of its loudest frame.
            var frames = Enumerable.Range(0, first[i].Length / 160).Select(f => first[i].Skip(f * 160).Take(160).Sum(s => (double)s * s)).ToArray();
            Assert.True(frames.Count(e => e > frames.Max() * 1e-3) >= frames.Length / 4, $"{plan} is mostly silent");
            Assert.Equal(first[i], again[i]);
        }
        for (int i = 0; i < count; i++)
            for (int j = i + 1; j < count; j++) Assert.NotEqual(first[i], first[j]);
    }

    [SkippableFact]
    public void Different_seeds_give_different_clips()
    {
        RequireEngines();
        var speech = new SynthesizedSpeech(cache);
        var one = speech.Clips(3, 1);
        var other = speech.Clips(3, 2);
        for (int i = 0; i < 3; i++) Assert.NotEqual(one[i], other[i]);
        Assert.NotEqual(Enumerable.Range(0, 20).Select(i => SynthesizedSpeech.Plan(1, i)), Enumerable.Range(0, 20).Select(i => SynthesizedSpeech.Plan(2, i)));
    }

    [SkippableFact]
    public void The_same_sentence_in_two_voices_gives_different_samples()
    {
        RequireEngines();
        var espeak = new EspeakNg().Speak([new SpokenLine("en-us+m3", "open the garden", 50, 160), new SpokenLine("en-gb+f2", "open the garden", 50, 160)]);
        Assert.NotEqual(espeak[0].Samples, espeak[1].Samples);
        var festival = new Festival().Speak([new SpokenLine("kal_diphone", "open the garden", 0, 1), new SpokenLine("kal_diphone", "open the garden", 140, 1)]);
        Assert.Equal(16000, festival[0].SampleRate);
        Assert.NotEqual(festival[0].Samples, festival[1].Samples); // a higher pitch is a different clip
    }

    [SkippableFact]
    public void A_second_call_reads_the_cache_and_a_damaged_cache_file_is_made_again()
    {
        RequireEngines();
        int count = CountWithBothEngines(3);
        ISpeechEngine[] Engines(out CountingEngine espeak, out CountingEngine festival)
        {
            espeak = new CountingEngine(new EspeakNg());
            festival = new CountingEngine(new Festival());
            return [espeak, festival];
        }
        var first = new SynthesizedSpeech(cache, Engines(out var espeak, out var festival)).Clips(count, 3);
        Assert.InRange(espeak.Lines + festival.Lines, count, count * SynthesizedSpeech.Attempts); // sentences tried until one fits
        Assert.Equal(count, Directory.GetFiles(cache, "*.clip").Length);

        var second = new SynthesizedSpeech(cache, Engines(out espeak, out festival)).Clips(count, 3);
        Assert.Equal(0, espeak.Lines + festival.Lines);
        for (int i = 0; i < count; i++) Assert.Equal(first[i], second[i]);

        // One file cut short, another with a flipped byte in its samples: both are spoken again, the rest read.
        var files = Directory.GetFiles(cache, "*.clip").Order().ToArray();
        var bytes = File.ReadAllBytes(files[0]);
        File.WriteAllBytes(files[0], bytes[..(bytes.Length / 2)]);
        bytes = File.ReadAllBytes(files[1]);
        bytes[100] ^= 0x40;
        File.WriteAllBytes(files[1], bytes);
        var third = new SynthesizedSpeech(cache, Engines(out espeak, out festival)).Clips(count, 3);
        Assert.InRange(espeak.Lines + festival.Lines, 2, 2 * SynthesizedSpeech.Attempts);
        for (int i = 0; i < count; i++) Assert.Equal(first[i], third[i]);
        Assert.Equal(count, Directory.GetFiles(cache, "*.clip").Length);

        // Another length or rate is another clip, of the length asked for: nothing cached for 16000 samples at 16 kHz is read for it.
        var shorter = new SynthesizedSpeech(cache, Engines(out espeak, out festival)).Clips(1, 3, length: 9000);
        Assert.Equal(9000, shorter[0].Length);
        Assert.InRange(espeak.Lines + festival.Lines, 1, SynthesizedSpeech.Attempts);
        var slower = new SynthesizedSpeech(cache, Engines(out espeak, out festival)).Clips(1, 3, length: 8000, sampleRate: 8000);
        Assert.Equal(8000, slower[0].Length);
        Assert.InRange(espeak.Lines + festival.Lines, 1, SynthesizedSpeech.Attempts);
        // At half the rate the same second of speech has half the samples: the 8 kHz clip is the 16 kHz one resampled,
        // so its peak lies at about half the sample index (within the resampler's few samples).
        int peak8 = Array.IndexOf(slower[0], slower[0].MaxBy(MathF.Abs)), peak16 = Array.IndexOf(first[0], first[0].MaxBy(MathF.Abs));
        Assert.InRange(peak8, peak16 / 2 - 40, peak16 / 2 + 40);
    }

    [Fact]
    public void Held_out_voices_are_never_chosen_for_training()
    {
        Assert.Empty(SpeechVoice.Training.Intersect(SpeechVoice.HeldOut));
        Assert.Contains(new SpeechVoice("festival", "ked_diphone"), SpeechVoice.HeldOut);
        Assert.Contains(new SpeechVoice("festival", "cmu_us_slt_arctic_hts"), SpeechVoice.HeldOut);
        var plans = Enumerable.Range(0, 3000).Select(i => SynthesizedSpeech.Plan(11, i)).ToArray();
        Assert.All(plans, p => Assert.Contains(p.Voice, SpeechVoice.Training));
        Assert.DoesNotContain(plans, p => SpeechVoice.HeldOut.Contains(p.Voice) || p.Voice.Name.Contains("ked") || p.Voice.Name.Contains("slt"));
        // Both engines, in about the planned shares, and many of espeak-ng's voices.
        double festivalShare = plans.Count(p => p.Voice.Engine == "festival") / (double)plans.Length;
        Assert.InRange(festivalShare, SynthesizedSpeech.FestivalShare - 0.04, SynthesizedSpeech.FestivalShare + 0.04);
        Assert.True(plans.Select(p => p.Voice).Distinct().Count() > 60);
        Assert.True(plans.Select(p => p.Sentences[0]).Distinct().Count() > 500);
        Assert.All(plans, p => Assert.Equal(SynthesizedSpeech.Attempts, p.Sentences.Count));
    }

    [Fact]
    public void A_missing_program_is_one_line_naming_it_and_its_package()
    {
        var error = Assert.Throws<SpeechEngineMissingException>(() => SpeechProgram.Run("workbook-no-such-synthesiser", "some-package", "--version"));
        Assert.Equal("workbook-no-such-synthesiser is not installed: synthesized training speech needs it (apt-get install some-package, or scripts/install-prerequisites.sh)", error.Message);
    }

    [SkippableFact]
    public void A_failing_engine_says_what_it_printed()
    {
        RequireEngines();
        var error = Assert.Throws<InvalidOperationException>(() => new EspeakNg().Speak([new SpokenLine("xx-no-such-voice", "hello", 50, 160)]));
        Assert.Contains("does not exist", error.Message);
        Assert.Throws<ArgumentException>(() => new Festival().Speak([new SpokenLine("kal (evil)", "hello", 0, 1)]));
    }

    [Fact]
    public void The_cache_lives_under_XDG_CACHE_HOME()
    {
        string? before = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/somewhere/cache");
            Assert.Equal("/somewhere/cache/workbook/synthesized-speech", SynthesizedSpeech.DefaultCacheDirectory);
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", before);
        }
    }
}

/// <summary>The held-out sentences are the ones the documented figures were measured on.</summary>
public class HeldOutSentencesTests
{
    [Fact]
    public void The_seeded_draw_speaks_the_sentences_the_RNNoise_comparison_was_scored_on()
    {
        var draw = new SeededRandom(20261205);
        string[] sentences = [.. Enumerable.Range(0, 3).Select(_ => HeldOutSentences.Draw(draw))];
        Assert.Equal(["Her younger brother repaired a letter from home without saying a word.",
                      "A quiet student found a letter from home before the storm began.",
                      "A quiet student sold the broken radio while the children were asleep."], sentences);
    }
}
