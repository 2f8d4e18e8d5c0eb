using System.Globalization;
using System.Text;
using Workbook.Data;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Evaluation;

/// <summary>One row of the comparison: a denoiser's mean scores over the test clips.</summary>
/// <param name="Name">the denoiser</param>
/// <param name="L1">mean |ŷ − y|</param>
/// <param name="Mse">mean (ŷ − y)²</param>
/// <param name="SnrDb">mean over clips of the output's SNR</param>
/// <param name="SnrImprovementDb">mean over clips of SNR(output) − SNR(noisy input)</param>
/// <param name="SiSdrDb">mean over clips of the output's SI-SDR</param>
/// <param name="SiSdrImprovementDb">mean over clips of SI-SDR(output) − SI-SDR(noisy input)</param>
public sealed record DenoiserScore(string Name, double L1, double Mse, double SnrDb, double SnrImprovementDb, double SiSdrDb, double SiSdrImprovementDb);

/// <summary>Scores denoisers on the same clips and prints them as a table.</summary>
public static class EvaluationTable
{
    /// <summary>Scores each denoiser on <paramref name="clips"/>, the garbage collector held off meanwhile (<see cref="CollectorPause"/>).</summary>
    public static IReadOnlyList<DenoiserScore> Score(PairedClips clips, IEnumerable<IDenoiser> denoisers)
    {
        using var pause = CollectorPause.Begin();
        var inputSnr = SignalMetrics.SnrDb(clips.Noisy, clips.Clean);
        var inputSiSdr = SignalMetrics.SiSdrDb(clips.Noisy, clips.Clean);
        var rows = new List<DenoiserScore>();
        foreach (var denoiser in denoisers)
        {
            using var scope = NewDisposeScope();
            var output = denoiser.Denoise(clips.Noisy);
            var errors = new ErrorSums();
            errors.Add(output, clips.Clean);
            var snr = SignalMetrics.SnrDb(output, clips.Clean);
            var siSdr = SignalMetrics.SiSdrDb(output, clips.Clean);
            rows.Add(new DenoiserScore(denoiser.Name,
                errors.MeanAbsolute, errors.MeanSquared,
                snr.Average(), snr.Zip(inputSnr, (a, b) => a - b).Average(),
                siSdr.Average(), siSdr.Zip(inputSiSdr, (a, b) => a - b).Average()));
        }
        return rows;
    }

    /// <summary>Scores each denoiser on every clip of <paramref name="clips"/> (see <see cref="ClipScores"/>), the garbage collector held off meanwhile.</summary>
    public static IReadOnlyList<ClipScores> ScorePerClip(PairedClips clips, IEnumerable<IDenoiser> denoisers)
    {
        using var pause = CollectorPause.Begin();
        return denoisers.Select(d => ClipScores.Of(d, clips.Noisy, clips.Clean)).ToArray();
    }

    /// <summary>A fixed-width text table (for the command line and notebooks).</summary>
    public static string Format(IReadOnlyList<DenoiserScore> rows)
    {
        int nameWidth = Math.Max(8, rows.Max(r => r.Name.Length));
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{"denoiser".PadRight(nameWidth)}  {"L1",9}  {"MSE",10}  {"SNR dB",7}  {"ΔSNR dB",8}  {"SI-SDR dB",9}  {"ΔSI-SDR dB",10}"));
        foreach (var r in rows)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name.PadRight(nameWidth)}  {r.L1,9:F5}  {r.Mse,10:E3}  {r.SnrDb,7:F2}  {r.SnrImprovementDb,8:F2}  {r.SiSdrDb,9:F2}  {r.SiSdrImprovementDb,10:F2}"));
        return text.ToString();
    }
}
