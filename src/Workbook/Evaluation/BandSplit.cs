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
/// <para>
/// That gain alone leaves the high band's noise in place wherever the network lets speech through, and above 8 kHz
/// lies most of a white noise's power in a 48 kHz recording. So by default (<see cref="HighBandGate.NoiseFloor"/>) the
/// high band also has a gate of its own, a Wiener-like gain from its noise floor, and gets the smaller of the two:
/// <code>
///   E_h[n]   = a·E_h[n−1] + (1 − a)·h[n]²                       the high band's energy (the same smoothing)
///   N[n]     = the lowest E_h of the last second                 its noise floor
///   g_N[n]   = √max(0, 1 − β·N[n] / E_h[n])                     speech far above the floor: 1; noise alone: 0
///   g[n]     = min(g_follow[n], g_N[n])
/// </code>
/// The floor is minimum statistics in its simplest form: in any second of speech the quietest moment is a pause, and a
/// pause holds only the noise. β over-estimates it a little because the lowest of a noisy energy's values lies below
/// its mean. The lowest value is kept per 10 ms, so the floor costs a comparison per sample. Digital silence is left
/// out of the floor; before the first second of sound the floor is what has been heard so far, and after a start from
/// silence the energy's first rise (three time constants) is left out too, or its near-zero values would hold the gate
/// open for a second.
/// </para>
/// </summary>
public sealed class BandSplit
{
    /// <summary>The time constant of the two energies: about a syllable's onset, short enough to open for speech at once.</summary>
    public const double SmoothingSeconds = 0.01;

    /// <summary>Keeps the ratio defined in digital silence (0/0), where the gain is then 1.</summary>
    public const double Epsilon = 1e-10;

    /// <summary>The high band's noise floor is the lowest energy of this long a stretch: long enough to hold a pause
    /// between words, short enough to follow a noise that changes.</summary>
    public const double FloorWindowSeconds = 1;

    /// <summary>The floor's window is kept as the lowest energy of each of its stretches of this length.</summary>
    public const double FloorStepSeconds = 0.01;

    /// <summary>β: the floor counts as this many times its value, the gap between a noisy energy's lowest values and its mean.</summary>
    public const double FloorOverestimate = 2;

    /// <summary>Below this energy the high band is digitally silent (below a 16-bit recording's resolution) and the floor is left alone.</summary>
    public const double SilentEnergy = 1e-12;

    private readonly double a;
    private readonly HighBandGate gate;
    private double energyIn, energyOut, energyHigh;
    // The noise floor: the lowest energy of each finished step of the window (a ring), their minimum, and the step under way.
    private readonly double[] stepLowest;
    private readonly int stepLength, warmUp;
    private int stepsKept, nextStep, inStep, heard;
    private double windowLowest = double.PositiveInfinity, stepSoFar = double.PositiveInfinity;

    /// <param name="sampleRate">the recording's rate: sets the smoothing per sample</param>
    /// <param name="gate">how the high band is gated: by the network alone, or also by its own noise floor</param>
    public BandSplit(int sampleRate, HighBandGate gate = HighBandGate.NoiseFloor)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "a sample rate must be positive");
        a = Math.Exp(-1.0 / (SmoothingSeconds * sampleRate));
        this.gate = gate;
        stepLength = Math.Max(1, (int)Math.Round(FloorStepSeconds * sampleRate));
        stepLowest = new double[Math.Max(1, (int)Math.Round(FloorWindowSeconds / FloorStepSeconds))];
        warmUp = (int)Math.Ceiling(3 * SmoothingSeconds * sampleRate);
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
        // The state in locals for the loop (the JIT keeps them in registers), written back after it.
        double eIn = energyIn, eOut = energyOut, eHigh = energyHigh, b = 1 - a;
        bool gated = gate == HighBandGate.NoiseFloor;
        for (int n = 0; n < input.Length; n++)
        {
            double l = lowIn[n], lHat = lowOut[n], h = input[n] - l;
            eIn = a * eIn + b * l * l;
            eOut = a * eOut + b * lHat * lHat;
            double ratio = (eOut + Epsilon) / (eIn + Epsilon);
            if (gated)
            {
                eHigh = a * eHigh + b * h * h;
                double floor = NoiseFloor(eHigh);
                if (floor < double.PositiveInfinity)
                {
                    // The smaller of the two gains: compare their squares, and take one square root.
                    double floorRatio = 1 - FloorOverestimate * floor / eHigh;
                    if (floorRatio < ratio) ratio = floorRatio > 0 ? floorRatio : 0;
                }
            }
            double gain = ratio < 1 ? Math.Sqrt(ratio) : 1;
            output[n] = (float)(input[n] + (lHat - l) - (1 - gain) * h);
        }
        (energyIn, energyOut, energyHigh) = (eIn, eOut, eHigh);
    }

    /// <summary>Takes the high band's energy at the next sample; returns its noise floor (+∞ while none has been heard).</summary>
    private double NoiseFloor(double energy)
    {
        if (energy < SilentEnergy) heard = 0;                        // silence: the next sound starts from zero again
        else if (heard < warmUp) heard++;                            // the energy's first rise after silence
        else if (energy < stepSoFar) stepSoFar = energy;
        if (++inStep == stepLength) EndStep();
        return windowLowest < stepSoFar ? windowLowest : stepSoFar;
    }

    /// <summary>A step of the floor's window ends: its lowest energy replaces the oldest in the ring, and the window's lowest is found again.</summary>
    private void EndStep()
    {
        stepLowest[nextStep] = stepSoFar;
        nextStep = (nextStep + 1) % stepLowest.Length;
        stepsKept = Math.Min(stepsKept + 1, stepLowest.Length);
        windowLowest = double.PositiveInfinity;
        for (int i = 0; i < stepsKept; i++) windowLowest = Math.Min(windowLowest, stepLowest[i]);
        stepSoFar = double.PositiveInfinity;
        inStep = 0;
    }

    /// <summary>The whole of <see cref="Join(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on arrays: the full-band output of one recording.</summary>
    public static float[] Join(float[] input, float[] lowIn, float[] lowOut, int sampleRate, HighBandGate gate = HighBandGate.NoiseFloor)
    {
        var output = new float[input.Length];
        new BandSplit(sampleRate, gate).Join(input, lowIn, lowOut, output);
        return output;
    }
}

/// <summary>How <see cref="BandSplit"/> gates the band above the network's.</summary>
public enum HighBandGate
{
    /// <summary>By the network alone: the share of the low band's energy it kept. Exactly transparent: a network that
    /// returns its input gives the recording back bit for bit.</summary>
    FollowNetwork,

    /// <summary>By the network and by the high band's own noise floor, whichever turns it down more (the default): the
    /// high band's steady noise goes also while the network lets speech through.</summary>
    NoiseFloor,
}
