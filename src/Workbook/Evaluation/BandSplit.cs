namespace Workbook.Evaluation;

/// <summary>
/// How <c>denoise</c> keeps the band above the network's: a recording at a rate above the network's is split into a low
/// band, the recording's trip to the network's rate and back (<c>l = up(down(x))</c>, band-limited to the network's
/// Nyquist frequency and aligned in time, the resampler being zero-phase), and a high band, the rest (<c>h = x − l</c>),
/// so that <c>l + h = x</c> by construction. The network denoises the low band (<c>l̂ = up(net(down(x)))</c>); the high
/// band gets one gain per sample, g ∈ [0, 1], the square root of how much of the low band's energy the network kept:
/// <code>
///   E_in[n]  = a·E_in[n−1]  + (1 − a)·l[n]²        E_out[n] = a·E_out[n−1] + (1 − a)·l̂[n]²
///   g[n]     = min(1, √((E_out[n] + ε) / (E_in[n] + ε)))
///   y[n]     = x[n] + (l̂[n] − l[n]) − (1 − g[n])·h[n]        (= l̂ + g·h)
/// </code>
/// When the network passes speech through, g ≈ 1 and the highs (sibilants, breath, air) come back untouched; where it
/// takes noise away (between words, in noise-only stretches), g falls and takes the high band's noise away with it.
/// The gain follows the network instead of a second model, so it needs no training, adds no look-ahead (both energies
/// run over past samples only) and costs a few operations per sample. Written as above, a network that returns its
/// input (l̂ = l) gives g = 1 and y = x exactly, bit for bit.
/// </summary>
public sealed class BandSplit
{
    /// <summary>The time constant of the two energies: about a syllable's onset, short enough to open for speech at once.</summary>
    public const double SmoothingSeconds = 0.01;

    /// <summary>Keeps the ratio defined in digital silence (0/0), where the gain is then 1.</summary>
    public const double Epsilon = 1e-10;

    private readonly double a;
    private double energyIn, energyOut;

    /// <param name="sampleRate">the recording's rate: sets the smoothing per sample</param>
    public BandSplit(int sampleRate)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "a sample rate must be positive");
        a = Math.Exp(-1.0 / (SmoothingSeconds * sampleRate));
    }

    /// <summary>
    /// Joins the next stretch of samples into <paramref name="output"/>: <paramref name="input"/> (x),
    /// <paramref name="lowIn"/> (l, x's trip to the network's rate and back) and <paramref name="lowOut"/> (l̂, the
    /// network's output brought back), all at the recording's rate and of one length. The energies carry over from call
    /// to call, so a file joined in blocks gives what it gives joined at once.
    /// </summary>
    public void Join(ReadOnlySpan<float> input, ReadOnlySpan<float> lowIn, ReadOnlySpan<float> lowOut, Span<float> output)
    {
        if (lowIn.Length != input.Length || lowOut.Length != input.Length || output.Length != input.Length)
            throw new ArgumentException($"the band split needs stretches of one length, not {input.Length}, {lowIn.Length}, {lowOut.Length} and {output.Length}");
        for (int n = 0; n < input.Length; n++)
        {
            double l = lowIn[n], lHat = lowOut[n], h = input[n] - l;
            energyIn = a * energyIn + (1 - a) * l * l;
            energyOut = a * energyOut + (1 - a) * lHat * lHat;
            double gain = Math.Min(1, Math.Sqrt((energyOut + Epsilon) / (energyIn + Epsilon)));
            output[n] = (float)(input[n] + (lHat - l) - (1 - gain) * h);
        }
    }

    /// <summary>The whole of <see cref="Join(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on arrays: the full-band output of one recording.</summary>
    public static float[] Join(float[] input, float[] lowIn, float[] lowOut, int sampleRate)
    {
        var output = new float[input.Length];
        new BandSplit(sampleRate).Join(input, lowIn, lowOut, output);
        return output;
    }
}
