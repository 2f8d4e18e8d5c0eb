using NAudio.Dsp;

namespace DataGenerator;

/// <summary>Changes the sample rate with NAudio's windowed-sinc resampler (from Cockos' WDL), e.g. espeak-ng's 22050 Hz to the lab's 16 kHz.</summary>
internal static class Resampler
{
    public static float[] Resample(float[] samples, int fromRate, int toRate)
    {
        if (fromRate == toRate) return (float[])samples.Clone();
        var resampler = new WdlResampler();
        resampler.SetMode(true, 0, true); // sinc interpolation: no aliasing from the 11 kHz band that 16 kHz cannot hold
        resampler.SetFilterParms();
        resampler.SetFeedMode(true);      // we say how many input samples we have
        resampler.SetRates(fromRate, toRate);
        // The filter delays its output; feed silence after the speech so the end of the utterance comes out too.
        int flush = fromRate / 10;
        int inputLength = samples.Length + flush;
        int wanted = resampler.ResamplePrepare(inputLength, 1, out Span<float> input);
        input[..wanted].Clear();
        samples.AsSpan(0, Math.Min(samples.Length, wanted)).CopyTo(input);
        var output = new float[(int)((long)inputLength * toRate / fromRate) + 64];
        int produced = resampler.ResampleOut(output, wanted, output.Length, 1);
        return output[..produced];
    }
}
