using Workbook.Evaluation;
using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Evaluation;

public class WienerFilterTests
{
    [Fact]
    public void Equals_the_least_squares_solution_of_the_explicit_data_matrix()
    {
        manual_seed(1);
        int Q = 3, N = 60, P = 7;
        var noisy = randn(new long[] { Q, 1, N }, dtype: float64);
        var clean = randn(new long[] { Q, 1, N }, dtype: float64);
        // Rows n of clip q: [x[n], x[n−1], …, x[n−P+1]] (zeros before time 0); target y[n].
        var rows = new List<Tensor>();
        for (int k = 0; k < P; k++) rows.Add(ShiftOperator.Shift(noisy.squeeze(1), k).reshape(-1));
        var A = stack(rows, 1);                         // [Q·N, P]
        var b = clean.reshape(-1, 1);
        var direct = linalg.lstsq(A, b).Solution.squeeze(1);
        var fitted = WienerFilter.Fit(noisy, clean, P);
        TensorAssert.Close(direct, fitted.Taps, 1e-8);
    }

    [Fact]
    public void Recovers_the_filter_that_made_the_data()
    {
        manual_seed(2);
        var truth = tensor(new double[] { 0.5, -0.3, 0.2, 0.1 });
        var noisy = randn(new long[] { 4, 1, 500 }, dtype: float64);
        var clean = CausalConvolution.Filter(noisy, truth.view(-1, 1, 1), ConvolutionAlgorithm.Direct);
        var fitted = WienerFilter.Fit(noisy, clean, 6);
        TensorAssert.Close(cat(new[] { truth, zeros(2, dtype: float64) }), fitted.Taps, 1e-6);
        TensorAssert.Close(clean, fitted.Denoise(noisy), 1e-6);
    }

    [Fact]
    public void Refuses_multichannel_pairs()
    {
        var e = Assert.Throws<ArgumentException>(() => WienerFilter.Fit(randn(2, 2, 10), randn(2, 2, 10)));
        Assert.Contains("[Q, 1, N]", e.Message);
    }

    [Fact]
    public void More_taps_than_samples_still_fit_the_data_exactly()
    {
        // With P ≥ N the filter can reproduce any target from a clip whose first sample is not zero; the taps beyond N never act.
        manual_seed(4);
        var noisy = randn(new long[] { 1, 1, 5 }, dtype: float64);
        var clean = randn(new long[] { 1, 1, 5 }, dtype: float64);
        var fitted = WienerFilter.Fit(noisy, clean, 8);
        Assert.Equal(8, fitted.Taps.shape[0]);
        TensorAssert.Close(clean, fitted.Denoise(noisy), 1e-5);
        Assert.Equal("linear FIR (8 taps, least squares)", fitted.Name);
    }

    [Fact]
    public void The_normal_equations_count_only_products_inside_each_clip()
    {
        // The correction at the clip ends matters most for short clips with many taps: against the data matrix again,
        // with P close to N and several clips, in float32 input as the command line passes it.
        manual_seed(6);
        int Q = 4, N = 12, P = 9;
        var noisy = randn(Q, 1, N);
        var clean = randn(Q, 1, N);
        var x = noisy.to(float64).squeeze(1);
        var rows = new List<Tensor>();
        for (int k = 0; k < P; k++) rows.Add(ShiftOperator.Shift(x, k).reshape(-1));
        var direct = linalg.lstsq(stack(rows, 1), clean.to(float64).reshape(-1, 1)).Solution.squeeze(1);
        TensorAssert.Close(direct, WienerFilter.Fit(noisy, clean, P).Taps, 1e-6);
    }

    [Fact]
    public void A_filter_needs_a_tap_and_pairs_of_equal_shape()
    {
        Assert.Equal("P", Assert.Throws<ArgumentOutOfRangeException>(() => WienerFilter.Fit(randn(2, 1, 10), randn(2, 1, 10), 0)).ParamName);
        Assert.Contains("[2, 1, 10]", Assert.Throws<ArgumentException>(() => WienerFilter.Fit(randn(2, 1, 10), randn(2, 1, 11))).Message);
        Assert.Throws<ArgumentException>(() => WienerFilter.Fit(randn(2, 10), randn(2, 10)));
        using var one = WienerFilter.Fit(randn(2, 1, 10), randn(2, 1, 10), 1).Taps;
        Assert.Equal(1, one.shape[0]);
    }
}
