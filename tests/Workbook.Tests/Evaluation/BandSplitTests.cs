using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Networks;
using static TorchSharp.torch;

namespace Workbook.Tests.Evaluation;

/// <summary>The band split keeps what the network keeps, above its band as below it.</summary>
public class BandSplitTests
{
    private static float[] Noise(int length, ulong seed)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(0.2 * random.NextGaussian())).ToArray();
    }

    [Fact]
    public void When_the_network_returns_its_input_the_recording_comes_back_bit_for_bit()
    {
        var x = Noise(4800, 1);
        var low = Noise(4800, 2);   // any low band: with l̂ = l the gain is 1 and the split is undone exactly
        var y = BandSplit.Join(x, low, (float[])low.Clone(), 48000, HighBandGate.FollowNetwork);
        Assert.Equal(x, y);
    }

    [Fact]
    public void When_the_network_silences_the_low_band_the_high_band_is_gated_too()
    {
        var x = Noise(48000, 3);
        var low = Noise(48000, 4);
        var y = BandSplit.Join(x, low, new float[x.Length], 48000);
        // l̂ = 0: y = g·h with g → 0 once the smoothing has forgotten the start (ten time constants in).
        double tail = y.Skip(4800).Max(Math.Abs);
        Assert.True(tail < 1e-3, $"largest output sample {tail} after the first 100 ms");
    }

    [Fact]
    public void The_gain_follows_the_share_of_low_band_energy_the_network_kept()
    {
        var x = Noise(48000, 5);
        var low = Noise(48000, 6);
        var half = low.Select(v => 0.5f * v).ToArray();
        var y = BandSplit.Join(x, low, half, 48000, HighBandGate.FollowNetwork);
        // l̂ = l/2: energies in the ratio 1/4, g = 1/2, so y = l/2 + (x − l)/2 = x/2 once the energies have settled.
        for (int n = 24000; n < x.Length; n += 997) Assert.Equal(0.5 * x[n], y[n], 1e-4);
    }

    [Theory]
    [InlineData(HighBandGate.FollowNetwork)]
    [InlineData(HighBandGate.NoiseFloor)]
    public void Joined_in_blocks_it_gives_what_it_gives_at_once(HighBandGate gate)
    {
        var x = Noise(100000, 7);
        var low = Noise(100000, 8);
        var out_ = low.Select((v, n) => n % 3000 < 1500 ? 0.1f * v : v).ToArray();
        var whole = BandSplit.Join(x, low, out_, 48000, gate);
        var split = new BandSplit(48000, gate);
        var blocks = new float[x.Length];
        for (int start = 0; start < x.Length; start += 777)
        {
            int count = Math.Min(777, x.Length - start);
            split.Join(x.AsSpan(start, count), low.AsSpan(start, count), out_.AsSpan(start, count), blocks.AsSpan(start, count));
        }
        Assert.Equal(whole, blocks);
    }

    /// <summary>A high band of steady noise with bursts 20 dB above it (a tenth of a second each, every half second), over a low band the network passes.</summary>
    private static (float[] X, float[] Low, bool[] InBurst) NoiseWithBursts(int seconds, ulong seed)
    {
        int length = seconds * 48000;
        var random = new SeededRandom(seed);
        var burst = new bool[length];
        var high = new float[length];
        for (int n = 0; n < length; n++)
        {
            burst[n] = n % 24000 >= 12000 && n % 24000 < 16800;
            high[n] = (float)((burst[n] ? 0.1 : 0.01) * random.NextGaussian());
        }
        // Only the band above 8 kHz: what the trip through 16 kHz keeps is taken back out.
        var trip = AudioResampler.Resample(AudioResampler.Resample(high, 48000, 16000), 16000, 48000);
        var low = Noise(length, seed + 1);
        var x = high.Select((v, n) => v - trip[n] + low[n]).ToArray();
        return (x, low, burst);
    }

    [Fact]
    public void The_noise_floor_gate_takes_the_high_band_s_steady_noise_and_keeps_what_rises_far_above_it()
    {
        var (x, low, burst) = NoiseWithBursts(4, 21);
        var y = BandSplit.Join(x, low, (float[])low.Clone(), 48000);   // the network passes everything: only the gate acts
        double Power(Func<int, bool> where, float[] s) =>
            Enumerable.Range(48000, x.Length - 48000).Where(where).Average(n => (double)(s[n] - low[n]) * (s[n] - low[n]));
        // After the first second (the floor's window), between the bursts the steady noise is gone …
        double between = Power(n => !burst[n] && !burst[Math.Max(0, n - 2400)], y) / Power(n => !burst[n] && !burst[Math.Max(0, n - 2400)], x);
        Assert.True(between < 0.05, $"the steady noise keeps {between:P1} of its power");
        // … and the bursts, 20 dB above the floor, come through nearly whole.
        double kept = Power(n => burst[n] && burst[Math.Max(0, n - 960)], y) / Power(n => burst[n] && burst[Math.Max(0, n - 960)], x);
        Assert.True(kept > 0.8, $"the bursts keep {kept:P1} of their power");
    }

    [Fact]
    public void The_noise_floor_gate_starts_open_after_digital_silence_and_never_opens_wider_than_the_network()
    {
        var (x, low, _) = NoiseWithBursts(2, 22);
        var silence = new float[24000];
        var xs = silence.Concat(x).ToArray();
        var lows = silence.Concat(low).ToArray();
        var y = BandSplit.Join(xs, lows, (float[])lows.Clone(), 48000);
        // The first 30 ms of sound pass untouched: no floor has been heard yet.
        for (int n = 24000; n < 24000 + 1440; n++) Assert.Equal(xs[n], y[n], 1e-6);
        // With the network silencing the low band, the network's gain (0) wins over the gate's.
        var none = BandSplit.Join(x, low, new float[x.Length], 48000);
        Assert.True(none.Skip(4800).Max(Math.Abs) < 1e-3);
    }

    private static float[] ReadNative(string path)
    {
        using var stream = new WavSampleStream(path);
        var all = new float[stream.Frames];
        for (int got = 0, read; got < all.Length && (read = stream.Read(all.AsSpan(got))) > 0;) got += read;
        return all;
    }

    /// <summary>Power above 8 kHz: the signal minus its trip through the lab rate, which keeps only the band below.</summary>
    private static double HighBandPower(float[] samples, int rate)
    {
        var low = AudioResampler.Resample(AudioResampler.Resample(samples, rate, 16000), 16000, rate);
        return samples.Zip(low).Average(p => (double)(p.First - p.Second) * (p.First - p.Second));
    }

    private static MimoCnn OneTap(float tap)
    {
        var network = new MimoCnn(new CnnSpecification([1], [1, 1], TanhPlacement.BetweenLayers));
        using (no_grad()) network.Layers[0].H.fill_(tap);
        return network;
    }

    [Fact]
    public void A_clean_48_kHz_file_through_denoise_with_a_pass_through_network_keeps_its_highs()
    {
        string folder = Directory.CreateTempSubdirectory("workbook-band-split-").FullName;
        string input = Path.Combine(folder, "in.wav"), output = Path.Combine(folder, "out.wav");
        var x = Noise(48000, 9);   // white: half its power lies above 8 kHz
        WavAudio.Write(input, x, 48000, WavSampleFormat.Float32);
        using var passThrough = OneTap(1f);
        StreamingDenoise.Run(passThrough, 0, PairedClips.LabSampleRate, input, output, WavSampleFormat.Float32, block: 7000, HighBandGate.FollowNetwork);
        var y = ReadNative(output);
        Assert.Equal(x.Length, y.Length);
        double error = x.Zip(y).Average(p => (double)(p.First - p.Second) * (p.First - p.Second));
        double snr = 10 * Math.Log10(x.Average(v => (double)v * v) / Math.Max(error, 1e-30));
        Assert.True(snr > 60, $"SNR {snr:F1} dB against the input");
        Assert.True(HighBandPower(y, 48000) > 0.3 * HighBandPower(x, 48000), "the band above 8 kHz is kept");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_network_that_removes_everything_removes_the_high_band_too()
    {
        string folder = Directory.CreateTempSubdirectory("workbook-band-split-").FullName;
        string input = Path.Combine(folder, "in.wav"), output = Path.Combine(folder, "out.wav");
        var x = Noise(48000, 10);
        WavAudio.Write(input, x, 48000, WavSampleFormat.Float32);
        using var silence = OneTap(0f);
        StreamingDenoise.Run(silence, 0, PairedClips.LabSampleRate, input, output, WavSampleFormat.Float32);
        var y = ReadNative(output).Skip(4800).ToArray();
        double before = x.Skip(4800).Average(v => (double)v * v), after = y.Average(v => (double)v * v);
        Assert.True(after < 1e-4 * before, $"output power {after:E2} against the input's {before:E2}");
        Directory.Delete(folder, recursive: true);
    }
}
