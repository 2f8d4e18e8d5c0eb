using static TorchSharp.torch;

namespace Workbook.Evaluation;

/// <summary>
/// Quality measures of an estimate ŷ of a clean signal y, per clip, in float64.
/// <list type="bullet">
///   <item>SNR = 10·log10(‖y‖² / ‖ŷ − y‖²) dB: how much louder the speech is than what is wrong with the estimate.</item>
///   <item>SI-SDR = 10·log10(‖αy‖² / ‖ŷ − αy‖²) dB with α = ⟨ŷ, y⟩ / ‖y‖²: the same, but blind to the estimate's
///   overall gain, so a quieter but otherwise perfect output is not penalised (Le Roux et al., 2019).</item>
/// </list>
/// </summary>
public static class SignalMetrics
{
    /// <summary>Keeps a perfect estimate from dividing by zero: a 300 dB cap rather than infinity.</summary>
    private const double Tiny = 1e-30;

    /// <summary>SNR in dB of each clip: <paramref name="estimate"/> and <paramref name="clean"/> are <c>[Q, 1, N]</c>, result <c>[Q]</c>.</summary>
    public static double[] SnrDb(Tensor estimate, Tensor clean)
    {
        using var scope = NewDisposeScope();
        var (y, e) = Flatten(clean, estimate);
        var signal = y.square().sum(1L, keepdim: false);
        var error = (e - y).square().sum(1L, keepdim: false);
        return Decibels(signal, error);
    }

    /// <summary>Scale-invariant signal-to-distortion ratio in dB of each clip, <c>[Q, 1, N]</c> in, <c>[Q]</c> out.</summary>
    public static double[] SiSdrDb(Tensor estimate, Tensor clean)
    {
        using var scope = NewDisposeScope();
        var (y, e) = Flatten(clean, estimate);
        var alpha = (e * y).sum(1L, keepdim: true) / (y.square().sum(1L, keepdim: true) + Tiny);
        var target = alpha * y;
        return Decibels(target.square().sum(1L, keepdim: false), (e - target).square().sum(1L, keepdim: false));
    }

    private static (Tensor Clean, Tensor Estimate) Flatten(Tensor clean, Tensor estimate)
    {
        if (!clean.shape.SequenceEqual(estimate.shape))
            throw new ArgumentException(
                $"estimate [{string.Join(", ", estimate.shape)}] and clean [{string.Join(", ", clean.shape)}] must have the same shape");
        long clips = clean.dim() >= 2 ? clean.shape[0] : 1;
        return (clean.to(float64).reshape(clips, -1), estimate.to(float64).reshape(clips, -1));
    }

    private static double[] Decibels(Tensor power, Tensor errorPower) =>
        (10 * ((power + Tiny) / (errorPower + Tiny)).log10()).cpu().data<double>().ToArray();
}
