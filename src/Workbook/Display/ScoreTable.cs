using System.Globalization;
using Workbook.Evaluation;

namespace Workbook.Display;

/// <summary>The denoiser comparison (<see cref="EvaluationTable.Score"/>) as a <see cref="Table"/>.</summary>
public static class ScoreTable
{
    public static Table Of(IEnumerable<DenoiserScore> scores, string? caption = null) =>
        new(new[] { "denoiser", "L1", "MSE", "SNR (dB)", "ΔSNR (dB)", "SI-SDR (dB)", "ΔSI-SDR (dB)" },
            // Fixed decimals, so that a column reads as one kind of number (0.00, 6.20, 7.03; not 0, 6.2, 7.03).
            scores.Select(s => (IReadOnlyList<object?>)new object?[]
            {
                s.Name, Fixed(s.L1, 5), s.Mse.ToString("0.000E+0", CultureInfo.InvariantCulture), Fixed(s.SnrDb, 2), Fixed(s.SnrImprovementDb, 2),
                Fixed(s.SiSdrDb, 2), Fixed(s.SiSdrImprovementDb, 2),
            }),
            caption);

    private static string Fixed(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
