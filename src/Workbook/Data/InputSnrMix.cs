namespace Workbook.Data;

/// <summary>
/// The input SNRs a denoiser is trained on: a share of clean inputs (no noise at all, SNR = ∞) and the rest at an SNR
/// drawn uniformly between <paramref name="LowestDb"/> and <paramref name="HighestDb"/>. A network that only ever sees
/// 0–10 dB learns to take something away from every input; one that also sees clean and nearly clean speech learns
/// that sometimes the right correction is none, so mild noise and clean recordings come out no worse than they went in.
/// </summary>
/// <param name="LowestDb">the noisiest input, in dB SNR</param>
/// <param name="HighestDb">the mildest noisy input, in dB SNR</param>
/// <param name="CleanShare">the fraction of inputs with no noise, 0 ≤ share &lt; 1</param>
/// <param name="QuietestDb">each pair (noisy and clean alike) is scaled by a gain drawn between this many dB and
/// <paramref name="LoudestDb"/>, so the network meets speech at many levels, as recordings come (both 0: every pair at
/// the data set's own level)</param>
/// <param name="LoudestDb">the largest of those gains, in dB</param>
public sealed record InputSnrMix(double LowestDb, double HighestDb, double CleanShare, double QuietestDb = 0, double LoudestDb = 0)
{
    /// <summary>
    /// The filter-bank recipe's mix: a tenth clean, the rest 0–40 dB (so that 30 dB, the mildest noise it is scored on,
    /// lies inside the range, not at its thin edge), levels from −20 dB to +6 dB: louder than the bundled clips too, so
    /// that their own level (peaks near 0.7) is not at the edge either. Trained at −20 to 0 dB, a network cost held-out
    /// voices peaking at 0.7 2.9 dB at 30 dB input, the same voices at a peak of 0.2 1.5 dB (docs/beyond-the-lab.md).
    /// </summary>
    public static InputSnrMix Default { get; } = new(0, 40, 0.1, -20, 6);

    /// <summary>
    /// One pair's draw from <paramref name="random"/>: its input SNR (null for a clean input, else a number of dB in the
    /// range) and the gain, in dB, applied to the pair.
    /// </summary>
    public (double? SnrDb, double GainDb) Draw(SeededRandom random)
    {
        double share = random.NextDouble(), position = random.NextDouble(), level = random.NextDouble();
        return (share < CleanShare ? null : LowestDb + (HighestDb - LowestDb) * position, QuietestDb + (LoudestDb - QuietestDb) * level);
    }

    /// <summary>Throws an error naming the first setting that makes no sense.</summary>
    public void Validate()
    {
        if (!double.IsFinite(LowestDb) || !double.IsFinite(HighestDb) || LowestDb > HighestDb)
            throw new ArgumentException($"the input SNR range must run from a finite lowest to a finite highest dB, not {LowestDb}…{HighestDb}");
        if (!(CleanShare >= 0 && CleanShare < 1))
            throw new ArgumentException($"the share of clean inputs must be at least 0 and below 1, not {CleanShare}");
        if (!double.IsFinite(QuietestDb) || !double.IsFinite(LoudestDb) || QuietestDb > LoudestDb)
            throw new ArgumentException($"the levels must run from a finite quietest to a finite loudest dB, not {QuietestDb}…{LoudestDb}");
    }

    public override string ToString() =>
        FormattableString.Invariant($"{CleanShare * 100:0.#}% clean, the rest {LowestDb:0.#}–{HighestDb:0.#} dB SNR, levels {QuietestDb:0.#}–{LoudestDb:0.#} dB");
}
