using Workbook.Evaluation;
using static TorchSharp.torch;

namespace Workbook.Tests.Evaluation;

public class SignalMetricsTests
{
    [Fact]
    public void Snr_of_a_known_error_power()
    {
        // y = ±1 square wave (power 1); error of constant 0.1 (power 0.01): SNR = 20 dB exactly.
        var clean = tensor(Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? 1.0 : -1.0).ToArray()).view(1, 1, -1);
        var estimate = clean + 0.1;
        Assert.Equal(20.0, SignalMetrics.SnrDb(estimate, clean)[0], 9);
    }

    [Fact]
    public void Si_sdr_ignores_gain_but_snr_does_not()
    {
        var clean = randn(new long[] { 3, 1, 500 }, dtype: float64);
        var scaled = 0.5 * clean;
        Assert.All(SignalMetrics.SiSdrDb(scaled, clean), v => Assert.True(v > 200));
        Assert.All(SignalMetrics.SnrDb(scaled, clean), v => Assert.Equal(10 * Math.Log10(4), v, 9)); // error = y/2
    }

    [Fact]
    public void Si_sdr_of_clean_plus_orthogonal_noise_is_its_power_ratio()
    {
        // Two orthogonal sequences: a cosine and a sine of the same whole number of periods.
        int n = 1000;
        var t = arange(n, dtype: float64) * (2 * Math.PI * 10 / n);
        var clean = t.cos().view(1, 1, n);
        var noise = 0.1 * t.sin().view(1, 1, n);
        Assert.Equal(20.0, SignalMetrics.SiSdrDb(clean + noise, clean)[0], 6);
    }
}

/// <summary>The metrics at their edges: silence, perfect estimates, shapes.</summary>
public class SignalMetricsEdgeTests
{
    [Fact]
    public void A_perfect_estimate_scores_a_large_finite_ratio_not_infinity()
    {
        var clean = tensor(new double[] { 1, -1, 1, -1 }).view(1, 1, 4);
        double snr = SignalMetrics.SnrDb(clean, clean)[0];
        // 10·log10((4 + 1e-30) / 1e-30) = 10·log10(4) + 300.
        Assert.Equal(300 + 10 * Math.Log10(4), snr, 6);
        Assert.True(double.IsFinite(SignalMetrics.SiSdrDb(clean, clean)[0]));
    }

    [Fact]
    public void Silence_estimated_with_an_error_scores_far_below_zero_not_NaN()
    {
        var silence = zeros(1, 1, 4, dtype: float64);
        var estimate = tensor(new double[] { 0.5, 0, 0, 0 }).view(1, 1, 4);
        // 10·log10(1e-30 / (0.25 + 1e-30)) = −300 + 10·log10(4).
        Assert.Equal(-300 + 10 * Math.Log10(4), SignalMetrics.SnrDb(estimate, silence)[0], 6);
        Assert.Equal(0, SignalMetrics.SnrDb(silence, silence)[0], 9);
        Assert.All(SignalMetrics.SiSdrDb(estimate, silence), v => Assert.False(double.IsNaN(v)));
    }

    [Fact]
    public void Si_sdr_scales_the_clean_signal_by_the_projection_of_the_estimate()
    {
        // ŷ = 2y + e with e ⟂ y: α = 2, target 2y, SI-SDR = 10·log10(‖2y‖² / ‖e‖²).
        var y = tensor(new double[] { 1, 0, -1, 0 }).view(1, 1, 4);
        var e = tensor(new double[] { 0, 0.5, 0, -0.5 }).view(1, 1, 4);
        double expected = 10 * Math.Log10((4 * 2.0) / 0.5);
        Assert.Equal(expected, SignalMetrics.SiSdrDb(2 * y + e, y)[0], 9);
    }

    [Fact]
    public void Each_clip_is_scored_on_its_own_and_a_single_clip_may_be_one_dimensional()
    {
        var clean = tensor(new double[] { 1, -1, 1, -1, 2, -2, 2, -2 }).view(2, 1, 4);
        var estimate = clean + 0.1;
        var snr = SignalMetrics.SnrDb(estimate, clean);
        Assert.Equal(2, snr.Length);
        Assert.Equal(20.0, snr[0], 9);
        Assert.Equal(10 * Math.Log10(4 / 0.01), snr[1], 9);
        Assert.Equal(20.0, SignalMetrics.SnrDb(estimate[0, 0], clean[0, 0]).Single(), 9);
    }

    [Fact]
    public void Estimates_of_another_shape_are_refused_naming_both()
    {
        var e = Assert.Throws<ArgumentException>(() => SignalMetrics.SnrDb(zeros(2, 1, 5), zeros(2, 1, 6)));
        Assert.Contains("[2, 1, 5]", e.Message);
        Assert.Contains("[2, 1, 6]", e.Message);
        Assert.Throws<ArgumentException>(() => SignalMetrics.SiSdrDb(zeros(2, 1, 5), zeros(2, 1, 6)));
    }
}
