using Workbook.Evaluation;

namespace Workbook.Display;

/// <summary>The denoiser comparison (<see cref="EvaluationTable.Score"/>) as a <see cref="Table"/>.</summary>
public static class ScoreTable
{
    public static Table Of(IEnumerable<DenoiserScore> scores, string? caption = null) =>
        new(new[] { "denoiser", "L1", "MSE", "SNR (dB)", "ΔSNR (dB)", "SI-SDR (dB)", "ΔSI-SDR (dB)" },
            scores.Select(s => (IReadOnlyList<object?>)new object?[]
            {
                s.Name, Math.Round(s.L1, 5), s.Mse, Math.Round(s.SnrDb, 2), Math.Round(s.SnrImprovementDb, 2),
                Math.Round(s.SiSdrDb, 2), Math.Round(s.SiSdrImprovementDb, 2),
            }),
            caption);
}
