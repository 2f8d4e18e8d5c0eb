using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Fast;

public class CausalConvolutionTests
{
    public static TheoryData<ConvolutionAlgorithm> FastAlgorithms => new() { ConvolutionAlgorithm.OverlapSave, ConvolutionAlgorithm.Blocked, ConvolutionAlgorithm.Direct, ConvolutionAlgorithm.Fft, ConvolutionAlgorithm.Simd, ConvolutionAlgorithm.Auto };

    /// <summary>The algorithms that compute float64 too (Simd is float32 only), so that finite differences can check their gradients.</summary>
    public static TheoryData<ConvolutionAlgorithm> DoublePrecisionAlgorithms => new() { ConvolutionAlgorithm.OverlapSave, ConvolutionAlgorithm.Blocked, ConvolutionAlgorithm.Direct, ConvolutionAlgorithm.Fft, ConvolutionAlgorithm.Auto };

    [Theory]
    [MemberData(nameof(FastAlgorithms))]
    public void Fast_paths_equal_the_reference_on_random_sizes(ConvolutionAlgorithm algorithm)
    {
        var random = new Random(11);
        manual_seed(11);
        var cases = new List<(int B, int F, int G, int N, int K)> { (2, 1, 1, 50, 1), (1, 2, 3, 7, 12), (3, 1, 5, 400, 40), (2, 5, 1, 1000, 40) };
        for (int i = 0; i < 6; i++)
            cases.Add((random.Next(1, 4), random.Next(1, 6), random.Next(1, 6), random.Next(1, 300), random.Next(1, 60)));
        foreach (var (B, F, G, N, K) in cases)
        {
            var x = randn(B, F, N);
            var h = randn(K, F, G);
            var reference = ShiftRegisterConvolution.Filter3D(x, h);
            var fast = CausalConvolution.Filter(x, h, algorithm);
            TensorAssert.Close(reference, fast, 1e-5, $"{algorithm} B={B} F={F} G={G} N={N} K={K}");
        }
    }

    [Theory]
    [MemberData(nameof(FastAlgorithms))]
    public void A_delayed_input_gives_the_equally_delayed_output(ConvolutionAlgorithm algorithm)
    {
        manual_seed(5);
        var x = randn(2, 3, 200);
        var h = randn(30, 3, 2);
        const int delay = 17;
        var direct = CausalConvolution.Filter(ShiftOperator.Shift(x, delay), h, algorithm);
        var delayedOutput = ShiftOperator.Shift(CausalConvolution.Filter(x, h, algorithm), delay);
        TensorAssert.Close(delayedOutput, direct, 1e-5);
    }

    [Theory]
    [MemberData(nameof(FastAlgorithms))]
    public void The_output_never_depends_on_future_input(ConvolutionAlgorithm algorithm)
    {
        manual_seed(6);
        var x = randn(1, 2, 100);
        var h = randn(25, 2, 2);
        var changedFuture = x.clone();
        changedFuture.narrow(2, 60, 40).copy_(randn(1, 2, 40));
        var before = CausalConvolution.Filter(x, h, algorithm).narrow(2, 0, 60);
        var after = CausalConvolution.Filter(changedFuture, h, algorithm).narrow(2, 0, 60);
        TensorAssert.Close(before, after, 1e-6);
    }

    [Theory]
    [MemberData(nameof(FastAlgorithms))]
    public void Each_batch_entry_is_filtered_independently(ConvolutionAlgorithm algorithm)
    {
        manual_seed(7);
        var x = randn(4, 3, 300);
        var h = randn(40, 3, 2);
        var batched = CausalConvolution.Filter(x, h, algorithm);
        for (int b = 0; b < 4; b++)
            TensorAssert.Close(CausalConvolution.Filter(x[b], h, algorithm), batched[b], 1e-6, $"clip {b}");
    }

    [Theory]
    [MemberData(nameof(DoublePrecisionAlgorithms))]
    public void Gradients_match_finite_differences(ConvolutionAlgorithm algorithm)
    {
        // In float64 the central difference of a weighted sum of outputs is exact to ~1e-9 for a linear map.
        manual_seed(8);
        var x = randn(new long[] { 2, 2, 30 }, dtype: float64).requires_grad_();
        var h = randn(new long[] { 6, 2, 3 }, dtype: float64).requires_grad_();
        var weights = randn(new long[] { 2, 3, 30 }, dtype: float64);
        var loss = (CausalConvolution.Filter(x, h, algorithm) * weights).sum();
        loss.backward();
        const double step = 1e-6;
        using (no_grad())
        {
            foreach (var (parameter, name) in new[] { (h, "h"), (x, "x") })
            {
                var flat = parameter.view(-1);
                var gradient = parameter.grad!.view(-1);
                for (long i = 0; i < flat.shape[0]; i += 7)
                {
                    double original = flat[i].item<double>();
                    flat[i] = tensor(original + step);
                    double plus = (CausalConvolution.Filter(x, h, algorithm) * weights).sum().item<double>();
                    flat[i] = tensor(original - step);
                    double minus = (CausalConvolution.Filter(x, h, algorithm) * weights).sum().item<double>();
                    flat[i] = tensor(original);
                    double numeric = (plus - minus) / (2 * step);
                    Assert.True(Math.Abs(numeric - gradient[i].item<double>()) < 1e-6 * Math.Max(1, Math.Abs(numeric)),
                        $"{name}[{i}]: autograd {gradient[i].item<double>()}, finite difference {numeric}");
                }
            }
        }
    }

