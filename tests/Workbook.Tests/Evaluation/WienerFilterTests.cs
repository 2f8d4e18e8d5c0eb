using Workbook.Evaluation;
using Workbook.Signals;
using static TorchSharp.torch;

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
}
