using System.Text.RegularExpressions;
using Workbook.Data;
using static TorchSharp.torch;

namespace Workbook.Tests.Data;

/// <summary>Loads the bundled data set once for all tests of <see cref="BundledDataSetTests"/>.</summary>
public sealed class BundledDataSetFixture : IDisposable
{
    public BundledDataSetFixture()
    {
        Directory = BundledDataSet.FindDirectory();
        Manifest = BundledDataSet.ReadManifest(Directory);
        Clips = BundledDataSet.Load(Directory);
        Noisy = Clips.Noisy.reshape(Clips.Count, Clips.Length).to(float32);
        Clean = Clips.Clean.reshape(Clips.Count, Clips.Length).to(float32);
    }

    public string Directory { get; }
    public BundledManifest Manifest { get; }
    public PairedClips Clips { get; }
    private Tensor Noisy { get; }
    private Tensor Clean { get; }

    public float[] NoisyOf(int q) => Noisy[q].data<float>().ToArray();
    public float[] CleanOf(int q) => Clean[q].data<float>().ToArray();

    public void Dispose()
    {
        Noisy.Dispose();
        Clean.Dispose();
        Clips.Dispose();
    }
}

/// <summary>
/// The bundled data set (data/speech) and the noise generators behind it. The spectral tests check each noise
/// against its textbook shape, so a generator that made the wrong colour of noise would fail them.
/// </summary>
public class BundledDataSetTests(BundledDataSetFixture data) : IClassFixture<BundledDataSetFixture>
{
    private const int Rate = PairedClips.LabSampleRate;

    // ---- the data set as the lab uses it ----

    [Fact]
    public void Bundled_set_has_300_pairs_of_one_second_at_16_kHz()
    {
        var clips = data.Clips;
        Assert.Equal(300, clips.Count);
        Assert.Equal(16000, clips.Length);
        Assert.Equal(16000, clips.SampleRate);
        Assert.Equal(new long[] { 300, 1, 16000 }, clips.Noisy.shape);
        Assert.Equal(new long[] { 300, 1, 16000 }, clips.Clean.shape);
        Assert.Equal(ScalarType.Float32, clips.Noisy.dtype);
        Assert.Equal("bundled data set", clips.Source);
        Assert.Equal("0007 " + data.Manifest.Clips[7].Voice, clips.Names[7][..(5 + data.Manifest.Clips[7].Voice.Length)]);
        var pattern = new Regex(@"^\d{4} [a-z-]+\+[mf]\d (white|pink|brown|hum|babble) \d+\.\d dB$");
        foreach (string name in clips.Names) Assert.Matches(pattern, name);
    }

    [Fact]
    public void Bundled_set_has_every_noise_kind_in_equal_shares()
    {
        var counts = data.Manifest.Clips.GroupBy(c => c.Noise).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(counts.Count >= 5, $"only {counts.Count} noise kinds");
        foreach (var kind in BackgroundNoise.Kinds) Assert.Equal(60, counts.GetValueOrDefault(kind));
        Assert.Equal(BackgroundNoise.Kinds.Count, counts.Count);
    }

    [Fact]
    public void Bundled_pairs_have_the_manifest_SNR_within_a_hundredth_of_a_dB()
    {
        for (int q = 0; q < data.Clips.Count; q++)
        {
            // Measured by hand, not by SignalToNoiseRatio (which made the mix): 10·log10(Σ y² / Σ (x − y)²).
            float[] clean = data.CleanOf(q), noisy = data.NoisyOf(q);
            double signal = 0, noise = 0;
            for (int n = 0; n < clean.Length; n++)
            {
                signal += (double)clean[n] * clean[n];
                noise += ((double)noisy[n] - clean[n]) * ((double)noisy[n] - clean[n]);
            }
            double measured = 10 * Math.Log10(signal / noise);
            double recorded = data.Manifest.Clips[q].SnrDb;
            Assert.True(Math.Abs(measured - recorded) < 0.01, $"{data.Clips.Names[q]}: measured {measured:F4} dB, manifest {recorded} dB");
        }
    }

    [Fact]
    public void Bundled_SNRs_span_0_to_10_dB_for_every_noise_kind()
    {
        foreach (var kind in data.Manifest.Clips.GroupBy(c => c.Noise))
        {
            var snr = kind.Select(c => c.SnrDb).ToArray();
            Assert.All(snr, s => Assert.InRange(s, 0.0, 10.0));
            Assert.True(snr.Min() < 1 && snr.Max() > 9, $"{kind.Key}: SNRs only {snr.Min()}–{snr.Max()} dB");
            // evenly spread: each 2 dB slice holds about a fifth of the kind's clips
            for (int slice = 0; slice < 5; slice++)
                Assert.InRange(snr.Count(s => s >= 2 * slice && s < 2 * slice + 2), 8, 16);
        }
    }

