using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Tests.Training;

/// <summary>
/// The SI-SDR loss where its ε matters: a silent clean clip, a perfect estimate and a clean clip whose energy is ε
/// itself must each give a finite loss (log of a positive ratio), as its definition promises.
/// </summary>
public sealed class SiSdrLossEdgeTests
{
    private static double Loss(float[] estimate, float[] clean)
    {
        using var e = tensor(estimate).reshape(1, 1, -1);
        using var y = tensor(clean).reshape(1, 1, -1);
        using var loss = SiSdrLoss.Compute(e, y);
        return loss.item<float>();
    }

    [Fact]
    public void A_silent_clean_clip_gives_a_finite_loss()
    {
        // α = 0, so the target is silent: SI-SDR = 10·log10(ε / (‖ŷ‖² + ε)) = 10·log10(1e-8 / 1.00000001) ≈ −80 dB.
        Assert.Equal(80, Loss([0.6f, 0.8f], [0, 0]), 2);
    }

    [Fact]
    public void A_perfect_estimate_gives_a_finite_loss()
    {
        // ‖ŷ − αy‖² ≈ 0, so SI-SDR ≈ 10·log10((‖y‖² + ε) / ε) = 10·log10(1e8 + 1) = 80 dB for ‖y‖² = 1.
        Assert.Equal(-80, Loss([0.6f, 0.8f], [0.6f, 0.8f]), 1);
    }

    [Fact]
    public void A_clean_clip_of_energy_epsilon_gives_a_finite_loss()
    {
        double loss = Loss([1e-4f, 0], [1e-4f, 0]);
        Assert.True(double.IsFinite(loss), $"loss {loss}");
    }
}
