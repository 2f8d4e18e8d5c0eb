using Workbook.FilterBank;
using static TorchSharp.torch;

namespace Workbook.Tests.FilterBank;

/// <summary>The filter bank with gains computed from the answer, against its definition.</summary>
public class IdealBandGainsTests
{
    [Fact]
    public void It_follows_its_formula_sample_by_sample()
    {
        const int bands = 2, taps = 3, hop = 2, n = 7;
        var random = new Random(3);
        double[,] a = new double[bands, taps], s = new double[bands, taps];
        for (int c = 0; c < bands; c++)
            for (int k = 0; k < taps; k++) { a[c, k] = random.NextDouble() - 0.5; s[c, k] = random.NextDouble() - 0.5; }
        var x = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var voice = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        // The definition: bands b_c[m] = Σ_k a_c[k] x[m − k] (x is 0 outside 0…N−1), gains per frame of `hop` samples
        // from the voice's and the noise's band energies, correction Σ_c Σ_k s_c[k] ((g_c − 1) b_c)[m − k], output n the
        // delayed input plus the correction at n + K − 1.
        double X(double[] signal, int m) => m >= 0 && m < n ? signal[m] : 0;
        int length = n + taps - 1, frames = (length + hop - 1) / hop;
        double Band(double[] signal, int c, int m) => Enumerable.Range(0, taps).Sum(k => a[c, k] * X(signal, m - k));
        var noise = x.Select((v, i) => v - voice[i]).ToArray();
        double Energy(double[] signal, int c, int t) => Enumerable.Range(t * hop, hop).Average(m => Band(signal, c, m) * Band(signal, c, m));
        double Gain(int c, int m) { int t = m / hop; double v = Energy(voice, c, t), e = Energy(noise, c, t); return Math.Sqrt(v / Math.Max(v + e, 1e-20)); }
        double Correction(int m) => Enumerable.Range(0, bands).Sum(c => Enumerable.Range(0, taps)
            .Where(k => m - k >= 0).Sum(k => s[c, k] * (Gain(c, m - k) - 1) * Band(x, c, m - k)));
        var expected = Enumerable.Range(0, n).Select(m => x[m] + Correction(m + taps - 1)).ToArray();

        // The layouts of CosineFilterBank.Design: analysis [K, 1, C], synthesis [K, C, 1].
        var analysis = tensor(Enumerable.Range(0, taps * bands).Select(i => (float)a[i % bands, i / bands]).ToArray()).view(taps, 1, bands);
        var synthesis = tensor(Enumerable.Range(0, taps * bands).Select(i => (float)s[i % bands, i / bands]).ToArray()).view(taps, bands, 1);
        var output = IdealBandGains.Denoise(analysis, synthesis, hop, tensor(x.Select(v => (float)v).ToArray()).view(1, 1, n),
            tensor(voice.Select(v => (float)v).ToArray()).view(1, 1, n));
        TensorAssert.Equal(expected.Select(v => (float)v).ToArray(), output, 1e-5f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Without_noise_the_input_comes_back_and_without_a_voice_a_whistle_goes_and_hum_only_from_a_flat_bank(bool flatAtZeroHertz)
    {
        var (analysis, synthesis) = CosineFilterBank.Design(24, 48, flatAtZeroHertz);
        const int rate = 16000, n = 2 * rate;
        var time = arange(n, dtype: ScalarType.Float32) / rate;
        // Mains hum (50 Hz, where the lowest band meets its mirror image) and a 1 kHz whistle, the kinds of noise a gate
        // must be able to close on; with no voice every ideal gain is 0.
        var hum = 0.1 * sin(2 * Math.PI * 50 * time).view(1, 1, n);
        var whistle = 0.1 * sin(2 * Math.PI * 1000 * time).view(1, 1, n);
        var voice = 0.1 * randn(1, 1, n);
        TensorAssert.Close(voice, IdealBandGains.Denoise(analysis, synthesis, 32, voice, voice), 1e-6, "a clean input");
        // The bank as designed passes 0 Hz twice over: closing its lowest bands takes 50 Hz away twice, −x is left.
        foreach (var (name, noise, goes) in new[] { ("50 Hz hum", hum, flatAtZeroHertz), ("a 1 kHz whistle", whistle, true) })
        {
            var left = IdealBandGains.Denoise(analysis, synthesis, 32, noise, zeros_like(noise));
            double db = 10 * Math.Log10(left.square().sum().item<float>() / noise.square().sum().item<float>());
            if (goes) Assert.True(db < -30, $"{name} alone comes out at {db:F1} dB");
            else Assert.True(db > -1, $"{name} alone comes out at {db:F1} dB");
        }
    }

    [Fact]
    public void A_frames_gain_is_the_square_root_of_the_voices_share_of_its_energy_and_0_where_nothing_is_heard()
    {
        // Frames of two samples: {0, 1}, {2, 3}, {4 and silence}. Voice energies 1, 2, 4.5; noise energies 1, 2, 0.
        var speech = tensor(new float[] { 1, 1, 2, 0, 3 }).view(1, 1, 5);
        var noise = tensor(new float[] { 1, -1, 0, 2, 0 }).view(1, 1, 5);
        var gains = IdealBandGains.OfFrames(cat([speech, zeros_like(speech)], 1), cat([noise, zeros_like(noise)], 1), 2);
        float half = (float)Math.Sqrt(0.5);
        TensorAssert.Close(tensor(new float[] { half, half, 1, 0, 0, 0 }).view(1, 2, 3), gains, 1e-6, "gains");
    }

    [Fact]
    public void Clips_of_different_shapes_are_refused()
    {
        var (analysis, synthesis) = CosineFilterBank.Design(4, 8);
        var error = Assert.Throws<ArgumentException>(() => IdealBandGains.Denoise(analysis, synthesis, 4, zeros(1, 1, 100), zeros(1, 1, 90)));
        Assert.Contains("[1, 1, 100] and [1, 1, 90]", error.Message);
    }
}
