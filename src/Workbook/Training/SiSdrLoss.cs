using static TorchSharp.torch;

namespace Workbook.Training;

/// <summary>
/// The negative mean SI-SDR in dB as a loss (Le Roux et al., 2019): per clip, α = ⟨ŷ, y⟩ / ‖y‖², and
/// SI-SDR = 10·log10(‖αy‖² / ‖ŷ − αy‖²). Minimising it maximises the measure the comparison reports, and, unlike the
/// L1 loss, it weighs a quiet clip as much as a loud one. Differentiable through libtorch's own operations.
/// </summary>
public static class SiSdrLoss
{
    /// <summary>Keeps a silent clip or a perfect estimate from giving log(0).</summary>
    private const double Epsilon = 1e-8;

    /// <summary>−mean over clips of SI-SDR(ŷ, y) in dB; <c>[B, 1, N]</c> each, a scalar out.</summary>
    public static Tensor Compute(Tensor estimate, Tensor clean)
    {
        using var scope = NewDisposeScope();
        var e = estimate.flatten(1);
        var y = clean.flatten(1);
        var alpha = (e * y).sum(1L, keepdim: true) / (y.square().sum(1L, keepdim: true) + Epsilon);
        var target = alpha * y;
        var ratio = (target.square().sum(1L, keepdim: false) + Epsilon) / ((e - target).square().sum(1L, keepdim: false) + Epsilon);
        return (-10 * ratio.log10().mean()).MoveToOuterDisposeScope();
    }

    /// <summary>−mean over clips of SNR(ŷ, y) = 10·log10(‖y‖² / ‖ŷ − y‖²) in dB; <c>[B, 1, N]</c> each, a scalar out.</summary>
    /// <param name="ceilingDb">
    /// infinity: the plain SNR. Finite: the soft-capped SNR 10·log10(‖y‖² / (‖ŷ − y‖² + τ‖y‖²)), τ = 10^(−ceiling/10),
    /// which tends to the ceiling as the error vanishes. A clean input passed through almost untouched has an SNR of
    /// 60 dB or more, and the plain SNR's gradient, which grows as 1/‖ŷ − y‖², would then spend the steps on polishing
    /// it instead of on the noisy clips; above the ceiling the loss stops asking for more.
    /// </param>
    public static Tensor Snr(Tensor estimate, Tensor clean, double ceilingDb = double.PositiveInfinity)
    {
        if (double.IsNaN(ceilingDb)) throw new ArgumentException("the SNR ceiling must be a number of dB or infinity", nameof(ceilingDb));
        using var scope = NewDisposeScope();
        var e = estimate.flatten(1);
        var y = clean.flatten(1);
        var power = y.square().sum(1L, keepdim: false);
        double tau = double.IsPositiveInfinity(ceilingDb) ? 0 : Math.Pow(10, -ceilingDb / 10);
        var ratio = (power + Epsilon) / ((e - y).square().sum(1L, keepdim: false) + tau * power + Epsilon);
        return (-10 * ratio.log10().mean()).MoveToOuterDisposeScope();
    }
}