    [Fact]
    public void Bundled_set_loads_identically_twice()
    {
        using var again = BundledDataSet.Load(data.Directory);
        Assert.True(again.Noisy.equal(data.Clips.Noisy).all().item<bool>(), "the noisy clips differ between two loads");
        Assert.True(again.Clean.equal(data.Clips.Clean).all().item<bool>(), "the clean clips differ between two loads");
        Assert.Equal(data.Clips.Names, again.Names);
    }

    [Fact]
    public void Bundled_clean_peaks_match_the_manifest()
    {
        for (int q = 0; q < data.Clips.Count; q++)
        {
            double peak = data.CleanOf(q).Max(MathF.Abs);
            Assert.True(Math.Abs(peak - data.Manifest.Clips[q].Peak) <= 1.0 / 32768,
                $"{data.Clips.Names[q]}: peak {peak:F5}, manifest {data.Manifest.Clips[q].Peak}");
            Assert.InRange(peak, 0.5 - 1e-3, 0.9 + 1e-3);
        }
    }

    [Fact]
    public void Bundled_speakers_vary_in_language_voice_pitch_speed_and_words()
    {
        var clips = data.Manifest.Clips;
        Assert.True(clips.Select(c => c.Language).Distinct().Count() >= 5, "fewer than five languages");
        Assert.Contains(clips, c => c.Voice.Contains("+m"));
        Assert.Contains(clips, c => c.Voice.Contains("+f"));
        Assert.True(clips.Select(c => c.Voice).Distinct().Count() >= 50, "fewer than 50 voice/variant combinations");
        Assert.True(clips.Select(c => c.Text).Distinct().Count() >= 50, "fewer than 50 different texts");
        Assert.InRange(clips.Min(c => c.Pitch), 20, 30);
        Assert.InRange(clips.Max(c => c.Pitch), 70, 80);
        Assert.InRange(clips.Min(c => c.Speed), 120, 130);
        Assert.InRange(clips.Max(c => c.Speed), 190, 200);
        // most of each second is speech
        Assert.True(clips.Count(c => c.SpeechSeconds >= 0.55) >= 290, "too many short utterances");
    }

