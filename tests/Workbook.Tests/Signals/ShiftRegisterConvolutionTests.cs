using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Tests.Signals;

public class ShiftRegisterConvolutionTests
{
    [Fact]
    public void Impulse_response_equals_the_taps()
    {
        var taps = tensor(new float[] { 0.5f, -1, 2, 0.25f });
        var impulse = zeros(10);
        impulse[0] = tensor(1f);
        var response = ShiftRegisterConvolution.Filter(impulse, taps);
        TensorAssert.Equal(new float[] { 0.5f, -1, 2, 0.25f, 0, 0, 0, 0, 0, 0 }, response);
    }

    [Fact]
    public void Mimo_filter_equals_the_sum_written_out_by_hand()
    {
        // y[b, g, n] = Σ_k Σ_f H[k, f, g] x[b, f, n − k], as plain loops over arrays.
        manual_seed(3);
        int B = 2, F = 3, G = 2, N = 9, K = 4;
        var x = randn(B, F, N, dtype: float64);
        var h = randn(K, F, G, dtype: float64);
        var xs = x.data<double>().ToArray();
        var hs = h.data<double>().ToArray();
        var expected = new double[B * G * N];
        for (int b = 0; b < B; b++)
            for (int g = 0; g < G; g++)
                for (int n = 0; n < N; n++)
                    for (int k = 0; k <= Math.Min(n, K - 1); k++)
                        for (int f = 0; f < F; f++)
                            expected[(b * G + g) * N + n] += hs[(k * F + f) * G + g] * xs[(b * F + f) * N + n - k];
        var y = ShiftRegisterConvolution.Filter3D(x, h);
        TensorAssert.Close(tensor(expected).reshape(B, G, N), y, 1e-12);
    }

    [Fact]
    public void Unbatched_input_gives_unbatched_output()
    {
        var y = ShiftRegisterConvolution.Filter3D(randn(3, 20), randn(5, 3, 4));
        Assert.Equal(new long[] { 4, 20 }, y.shape);
    }
}
