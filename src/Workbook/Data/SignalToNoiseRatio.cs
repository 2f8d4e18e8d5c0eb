namespace Workbook.Data;

/// <summary>
/// The signal-to-noise ratio of a clip, SNR = 10·log10(P_clean / P_noise) in decibels, where P is the mean
/// square over the whole clip. 0 dB: noise as strong as the speech; 10 dB: a tenth of its power.
/// </summary>
public static class SignalToNoiseRatio
{
    /// <summary>Mean square of <paramref name="samples"/>, in double precision.</summary>
    public static double Power(ReadOnlySpan<float> samples)
    {
        if (samples.Length == 0) throw new ArgumentException("the power of an empty clip is undefined", nameof(samples));
        double sum = 0;
        foreach (float v in samples) sum += (double)v * v;
        return sum / samples.Length;
    }

    /// <summary>The SNR in dB of <paramref name="noisy"/> against its <paramref name="clean"/> part (the noise is noisy − clean).</summary>
    public static double Decibels(ReadOnlySpan<float> clean, ReadOnlySpan<float> noisy)
    {
        if (clean.Length != noisy.Length) throw new ArgumentException($"clean has {clean.Length} samples, noisy {noisy.Length}");
        double noise = 0;
        for (int n = 0; n < clean.Length; n++)
        {
            double d = (double)noisy[n] - clean[n];
            noise += d * d;
        }
        return 10 * Math.Log10(Power(clean) / (noise / clean.Length));
    }

    /// <summary>
    /// clean + g·noise, with the gain g chosen so that the result has exactly <paramref name="snrDb"/> against
    /// <paramref name="clean"/>. Nothing is clipped: at low SNR the sum can exceed ±1.
    /// </summary>
    public static float[] AddNoise(ReadOnlySpan<float> clean, ReadOnlySpan<float> noise, double snrDb)
    {
        if (clean.Length != noise.Length) throw new ArgumentException($"clean has {clean.Length} samples, noise {noise.Length}");
        if (!double.IsFinite(snrDb)) throw new ArgumentOutOfRangeException(nameof(snrDb), snrDb, "the SNR must be a finite number of dB");
        double noisePower = Power(noise);
        if (noisePower == 0) throw new ArgumentException("the noise is silent, so no gain can reach an SNR", nameof(noise));
        double gain = Math.Sqrt(Power(clean) / Math.Pow(10, snrDb / 10) / noisePower);
        var noisy = new float[clean.Length];
        for (int n = 0; n < clean.Length; n++) noisy[n] = (float)(clean[n] + gain * noise[n]);
        return noisy;
    }
}
