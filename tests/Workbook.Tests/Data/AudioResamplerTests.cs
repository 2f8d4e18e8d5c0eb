using Workbook.Data;

namespace Workbook.Tests.Data;

public class AudioResamplerTests
{
    /// <summary>The frequency (Hz, 1 Hz steps from 100 Hz to 2 kHz) whose correlation with the signal is strongest.</summary>
    internal static double DominantFrequency(float[] signal, int rate)
    {
        double best = 0, bestPower = -1;
        for (int f = 100; f <= 2000; f++)
        {
            double re = 0, im = 0;
            for (int n = 0; n < signal.Length; n++)
            {
                double phase = 2 * Math.PI * f * n / rate;
                re += signal[n] * Math.Cos(phase);
                im += signal[n] * Math.Sin(phase);
            }
            if (re * re + im * im > bestPower) (best, bestPower) = (f, re * re + im * im);
        }
        return best;
    }

    private static float[] Sine(double frequency, int rate, int n) =>
        Enumerable.Range(0, n).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * frequency * i / rate))).ToArray();

    [Theory]
    [InlineData(16000, 44100)]
    [InlineData(16000, 8000)]
    [InlineData(16000, 22050)]
    [InlineData(44100, 16000)]
    public void The_length_scales_with_the_rate_and_a_sine_keeps_its_frequency(int from, int to)
    {
        var sine = Sine(300, from, from / 4);
        var resampled = AudioResampler.Resample(sine, from, to);
        Assert.Equal((int)Math.Round(sine.Length * (double)to / from, MidpointRounding.AwayFromZero), resampled.Length);
        Assert.Equal(300, DominantFrequency(resampled, to), 3);
    }

    [Fact]
    public void Equal_rates_pass_the_samples_through_exactly()
    {
        var x = Sine(123, 16000, 1000);
        var y = AudioResampler.Resample(x, 16000, 16000);
        Assert.Equal(x, y);
        Assert.NotSame(x, y);
    }

    [Theory]
    [InlineData(44100)]
    [InlineData(8000)]
    [InlineData(48000)]
    public void There_and_back_again_gives_the_original_with_no_delay(int via)
    {
        var x = Sine(440, 16000, 8000);
        var back = AudioResampler.Resample(AudioResampler.Resample(x, 16000, via), via, 16000);
        Assert.Equal(x.Length, back.Length);
        // The middle, sample for sample (the filters see zeros beyond both ends); no lag is allowed.
        double error = 0;
        for (int n = 1000; n < 7000; n++) error = Math.Max(error, Math.Abs(x[n] - back[n]));
        Assert.True(error < 1e-3, $"largest difference {error}");
    }

    [Fact]
    public void Rates_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioResampler.Resample([1f], 0, 16000));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioResampler.Resample([1f], 16000, -1));
    }
}