    [Fact]
    public void Auto_chooses_by_filter_length_and_by_whether_gradients_are_needed()
    {
        // float64 keeps libtorch's algorithms; the rules among them:
        var x = randn(new long[] { 2, 1, 16000 }, dtype: float64);
        Tensor Taps(long k, long f, long g) => randn(new long[] { k, f, g }, dtype: float64);
        Assert.Equal(ConvolutionAlgorithm.Direct, CausalConvolution.Choose(randn(new long[] { 2, 5, 16000 }, dtype: float64), Taps(8, 5, 5)));
        Assert.Equal(ConvolutionAlgorithm.OverlapSave, CausalConvolution.Choose(x, Taps(8, 1, 5)));
        Assert.Equal(ConvolutionAlgorithm.OverlapSave, CausalConvolution.Choose(x, Taps(40, 1, 5)));
        Assert.Equal(ConvolutionAlgorithm.Fft, CausalConvolution.Choose(x, Taps(40, 1, 5).requires_grad_()));
        using (no_grad()) Assert.Equal(ConvolutionAlgorithm.OverlapSave, CausalConvolution.Choose(x, Taps(40, 1, 5).requires_grad_()));
        Assert.Equal(ConvolutionAlgorithm.Fft, CausalConvolution.Choose(randn(new long[] { 2, 1, 100 }, dtype: float64), Taps(40, 1, 5))); // a short clip: one transform
    }

    [Fact]
    public void Auto_chooses_the_vector_loops_for_float32_on_the_cpu_up_to_a_number_of_taps()
    {
        var x = randn(2, 1, 16000);
        Assert.Equal(ConvolutionAlgorithm.Simd, CausalConvolution.Choose(x, randn(40, 1, 5)));
        Assert.Equal(ConvolutionAlgorithm.Simd, CausalConvolution.Choose(x, randn(40, 1, 5).requires_grad_()));
        Assert.Equal(ConvolutionAlgorithm.Simd, CausalConvolution.Choose(randn(2, 5, 16000), randn(8, 5, 5)));
        Assert.Equal(ConvolutionAlgorithm.Simd, CausalConvolution.Choose(randn(5, 100), randn(40, 5, 1))); // unbatched [F, N]
        Assert.Equal(ConvolutionAlgorithm.Simd, CausalConvolution.Choose(randn(2, 16, 16000), randn(CausalConvolution.SimdUpToTaps, 16, 16)));
        Assert.Equal(ConvolutionAlgorithm.Fft, CausalConvolution.Choose(randn(2, 5, 16000), randn(CausalConvolution.SimdUpToTaps + 1, 5, 5).requires_grad_()));
        Assert.NotEqual(ConvolutionAlgorithm.Simd, CausalConvolution.Choose(randn(new long[] { 2, 1, 16000 }, dtype: float64), randn(new long[] { 40, 1, 5 }, dtype: float64)));
    }

