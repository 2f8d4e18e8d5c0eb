using NAudio.Wave;
using Workbook.Data;

namespace Workbook.Tests.Data;

/// <summary>
/// The resampler against the definition of band-limited resampling: a signal made of sines inside the band kept,
/// sampled at one rate and converted, must equal the same sines sampled at the other rate at the same instants (no
/// delay, no gain); a sine above the lower Nyquist frequency must vanish; streaming in any block size must not matter.
/// </summary>
public class PolyphaseResamplerTests
{
    /// <summary>Three sines below 0.8 of the lower Nyquist frequency, evaluated at time t seconds.</summary>
    private static double Signal(double t, double nyquist) =>
        0.3 * Math.Sin(2 * Math.PI * 0.05 * nyquist * t) + 0.2 * Math.Sin(2 * Math.PI * 0.37 * nyquist * t + 1)
        + 0.1 * Math.Sin(2 * Math.PI * 0.8 * nyquist * t + 2);

    private static float[] Sampled(int rate, int count, Func<double, double> signal) =>
        Enumerable.Range(0, count).Select(n => (float)signal((double)n / rate)).ToArray();

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(16000, 8000)]
    [InlineData(44100, 16000)]
    [InlineData(16000, 44100)]
    [InlineData(48000, 16000)]
    [InlineData(16000, 48000)]
    [InlineData(22050, 16000)]
    [InlineData(11025, 16000)]
    public void A_band_limited_signal_arrives_at_the_same_instants_unchanged(int from, int to)
    {
        double nyquist = Math.Min(from, to) / 2.0;
        var x = Sampled(from, from / 2, t => Signal(t, nyquist));
        var y = AudioResampler.Resample(x, from, to);
        var expected = Sampled(to, y.Length, t => Signal(t, nyquist));
        // Away from both ends (the filter sees zeros there): 50 ms in.
        double error = 0;
        for (int n = to / 20; n < y.Length - to / 20; n++) error = Math.Max(error, Math.Abs(y[n] - expected[n]));
        Assert.True(error < 2e-3, $"{from} → {to} Hz: largest difference {error} from the same sines sampled at {to} Hz");
    }

    [Theory]
    [InlineData(48000, 16000, 10000)]
    [InlineData(48000, 16000, 8050)]
    [InlineData(44100, 16000, 9000)]
    [InlineData(16000, 8000, 4500)]
    public void A_sine_above_the_new_nyquist_frequency_is_removed(int from, int to, double frequency)
    {
        var x = Sampled(from, from, t => 0.5 * Math.Sin(2 * Math.PI * frequency * t));
        var y = AudioResampler.Resample(x, from, to);
        double peak = y.Skip(to / 20).Take(y.Length - to / 10).Max(Math.Abs);
        Assert.True(20 * Math.Log10(peak / 0.5) < -65, $"{frequency} Hz at {from} → {to} Hz kept a peak of {peak}");
    }

    [Fact]
    public void A_constant_stays_that_constant()
    {
        var y = AudioResampler.Resample(Enumerable.Repeat(0.25f, 44100).ToArray(), 44100, 16000);
        foreach (float v in y.Skip(800).Take(y.Length - 1600)) Assert.Equal(0.25f, v, 1e-6f);
    }

    [Theory]
    [InlineData(44100, 16000, 44100)]   // L/M = 160/441: one dot product per output
    [InlineData(48000, 16000, 48001)]   // integer ratios: whole blocks through the vector loops
    [InlineData(16000, 48000, 16001)]
    [InlineData(16000, 8000, 5000)]
    public void Streaming_in_any_block_size_gives_the_same_samples(int from, int to, int length)
    {
        var x = Sampled(from, length, t => Signal(t, Math.Min(from, to) / 2.0));
        float[] Read(int block)
        {
            var resampler = new PolyphaseResampler(new Samples(x, from, chunk: 1000), to);
            var all = new List<float>();
            var buffer = new float[block];
            int read;
            while ((read = resampler.Read(buffer)) > 0) all.AddRange(buffer.Take(read));
            return all.ToArray();
        }
        var whole = Read(100_000);
        // The output covers the input's duration: ⌈N · to / from⌉ samples.
        Assert.Equal((int)Math.Ceiling((double)length * to / from), whole.Length);
        Assert.Equal(whole, Read(1));
        Assert.Equal(whole, Read(4097));
    }

    [Fact]
    public void It_takes_one_channel_and_positive_rates()
    {
        Assert.Throws<ArgumentException>(() => new PolyphaseResampler(new Samples([], 16000, 1, channels: 2), 8000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PolyphaseResampler(new Samples([], 16000, 1), 0));
        Assert.Empty(AudioResampler.Resample([], 16000, 8000));
    }

    /// <summary>An array as a sample source that hands out at most <c>chunk</c> samples a call.</summary>
    private sealed class Samples(float[] samples, int rate, int chunk, int channels = 1) : ISampleProvider
    {
        private int position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(rate, channels);

        public int Read(Span<float> buffer)
        {
            int count = Math.Min(Math.Min(buffer.Length, chunk), samples.Length - position);
            samples.AsSpan(position, count).CopyTo(buffer);
            position += count;
            return count;
        }
    }
}
