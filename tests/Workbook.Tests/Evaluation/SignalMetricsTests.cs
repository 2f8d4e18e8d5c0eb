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
