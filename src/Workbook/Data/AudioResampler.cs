using NAudio.Wave;

namespace Workbook.Data;

/// <summary>
/// Changes the sample rate of a mono clip with <see cref="PolyphaseResampler"/> (band-limited and zero-phase: a sine
/// keeps its frequency and its timing). The lab works at 16 kHz: recordings are brought to it on reading, and a
/// denoiser's output goes back to the recording's own rate before it is written.
/// </summary>
public static class AudioResampler
{
    /// <summary>
    /// Returns <paramref name="samples"/> (taken at <paramref name="fromRate"/> Hz) at <paramref name="toRate"/> Hz:
    /// exactly <c>round(N · toRate / fromRate)</c> samples covering the same duration. Equal rates return a copy.
    /// </summary>
    public static float[] Resample(float[] samples, int fromRate, int toRate)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (fromRate <= 0) throw new ArgumentOutOfRangeException(nameof(fromRate), fromRate, "a sample rate must be positive");
        if (toRate <= 0) throw new ArgumentOutOfRangeException(nameof(toRate), toRate, "a sample rate must be positive");
        if (fromRate == toRate) return (float[])samples.Clone();

        long length = (long)Math.Round((double)samples.Length * toRate / fromRate, MidpointRounding.AwayFromZero);
        var output = new float[length];
        var resampler = new PolyphaseResampler(new ArraySampleProvider(samples, fromRate), toRate);
        int written = 0;
        // The resampler produces the clip's duration rounded up; whatever lies beyond round(N · toRate / fromRate) is dropped.
        var buffer = new float[4096];
        while (written < length)
        {
            int read = resampler.Read(buffer);
            if (read == 0) break;
            int take = (int)Math.Min(read, length - written);
            Array.Copy(buffer, 0, output, written, take);
            written += take;
        }
        return output;
    }

    /// <summary>A float array as NAudio's sample source: mono, IEEE float, at the given rate.</summary>
    private sealed class ArraySampleProvider(float[] samples, int sampleRate) : ISampleProvider
    {
        private int position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, 1);

        public int Read(Span<float> buffer)
        {
            int count = Math.Min(buffer.Length, samples.Length - position);
            samples.AsSpan(position, count).CopyTo(buffer);
            position += count;
            return count;
        }
    }
}
