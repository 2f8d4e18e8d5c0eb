using static TorchSharp.torch;
using Workbook.FilterBank;

namespace Workbook.Tests.FilterBank;

/// <summary>The pitch comb's parts against their definitions: the period of a voice-like tone, the input one period back,
/// and the correlation of two bands within a frame.</summary>
public class PitchCombTests
{
    /// <summary>A buzz with its fundamental at <paramref name="frequency"/> Hz (16 kHz) and harmonics falling off as 1/h,
    /// as a voiced sound's do, with a little white noise.</summary>
    private static Tensor Buzz(double frequency, int samples, double noise = 0.05)
    {
        manual_seed(4);
        var n = arange(samples, dtype: float64) / 16000;
        var buzz = zeros(samples, dtype: float64);
        for (int h = 1; h * frequency < 4000; h++) buzz += sin(2 * Math.PI * h * frequency * n + h) / h;
        return (buzz + noise * randn(samples, dtype: float64)).view(1, 1, samples);
    }

    [Theory]
    [InlineData(160.0, 100)]   // a woman's voice: 100 samples
    [InlineData(100.0, 160)]   // a man's
    [InlineData(250.0, 64)]    // a child's
    public void The_period_of_a_buzz_is_found_once_its_window_holds_it(double frequency, int period)
    {
        const int window = 512, hop = 32, bins = 32, samples = 4000;
        var power = LowSpectrum.Power(Buzz(frequency, samples), window, hop, bins);
        var periods = PitchComb.Periods(power, window, 20, 256);
        Assert.Equal(new long[] { 1, samples / hop }, periods.shape);
        var found = periods[0].data<long>().ToArray();
        for (int t = window / hop + 1; t < found.Length; t++)
            Assert.True(Math.Abs(found[t] - period) <= 1, $"frame {t}: a period of {found[t]} samples instead of {period}");
    }

    [Fact]
    public void Each_frame_takes_the_period_of_the_window_that_ends_where_it_begins_and_the_first_that_of_silence()
    {
        const int window = 64, hop = 8, bins = 8;
        manual_seed(5);
        var x = randn(2, 1, 200, dtype: float64);
        var power = LowSpectrum.Power(x, window, hop, bins);
        var periods = PitchComb.Periods(power, window, 3, 40);
        Assert.Equal(3, periods[0, 0].item<long>());   // silence: every lag alike, the shortest
        // Frame t's period is the peak of Σ_{k ≥ 1} P_k cos(2πkτ/W) over frame t − 1's bins.
        var p = power.data<double>().ToArray();
        long frames = power.shape[2];
        for (int b = 0; b < 2; b++)
            for (int t = 1; t < frames; t++)
            {
                double Autocorrelation(int lag) => Enumerable.Range(1, bins - 1).Sum(k => p[(b * bins + k) * frames + t - 1] * Math.Cos(2 * Math.PI * k * lag / window));
                int expected = Enumerable.Range(3, 38).MaxBy(Autocorrelation);
                Assert.Equal(expected, periods[b, t].item<long>());
            }
        // Causal: a change after a frame's start changes no period of that frame or before.
        var changed = x.clone();
        changed[.., .., 100] += 3;
        var after = PitchComb.Periods(LowSpectrum.Power(changed, window, hop, bins), window, 3, 40);
        long unchanged = 100 / hop + 1;
        Assert.Equal(periods.narrow(1, 0, unchanged).data<long>().ToArray(), after.narrow(1, 0, unchanged).data<long>().ToArray());
        Assert.NotEqual(periods.data<long>().ToArray(), after.data<long>().ToArray());
    }

    [Fact]
    public void One_period_back_is_the_input_delayed_by_each_frames_period_zeros_before_the_start()
    {
        const int hop = 4, samples = 23;
        var x = arange(1, samples + 1, dtype: float32).view(1, 1, samples);
        var periods = tensor(new long[] { 2, 5, 1, 9, 3, 4 }).view(1, 6);
        var back = PitchComb.OnePeriodBack(x, periods, hop, 9).view(-1).data<float>().ToArray();
        for (int n = 0; n < samples; n++)
        {
            long lag = periods[0, n / hop].item<long>();
            Assert.Equal(n - lag < 0 ? 0 : n - lag + 1, back[n]);
        }
    }

    [Fact]
    public void The_correlation_is_that_of_each_frames_samples_1_for_a_copy_minus_1_for_its_negative_0_for_silence()
    {
        const int hop = 5;
        manual_seed(6);
        var a = randn(2, 3, 23, dtype: float64);
        var b = randn(2, 3, 23, dtype: float64);
        var correlation = PitchComb.Correlation(a, b, hop);
        Assert.Equal(new long[] { 2, 3, 5 }, correlation.shape);
        for (int t = 0; t < 5; t++)
        {
            long length = Math.Min(hop, 23 - t * hop);
            var fa = a.narrow(2, t * hop, length);
            var fb = b.narrow(2, t * hop, length);
            var expected = (fa * fb).sum([2]) / (fa.square().sum([2]) * fb.square().sum([2])).sqrt();
            TensorAssert.Close(expected, correlation[.., .., t], 1e-9, $"frame {t}");
        }
        TensorAssert.Close(ones_like(correlation), PitchComb.Correlation(a, 3 * a, hop), 1e-9, "a copy");
        TensorAssert.Close(-ones_like(correlation), PitchComb.Correlation(a, -a, hop), 1e-9, "its negative");
        TensorAssert.Close(zeros_like(correlation), PitchComb.Correlation(a, zeros_like(a), hop), 0, "silence");
    }
}

/// <summary>The noise floor's running minimum against its definition.</summary>
public class RunningMinimumTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(250)]
    [InlineData(300)]   // longer than the values
    public void Each_value_is_the_lowest_of_the_last_window_values(int window)
    {
        manual_seed(window);
        var values = randn(2, 3, 260, dtype: float64);
        values[0, 1, 17] = double.PositiveInfinity;
        var lowest = FilterBankCnn.RunningMinimum(values, window).data<double>().ToArray();
        var v = values.data<double>().ToArray();
        for (int row = 0; row < 6; row++)
            for (int t = 0; t < 260; t++)
            {
                double expected = Enumerable.Range(Math.Max(0, t - window + 1), Math.Min(window, t + 1)).Min(s => v[row * 260 + s]);
                Assert.Equal(expected, lowest[row * 260 + t]);
            }
    }
}
