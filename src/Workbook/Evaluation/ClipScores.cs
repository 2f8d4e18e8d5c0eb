using static TorchSharp.torch;

namespace Workbook.Evaluation;

/// <summary>
/// One denoiser's scores on every clip, so that any group of clips (a noise kind, an SNR band) can be scored by
/// averaging: every column of <see cref="DenoiserScore"/> is a mean over clips of equal length, so a group's row is
/// the mean of its clips' values and the whole set's row is the count-weighted mean of its groups' rows.
/// </summary>
public sealed record ClipScores(string Name, double[] L1, double[] Mse, double[] SnrDb, double[] SnrImprovementDb, double[] SiSdrDb, double[] SiSdrImprovementDb)
{
    /// <summary>Runs <paramref name="denoiser"/> on <paramref name="noisy"/> and scores each clip against <paramref name="clean"/>.</summary>
    public static ClipScores Of(IDenoiser denoiser, Tensor noisy, Tensor clean)
    {
        using var scope = NewDisposeScope();
        var output = denoiser.Denoise(noisy);
        var error = (output - clean).to(float64).flatten(1);
        var l1 = error.abs().mean([1]).cpu().data<double>().ToArray();
        var mse = error.square().mean([1]).cpu().data<double>().ToArray();
        var snr = SignalMetrics.SnrDb(output, clean);
        var siSdr = SignalMetrics.SiSdrDb(output, clean);
        var inputSnr = SignalMetrics.SnrDb(noisy, clean);
        var inputSiSdr = SignalMetrics.SiSdrDb(noisy, clean);
        return new ClipScores(denoiser.Name, l1, mse, snr, snr.Zip(inputSnr, (a, b) => a - b).ToArray(),
            siSdr, siSdr.Zip(inputSiSdr, (a, b) => a - b).ToArray());
    }

    /// <summary>The mean of each column over the clips <paramref name="indices"/> (all clips when null).</summary>
    public DenoiserScore Mean(IReadOnlyList<int>? indices = null)
    {
        var chosen = indices ?? Enumerable.Range(0, L1.Length).ToArray();
        if (chosen.Count == 0) throw new ArgumentException("a group needs at least one clip", nameof(indices));
        double Average(double[] values) => chosen.Average(i => values[i]);
        return new DenoiserScore(Name, Average(L1), Average(Mse), Average(SnrDb), Average(SnrImprovementDb), Average(SiSdrDb), Average(SiSdrImprovementDb));
    }
}

/// <summary>A named group of test clips, by their positions in the test set.</summary>
public sealed record ClipGroup(string Name, IReadOnlyList<int> Indices);

/// <summary>One row of a grouped comparison: a denoiser's mean scores over one group of clips.</summary>
public sealed record GroupScore(string Group, int Clips, DenoiserScore Score);

/// <summary>
/// The comparison split by noise kind and by input-SNR band (<c>evaluate --by-noise</c>).
/// </summary>
public static class ScoreBreakdown
{
    /// <summary>Input-SNR bands, in dB: below 3, 3 to 6, 6 and above (the bundled set spans 0–10 dB).</summary>
    public static IReadOnlyList<(string Name, double Low, double High)> SnrBands { get; } =
    [
        ("input SNR < 3 dB", double.NegativeInfinity, 3),
        ("input SNR 3-6 dB", 3, 6),
        ("input SNR >= 6 dB", 6, double.PositiveInfinity),
    ];

    /// <summary>The test clips grouped by the input SNR measured on them (noisy against clean); empty bands are left out.</summary>
    public static IReadOnlyList<ClipGroup> BySnrBand(Tensor noisy, Tensor clean)
    {
        var snr = SignalMetrics.SnrDb(noisy, clean);
        return SnrBands
            .Select(b => new ClipGroup(b.Name, Enumerable.Range(0, snr.Length).Where(q => snr[q] >= b.Low && snr[q] < b.High).ToArray()))
            .Where(g => g.Indices.Count > 0).ToArray();
    }

    /// <summary>The test clips grouped by a label per clip (e.g. the noise kind), in the order the labels first appear in <paramref name="order"/>.</summary>
    public static IReadOnlyList<ClipGroup> ByLabel(IReadOnlyList<string> labels, IEnumerable<string> order) =>
        order.Select(label => new ClipGroup(label, Enumerable.Range(0, labels.Count).Where(q => labels[q] == label).ToArray()))
             .Where(g => g.Indices.Count > 0).ToArray();

#if !STUDENT_KIT
    // The student kit leaves the split out (it is Exercise 4.2's answer), and with it this grouping.
    /// <summary>
    /// The test clips of the bundled set grouped by noise kind (white, pink, brown, hum, babble), for the split of
    /// <paramref name="testCount"/> and <paramref name="splitSeed"/> (<see cref="Data.DataSplit"/>): test clip q is the
    /// manifest's clip <c>Permutation[q]</c>.
    /// </summary>
    public static IReadOnlyList<ClipGroup> ByNoiseKind(Data.BundledManifest manifest, int testCount, int splitSeed)
    {
        var order = Data.DataSplit.Permutation(manifest.Clips.Count, splitSeed);
        var kinds = order[..testCount].Select(i => manifest.Clips[(int)i].Noise.ToString().ToLowerInvariant()).ToArray();
        return ByLabel(kinds, Data.BackgroundNoise.Kinds.Select(k => k.ToString().ToLowerInvariant()));
    }
#endif

    /// <summary>Each group's row for each denoiser, group by group.</summary>
    public static IReadOnlyList<GroupScore> Score(IReadOnlyList<ClipScores> scores, IReadOnlyList<ClipGroup> groups) =>
        groups.SelectMany(g => scores.Select(s => new GroupScore(g.Name, g.Indices.Count, s.Mean(g.Indices)))).ToArray();
}
