using Workbook.Evaluation;
using static TorchSharp.torch;

namespace Workbook.Tests.FilterBank;

/// <summary>The STFT Wiener baseline on signals whose answer is known, measured by hand-written loops.</summary>
public class SpectralWienerTests
{
    /// <summary>The amplitude of the component at <paramref name="hz"/>, by a direct DFT sum (a route without FFTs or NWaves).</summary>
    private static double Amplitude(float[] x, double hz, int rate, int from)
    {
        double re = 0, im = 0;
        for (int n = from; n < x.Length; n++)
        {
            re += x[n] * Math.Cos(2 * Math.PI * hz * n / rate);
            im -= x[n] * Math.Sin(2 * Math.PI * hz * n / rate);
        }
        return 2 * Math.Sqrt(re * re + im * im) / (x.Length - from);
    }

    /// <summary>A 1 kHz tone of amplitude 0.5 sounding from 0.5 s to 1.5 s of 2 s (as speech sounds only part of the
    /// time: a tone that never stops is, to any noise estimate from the clip, part of the noise), in white noise of std 0.1.</summary>
    private static (float[] Tone, float[] Noisy) GatedToneInNoise(double noiseStd)
    {
        var random = new Random(3);
        var tone = new float[Length];
        var noisy = new float[Length];
        for (int n = 0; n < Length; n++)
        {
            tone[n] = n >= Rate / 2 && n < 3 * Rate / 2 ? (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * n / Rate)) : 0;
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            noisy[n] = tone[n] + (float)(noiseStd * gaussian);
        }
        return (tone, noisy);
    }

    private const int Rate = 16000, Length = 2 * Rate;

    [Fact]
    public void A_tone_in_white_noise_keeps_its_amplitude_and_loses_most_of_the_noise()
    {
        var (tone, noisy) = GatedToneInNoise(0.1);
        var output = new SpectralWiener().Denoise(tensor(noisy).view(1, 1, -1)).view(-1).data<float>().ToArray();
        Assert.Equal(Length, output.Length);
        // The tone passes: in its bins ξ ≈ (0.5²/4·512·…)/noise is large and the gain ξ/(1+ξ) near 1. Measured in its middle.
        var middle = output[(Rate * 3 / 4)..(Rate * 5 / 4)];
        Assert.InRange(Amplitude(middle, 1000, Rate, 0), 0.45, 0.53);
        // The noise falls by at least 10 dB (the gain floor is −20 dB) where the tone is silent.
        double Power(IEnumerable<int> range, Func<int, double> f) => range.Average(n => f(n) * f(n));
        var silent = Enumerable.Range(500, Rate / 2 - 1000).Concat(Enumerable.Range(3 * Rate / 2 + 500, Rate / 2 - 1000)).ToArray();
        double before = Power(silent, n => noisy[n] - tone[n]), after = Power(silent, n => output[n] - tone[n]);
        Assert.True(10 * Math.Log10(before / after) > 10, $"the noise fell by {10 * Math.Log10(before / after):F1} dB");
    }

    [Fact]
    public void A_clean_gated_tone_passes_almost_unchanged()
    {
        var (tone, noisy) = GatedToneInNoise(1e-5);
        var output = SpectralWiener.DenoiseClip(noisy);
        double worst = Enumerable.Range(Rate * 3 / 4, Rate / 2).Max(n => Math.Abs(output[n] - tone[n]));
        Assert.True(worst < 0.01, $"largest change in the tone's middle {worst}");
    }
}
