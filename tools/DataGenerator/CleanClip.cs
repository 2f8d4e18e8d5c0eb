namespace DataGenerator;

/// <summary>Turns a synthesised utterance into one clean clip: silence trimmed, fitted to N samples, peak-normalised.</summary>
internal static class CleanClip
{
    /// <summary>A sample counts as speech when it reaches this fraction of the utterance's peak.</summary>
    private const double SpeechThreshold = 0.01;

    /// <summary>The utterance without the silence espeak-ng puts before and after it, keeping 10 ms on each side.</summary>
    public static float[] TrimSilence(float[] samples, int sampleRate)
    {
        float peak = samples.Length == 0 ? 0 : samples.Max(MathF.Abs);
        if (peak == 0) throw new InvalidOperationException("espeak-ng produced silence");
        int first = Array.FindIndex(samples, s => MathF.Abs(s) >= SpeechThreshold * peak);
        int last = Array.FindLastIndex(samples, s => MathF.Abs(s) >= SpeechThreshold * peak);
        int margin = sampleRate / 100;
        int start = Math.Max(0, first - margin);
        int end = Math.Min(samples.Length, last + 1 + margin);
        return samples[start..end];
    }

    /// <summary>
    /// Exactly <paramref name="length"/> samples: zeros appended to a short utterance, a long one cut with a 10 ms fade-out
    /// (a hard cut would be a click), then scaled so that the largest |sample| is <paramref name="peak"/>.
    /// </summary>
    public static float[] Fit(float[] utterance, int length, int sampleRate, double peak)
    {
        var clip = new float[length];
        Array.Copy(utterance, clip, Math.Min(length, utterance.Length));
        if (utterance.Length > length)
        {
            int fade = sampleRate / 100;
            for (int i = 0; i < fade; i++) clip[length - 1 - i] *= (float)i / fade;
        }
        float largest = clip.Max(MathF.Abs);
        for (int n = 0; n < length; n++) clip[n] = (float)(clip[n] * peak / largest);
        return clip;
    }
}