    [Fact]
    public void Bundled_white_noise_is_the_manifest_seed_through_SplitMix64_and_the_polar_method()
    {
        // An independent route to the noise the loader adds: SplitMix64 and Marsaglia's polar method written out here
        // from their definitions, scaled to unit power, then to the manifest's SNR (g = sqrt(P_clean / 10^(SNR/10))).
        var white = data.Manifest.Clips.Where(c => c.Noise == NoiseKind.White).ToList();
        Assert.Equal(60, white.Count);
        foreach (var clip in white.Where((_, i) => i % 6 == 0))
        {
            float[] clean = data.CleanOf(clip.Index), noisy = data.NoisyOf(clip.Index);
            double[] reference = ReferenceWhiteNoise((ulong)clip.NoiseSeed, clean.Length);
            double cleanPower = clean.Sum(v => (double)v * v) / clean.Length;
            double gain = Math.Sqrt(cleanPower / Math.Pow(10, clip.SnrDb / 10));
            for (int n = 0; n < clean.Length; n++)
            {
                double expected = clean[n] + gain * reference[n];
                Assert.True(Math.Abs(noisy[n] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)),
                    $"{clip.Name}, sample {n}: noisy {noisy[n]}, expected clean + g·noise = {expected}");
            }
        }
    }

    /// <summary>Unit-power white Gaussian noise: SplitMix64 (Steele, Lea and Flood 2014) into Marsaglia's polar method.</summary>
    private static double[] ReferenceWhiteNoise(ulong seed, int length)
    {
        ulong state = seed;
        double Uniform()
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return ((z ^ (z >> 31)) >> 11) / 9007199254740992.0;   // 53 bits in [0, 1)
        }
        var noise = new double[length];
        for (int n = 0; n < length; n += 2)
        {
            double u, v, s;
            do { u = 2 * Uniform() - 1; v = 2 * Uniform() - 1; s = u * u + v * v; } while (s >= 1 || s == 0);
            double scale = Math.Sqrt(-2 * Math.Log(s) / s);
            noise[n] = u * scale;
            if (n + 1 < length) noise[n + 1] = v * scale;
        }
        double rms = Math.Sqrt(noise.Sum(v => v * v) / length);
        return noise.Select(v => (double)(float)(v / rms)).ToArray();
    }

    [Fact]
    public void Bundled_hum_clips_hum_and_babble_clips_babble()
    {
        // End to end: what the loader adds to a "hum" clip is a mains comb; to a "babble" clip, speech (no 4–8 kHz hiss).
        foreach (var clip in data.Manifest.Clips.Where(c => c.Noise is NoiseKind.Hum).Take(5))
        {
            var residual = Residual(clip.Index);
            double best = Math.Max(HarmonicConcentration(residual, 50), HarmonicConcentration(residual, 60));
            Assert.True(best > 0.98, $"{clip.Name}: only {best:P1} of the added noise at mains harmonics");
        }
        foreach (var clip in data.Manifest.Clips.Where(c => c.Noise is NoiseKind.Babble).Take(5))
            Assert.True(FractionBelow(Residual(clip.Index), 4000) > 0.9, $"{clip.Name}: babble with much energy above 4 kHz");
    }

    // ---- the noise generators ----

    [Theory]
    [InlineData(NoiseKind.White, 0.0)]
    [InlineData(NoiseKind.Pink, -3.0)]
    [InlineData(NoiseKind.Brown, -6.0)]
    public void Bundled_noise_colours_fall_by_their_dB_per_octave(NoiseKind kind, double expectedSlope)
    {
        // Power spectral density averaged over octave bands 125 Hz … 4 kHz: white is flat, pink (1/f) falls 3 dB and
        // brown (1/f²) 6 dB per octave. 0.75 dB/octave apart, the three colours cannot be mistaken for each other.
        foreach (long seed in new long[] { 1, 2, 3 })
        {
            var noise = BackgroundNoise.Generate(kind, 4 * Rate, seed, Rate);
            double slope = OctaveSlope(noise);
            Assert.True(Math.Abs(slope - expectedSlope) < 0.75, $"{kind}, seed {seed}: {slope:F2} dB per octave, expected {expectedSlope}");
        }
    }

    [Fact]
    public void Bundled_hum_is_energy_at_mains_harmonics_only()
    {
        foreach (double mains in new[] { 50.0, 60.0 })
        {
            var hum = BackgroundNoise.Hum(Rate, Rate, mains, new SeededRandom(7));
            Assert.True(HarmonicConcentration(hum, mains) > 0.99, $"{mains} Hz hum: only {HarmonicConcentration(hum, mains):P1} at its harmonics");
            // and it has harmonics, not only the fundamental
            Assert.True(HarmonicConcentration(hum, mains, firstHarmonic: 2) > 0.1, $"{mains} Hz hum has almost no harmonics");
        }
        // The measure itself tells hum from noise: white noise has ~1 % of its power near 50 Hz multiples.
        Assert.True(HarmonicConcentration(BackgroundNoise.Generate(NoiseKind.White, Rate, 1, Rate), 50) < 0.2);
    }

    [Fact]
    public void Bundled_babble_is_the_talkers_shifted_and_summed()
    {
        var random = new SeededRandom(5);
        var talker = Enumerable.Range(0, 1000).Select(_ => (float)random.NextGaussian()).ToArray();
        var babble = BackgroundNoise.Generate(NoiseKind.Babble, 1000, 11, Rate, [talker]);
        // One talker: the babble is that talker circularly shifted (and scaled to unit power).
        double best = Enumerable.Range(0, 1000).Max(shift =>
            Correlation(babble.Select(v => (double)v).ToArray(), talker.Select((_, n) => (double)talker[(n + shift) % 1000]).ToArray()));
        Assert.True(best > 0.99999, $"babble of one talker correlates at most {best:F6} with a shift of it");
        var error = Assert.Throws<ArgumentException>(() => BackgroundNoise.Generate(NoiseKind.Babble, 1000, 11, Rate));
        Assert.Contains("talkers", error.Message);
    }

    [Theory]
    [InlineData(NoiseKind.White)]
    [InlineData(NoiseKind.Pink)]
    [InlineData(NoiseKind.Brown)]
    [InlineData(NoiseKind.Hum)]
    public void Bundled_noise_has_unit_power_and_depends_only_on_its_seed(NoiseKind kind)
    {
        var a = BackgroundNoise.Generate(kind, Rate, 42, Rate);
        Assert.Equal(1.0, SignalToNoiseRatio.Power(a), 4);
        Assert.Equal(a, BackgroundNoise.Generate(kind, Rate, 42, Rate));
        Assert.NotEqual(a, BackgroundNoise.Generate(kind, Rate, 43, Rate));
    }

    [Fact]
    public void Bundled_random_numbers_are_SplitMix64()
    {
        // Reference values of SplitMix64 for seed 1234567 (as published with the algorithm's reference implementations).
        var random = new SeededRandom(1234567);
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => random.NextUInt64()).ToArray());
    }

    [Fact]
    public void Bundled_SNR_mixing_reaches_the_requested_SNR()
    {
        // Closed forms: a clean square wave of amplitude 0.5 has power 1/4 exactly, noise of ±1 has power 1, so the
        // gain for s dB is sqrt(1/4 / 10^(s/10)) and every noisy sample is clean ± that gain.
        float[] clean = Enumerable.Range(0, 1000).Select(n => n / 10 % 2 == 0 ? 0.5f : -0.5f).ToArray();
        float[] noise = Enumerable.Range(0, 1000).Select(n => n % 3 == 0 ? 1f : -1f).ToArray();
        foreach (double snr in new[] { -5.0, 0.0, 3.3, 10.0 })
        {
            double gain = Math.Sqrt(0.25 / Math.Pow(10, snr / 10));
            var noisy = SignalToNoiseRatio.AddNoise(clean, noise, snr);
            for (int n = 0; n < clean.Length; n++) Assert.Equal(clean[n] + gain * noise[n], noisy[n], 6);
        }
        // And the measure: noise of a tenth of the amplitude is 20 dB below, of the same amplitude 0 dB.
        Assert.Equal(20.0, SignalToNoiseRatio.Decibels(clean, clean.Select(v => v * 1.1f).ToArray()), 5);
        Assert.Equal(0.0, SignalToNoiseRatio.Decibels(clean, clean.Select(v => v * 2f).ToArray()), 12);
        Assert.Equal(0.25, SignalToNoiseRatio.Power(clean), 15);
    }

    [Fact]
    public void Bundled_wave_files_round_trip()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bundled-roundtrip-{Guid.NewGuid():N}.wav");
        try
        {
            float[] samples = [0f, 0.5f, -0.5f, 0.25f, -1f, 0.999f];
            Pcm16Wave.Write(path, samples, 16000);
            var (read, rate) = Pcm16Wave.Read(path);
            Assert.Equal(16000, rate);
            Assert.Equal(samples.Length, read.Length);
            for (int n = 0; n < samples.Length; n++) Assert.Equal(samples[n], read[n], 1.0 / 65536);
            Assert.Equal(44 + 2 * samples.Length, new FileInfo(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // ---- finding the data and the errors ----

    [Fact]
    public void Bundled_set_is_found_from_the_test_folder_and_through_WORKBOOK_DATA()
    {
        Assert.True(File.Exists(Path.Combine(BundledDataSet.FindDirectory(), "manifest.json")));
        using var copy = new DataSetCopy(data.Directory);
        string? before = Environment.GetEnvironmentVariable(BundledDataSet.DirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(BundledDataSet.DirectoryVariable, copy.Path);
            Assert.Equal(copy.Path, BundledDataSet.FindDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable(BundledDataSet.DirectoryVariable, before);
        }
        // a folder above the data set works too (data/ or the repository root)
        Assert.Equal(data.Directory, BundledDataSet.FindDirectory(Path.GetDirectoryName(data.Directory)));
    }

    [Fact]
    public void Bundled_set_missing_folder_says_where_it_looked_and_how_to_regenerate()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-workbook-data", Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<DirectoryNotFoundException>(() => BundledDataSet.Load(missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains("data/regenerate.sh", error.Message);
        Assert.Contains("WORKBOOK_DATA", error.Message);
        Assert.Contains("espeak-ng", error.Message);
    }

    [Fact]
    public void Bundled_set_with_a_damaged_clip_names_the_clip()
    {
        using var copy = new DataSetCopy(data.Directory);
        string clip = Path.Combine(copy.Path, "clean", "0007.wav");
        File.WriteAllBytes(clip, File.ReadAllBytes(clip)[..1000]); // cut short
        var error = Assert.Throws<InvalidDataException>(() => BundledDataSet.Load(copy.Path));
        Assert.Contains("clip 0007", error.Message);
        Assert.Contains("cut short", error.Message);
    }

    [Fact]
    public void Bundled_set_with_a_missing_clip_names_the_clip()
    {
        using var copy = new DataSetCopy(data.Directory);
        File.Delete(Path.Combine(copy.Path, "clean", "0123.wav"));
        var error = Assert.Throws<InvalidDataException>(() => BundledDataSet.Load(copy.Path));
        Assert.Contains("clip 0123", error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void Bundled_set_whose_clip_and_manifest_disagree_names_the_clip()
    {
        using var copy = new DataSetCopy(data.Directory);
        // clip 0042's file replaced by another clip's: the peak no longer matches the manifest
        int other = Enumerable.Range(0, 300).First(q => Math.Abs(data.Manifest.Clips[q].Peak - data.Manifest.Clips[42].Peak) > 0.01);
        File.Copy(Path.Combine(copy.Path, "clean", $"{other:D4}.wav"), Path.Combine(copy.Path, "clean", "0042.wav"), overwrite: true);
        var error = Assert.Throws<InvalidDataException>(() => BundledDataSet.Load(copy.Path));
        Assert.Contains("clip 0042", error.Message);
        Assert.Contains("manifest", error.Message);
    }

    [Fact]
    public void Bundled_manifest_that_is_not_json_is_an_error_naming_the_file()
    {
        using var copy = new DataSetCopy(data.Directory);
        string manifest = Path.Combine(copy.Path, "manifest.json");
        File.WriteAllText(manifest, "{ \"format\": ");
        var error = Assert.Throws<InvalidDataException>(() => BundledDataSet.Load(copy.Path));
        Assert.Contains(manifest, error.Message);
    }

    // ---- helpers ----

    /// <summary>A throw-away copy of the data set to damage.</summary>
    private sealed class DataSetCopy : IDisposable
    {
        public DataSetCopy(string source)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bundled-copy-{Guid.NewGuid():N}");
            System.IO.Directory.CreateDirectory(System.IO.Path.Combine(Path, "clean"));
            File.Copy(System.IO.Path.Combine(source, "manifest.json"), System.IO.Path.Combine(Path, "manifest.json"));
            foreach (string file in System.IO.Directory.GetFiles(System.IO.Path.Combine(source, "clean")))
                File.Copy(file, System.IO.Path.Combine(Path, "clean", System.IO.Path.GetFileName(file)));
        }

        public string Path { get; }

        public void Dispose() => System.IO.Directory.Delete(Path, recursive: true);
    }

    private float[] Residual(int q)
    {
        var noisy = data.NoisyOf(q);
        var clean = data.CleanOf(q);
        return noisy.Select((x, n) => x - clean[n]).ToArray();
    }

    /// <summary>Power per frequency bin (Hann-windowed, so a steep spectrum does not leak into distant bins); bin k is k·fs/len Hz.</summary>
    private static double[] PowerSpectrum(float[] signal)
    {
        using var x = tensor(signal.Select(v => (double)v).ToArray());
        using var window = hann_window(signal.Length, dtype: ScalarType.Float64);
        using var spectrum = fft.rfft(x * window);
        using var power = spectrum.abs().pow(2);
        return power.data<double>().ToArray();
    }

    /// <summary>Least-squares slope of the band-averaged power spectral density over the octaves 125 Hz … 4 kHz, in dB per octave.</summary>
    private static double OctaveSlope(float[] noise)
    {
        var power = PowerSpectrum(noise);
        double hzPerBin = (double)Rate / noise.Length;
        var levels = new List<double>();
        for (double low = 125; low < 4000; low *= 2)
        {
            int from = (int)Math.Ceiling(low / hzPerBin), to = (int)Math.Floor(2 * low / hzPerBin);
            levels.Add(10 * Math.Log10(power[from..to].Average()));
        }
        double meanX = (levels.Count - 1) / 2.0, meanY = levels.Average();
        double covariance = levels.Select((y, i) => (i - meanX) * (y - meanY)).Sum();
        double variance = levels.Select((_, i) => (i - meanX) * (i - meanX)).Sum();
        return covariance / variance;
    }

    /// <summary>Fraction of the power within ±3 Hz of the harmonics (from <paramref name="firstHarmonic"/> on) of <paramref name="mainsHz"/>.</summary>
    private static double HarmonicConcentration(float[] signal, double mainsHz, int firstHarmonic = 1)
    {
        var power = PowerSpectrum(signal);
        double hzPerBin = (double)Rate / signal.Length;
        double near = 0;
        for (int k = 0; k < power.Length; k++)
        {
            double f = k * hzPerBin;
            int harmonic = (int)Math.Round(f / mainsHz);
            if (harmonic >= firstHarmonic && Math.Abs(f - harmonic * mainsHz) <= 3) near += power[k];
        }
        return near / power.Sum();
    }

    private static double FractionBelow(float[] signal, double hz)
    {
        var power = PowerSpectrum(signal);
        int cut = (int)(hz * signal.Length / Rate);
        return power[..cut].Sum() / power.Sum();
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int n = 0; n < a.Length; n++)
        {
            ab += a[n] * b[n];
            aa += a[n] * a[n];
            bb += b[n] * b[n];
        }
        return ab / Math.Sqrt(aa * bb);
    }
}