    [Fact]
    public void The_vector_loops_refuse_float64_in_one_line_that_names_the_types()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            CausalConvolution.Filter(randn(new long[] { 1, 2, 10 }, dtype: float64), randn(new long[] { 3, 2, 1 }, dtype: float64), ConvolutionAlgorithm.Simd));
        Assert.Contains("float32", e.Message);
        Assert.Contains("Float64", e.Message);
    }

    /// <summary>
    /// The Simd algorithm's hand-written backward pass against autograd through the shift-register definition: the
    /// gradients to the input and to the taps of a weighted sum of outputs, on random sizes around the kernels' edges
    /// (K = 1, K > N, clips shorter than a register block and longer than a tile, odd channel counts, many channels,
    /// taps not a multiple of the four the tap-gradient loop takes at once), on one thread and on two; and the same for a
    /// hidden layer in one node, tanh(H ∗ x) (<see cref="SimdConvolutionThenTanh"/>). Its random
    /// numbers come from a generator of its own: xunit runs test classes side by side, and draws from libtorch's global
    /// generator here would change the initialisation of a network another test seeded.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_vector_loops_gradients_equal_the_definitions_gradients(int threads)
    {
        int before = get_num_threads();
        set_num_threads(threads);
        try
        {
            var random = new Random(12);
            using var generator = new TorchSharp.torch.Generator(12);
            var cases = new List<(int B, int F, int G, int N, int K)>
            {
                (2, 1, 5, 3000, 40), (2, 5, 1, 3000, 40), (3, 2, 3, 7, 12), (1, 3, 4, 100, 1), (2, 9, 11, 700, 13), (1, 1, 1, 1, 1), (2, 4, 2, 33, 70),
            };
            for (int i = 0; i < 5; i++)
                cases.Add((random.Next(1, 4), random.Next(1, 8), random.Next(1, 8), random.Next(1, 2500), random.Next(1, 90)));
            foreach (var (B, F, G, N, K) in cases)
            {
                string what = $"B={B} F={F} G={G} N={N} K={K}, {threads} thread(s)";
                var weights = randn(new long[] { B, G, N }, generator: generator);
                var x = randn(new long[] { B, F, N }, generator: generator);
                var h = randn(new long[] { K, F, G }, generator: generator);
                var (referenceInput, referenceTaps) = Gradients(ShiftRegisterConvolution.Filter3D, x, h, weights);
                var (input, taps) = Gradients((signal, coefficients) => CausalConvolution.Filter(signal, coefficients, ConvolutionAlgorithm.Simd), x, h, weights);
                TensorAssert.Close(referenceInput, input, 1e-5, $"gradient to the input, {what}");
                TensorAssert.Close(referenceTaps, taps, 1e-5, $"gradient to the taps, {what}");

                // A hidden layer in one node, tanh(H ∗ x), against libtorch's tanh after the definition; taps scaled so
                // that tanh is not saturated and its slope matters.
                var scaled = h / Math.Sqrt(K * F);
                TensorAssert.Close(ShiftRegisterConvolution.Filter3D(x, scaled).tanh(), SimdConvolution.Filter(x, scaled, tanh: true), 1e-5, $"tanh(H ∗ x), {what}");
                var (tanhReferenceInput, tanhReferenceTaps) = Gradients((signal, coefficients) => ShiftRegisterConvolution.Filter3D(signal, coefficients).tanh(), x, scaled, weights);
                var (tanhInput, tanhTaps) = Gradients((signal, coefficients) => SimdConvolution.Filter(signal, coefficients, tanh: true), x, scaled, weights);
                TensorAssert.Close(tanhReferenceInput, tanhInput, 1e-5, $"tanh: gradient to the input, {what}");
                TensorAssert.Close(tanhReferenceTaps, tanhTaps, 1e-5, $"tanh: gradient to the taps, {what}");
            }
        }
        finally { set_num_threads(before); }
    }

    /// <summary>d(Σ weights · filter(x, h))/dx and /dh.</summary>
    private static (Tensor Input, Tensor Taps) Gradients(Func<Tensor, Tensor, Tensor> filter, Tensor signal, Tensor coefficients, Tensor weights)
    {
        var x = signal.detach().requires_grad_();
        var h = coefficients.detach().requires_grad_();
        (filter(x, h) * weights).sum().backward();
        return (x.grad!, h.grad!);
    }

    [Fact]
    public void The_vector_loops_read_views_that_are_not_contiguous()
    {
        using var generator = new TorchSharp.torch.Generator(13);
        var stored = randn(new long[] { 3, 200, 2 }, generator: generator);   // time before channels in memory
        var x = stored.permute(0, 2, 1);                                      // [3, 2, 200], a strided view
        var h = randn(new long[] { 3, 2, 17 }, generator: generator).permute(2, 1, 0); // [17, 2, 3] stored as the handout's [G, F, K]
        Assert.False(x.is_contiguous() || h.is_contiguous());
        TensorAssert.Close(ShiftRegisterConvolution.Filter3D(x, h), CausalConvolution.Filter(x, h, ConvolutionAlgorithm.Simd), 1e-5);
    }

    [Fact]
    public void Fft_lengths_have_only_small_prime_factors()
    {
        Assert.Equal(16128, CausalConvolution.FastFftLength(16039));
        Assert.Equal(16, CausalConvolution.FastFftLength(16));
        Assert.Equal(11 + 1, CausalConvolution.FastFftLength(11));
        for (long n = 1; n < 3000; n += 37)
        {
            long length = CausalConvolution.FastFftLength(n);
            Assert.True(length >= n);
            foreach (long p in new long[] { 2, 3, 5, 7 }) while (length % p == 0) length /= p;
            Assert.Equal(1, length);
        }
    }

    [Fact]
    public void A_feature_count_mismatch_names_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => CausalConvolution.Filter(randn(2, 3, 10), randn(4, 2, 1)));
        Assert.Contains("[2, 3, 10]", e.Message);
        Assert.Contains("F = 2", e.Message);
    }
}
