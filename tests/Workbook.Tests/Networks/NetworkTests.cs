using Workbook.Networks;
using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Networks;

public class ConvolutionLayerTests
{
    [Fact]
    public void Taps_start_at_one_and_the_impulse_response_is_the_taps()
    {
        using var layer = new ConvolutionLayer(5);
        TensorAssert.Equal(new float[] { 1, 1, 1, 1, 1 }, layer.Taps);
        using (no_grad()) layer.Taps.copy_(tensor(new float[] { 3, -2, 1, 0.5f, 4 }));
        var impulse = zeros(1, 1, 8);
        impulse[0, 0, 0] = tensor(1f);
        TensorAssert.Equal(new float[] { 3, -2, 1, 0.5f, 4, 0, 0, 0 }, layer.call(impulse));
    }

    [Fact]
    public void A_vector_input_works_like_the_labs_task_1()
    {
        using var layer = new ConvolutionLayer(2);
        TensorAssert.Equal(new float[] { 1, 3, 5 }, layer.call(tensor(new float[] { 1, 2, 3 })));
    }

    [Fact]
    public void Single_channel_cnn_applies_tanh_between_layers_only()
    {
        using var cnn = new SingleChannelCnn(2, new long[] { 3, 2 });
        var x = randn(2, 1, 50);
        var expected = ShiftRegisterConvolution.Filter(ShiftRegisterConvolution.Filter(x, ones(3)).tanh(), ones(2));
        TensorAssert.Close(expected, cnn.call(x), 1e-5);
        Assert.Equal(2, cnn.Layers.Count);
        Assert.Equal(5, cnn.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Tanh_after_every_layer_is_selectable()
    {
        using var cnn = new SingleChannelCnn(1, new long[] { 3 }, TanhPlacement.AfterEveryLayer);
        var x = randn(1, 1, 20) * 5;
        TensorAssert.Close(ShiftRegisterConvolution.Filter(x, ones(3)).tanh(), cnn.call(x), 1e-5);
    }

    [Fact]
    public void Wrong_specifications_fail_at_construction()
    {
        Assert.Contains("taps has 1 entries but L = 2", Assert.Throws<ArgumentException>(() => new SingleChannelCnn(2, new long[] { 3 })).Message);
        Assert.Contains("at least one tap", Assert.Throws<ArgumentException>(() => new SingleChannelCnn(1, new long[] { 0 })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionLayer(0));
    }
}

[Collection(Workbook.Tests.Training.GlobalGeneratorCollection.Name)]   // seeds the global generator: see that collection
public class MimoFilterTests
{
    [Fact]
    public void Maps_F_features_to_G_features_with_K_by_F_by_G_coefficients()
    {
        using var filter = new MimoFilter(K: 7, F: 3, G: 4);
        Assert.Equal((7L, 3L, 4L), (filter.K, filter.F, filter.G));
        Assert.Equal(new long[] { 7, 3, 4 }, filter.H.shape);
        Assert.Equal(new long[] { 2, 4, 100 }, filter.call(randn(2, 3, 100)).shape);
        Assert.Equal(new long[] { 4, 100 }, filter.call(randn(3, 100)).shape);
    }

    [Fact]
    public void Forward_equals_the_definition()
    {
        using var filter = new MimoFilter(12, 2, 3);
        var x = randn(3, 2, 80);
        TensorAssert.Close(ShiftRegisterConvolution.Filter3D(x, filter.H.detach()), filter.call(x).detach(), 1e-5);
    }

    /// <summary>Within this relative distance of the handout's spread: 4 standard errors of a std from 10 000 draws (0.7% each).</summary>
    private const double SpreadTolerance = 0.03;

    private static bool WithinSpreadTolerance(double measured, double expected) => Math.Abs(measured / expected - 1) <= SpreadTolerance;

    [Fact]
    public void Each_layer_of_fresh_lab_networks_has_the_handouts_xavier_spread()
    {
        // The handout draws each layer with xavier_normal_ on [K, G, F]: std = sqrt(2 / (G·F + K·F)).
        // [1, 5, 1]/[40, 40]: layer 1 (K 40, F 1, G 5) sqrt(2/45) = 0.211, layer 2 (K 40, F 5, G 1) sqrt(2/205) = 0.099.
        double[] handout = [Math.Sqrt(2.0 / 45), Math.Sqrt(2.0 / 205)];
        // xavier_normal_ on our [K, F, G] storage has fans F·G and K·G: the two spreads swapped.
        double[] swapped = [Math.Sqrt(2.0 / (1 * 5 + 40 * 5)), Math.Sqrt(2.0 / (5 * 1 + 40 * 1))];
        manual_seed(11);
        var draws = new List<Tensor>[] { new(), new() };
        for (int n = 0; n < 50; n++)
        {
            using var cnn = new MimoCnn(CnnSpecification.LabDenoiser);
            for (int l = 0; l < 2; l++) draws[l].Add(cnn.Layers[l].H.detach().flatten());
        }
        for (int l = 0; l < 2; l++)
        {
            Assert.Equal(handout[l], MimoFilter.InitialStd(40, CnnSpecification.LabDenoiser.Features[l], CnnSpecification.LabDenoiser.Features[l + 1]), 12);
            using var all = cat(draws[l], 0);
            Assert.Equal(10_000, all.numel());
            double std = all.std().item<float>();
            Assert.True(WithinSpreadTolerance(std, handout[l]), $"layer {l + 1}: std {std:F4}, the handout's {handout[l]:F4}");
            Assert.False(WithinSpreadTolerance(std, swapped[l]), $"layer {l + 1}: std {std:F4} also passes for the swapped fans' {swapped[l]:F4}");
            Assert.InRange(all.mean().item<float>(), -0.01, 0.01);
        }
    }

    [Fact]
    public void Coefficients_are_drawn_with_the_handouts_fans_for_any_shape()
    {
        manual_seed(2);
        // 10 000 coefficients; fan_out is K·F for the handout and K·G for xavier_normal_ on [K, F, G], so F ≠ G tells them apart.
        using var filter = new MimoFilter(K: 40, F: 5, G: 50);
        double handout = Math.Sqrt(2.0 / (50 * 5 + 40 * 5));
        double swapped = Math.Sqrt(2.0 / (5 * 50 + 40 * 50));
        double std = filter.H.std().item<float>();
        Assert.True(WithinSpreadTolerance(std, handout), $"std {std:F4}, the handout's {handout:F4}");
        Assert.False(WithinSpreadTolerance(std, swapped), $"std {std:F4} also passes for the swapped fans' {swapped:F4}");
    }

    [Fact]
    public void Manual_seed_repeats_the_initialisation()
    {
        manual_seed(3);
        using var first = new MimoFilter(6, 2, 3);
        manual_seed(3);
        using var second = new MimoFilter(6, 2, 3);
        using var third = new MimoFilter(6, 2, 3);
        TensorAssert.Close(first.H.detach(), second.H.detach(), 0, "same seed");
        Assert.False(second.H.detach().allclose(third.H.detach()), "the next draw repeated the last");
    }

    [Fact]
    public void Wrong_input_names_expected_and_actual_shapes()
    {
        using var filter = new MimoFilter(4, 3, 2);
        var wrongFeatures = Assert.Throws<ArgumentException>(() => filter.call(randn(2, 5, 10)));
        Assert.Contains("[B, 3, N]", wrongFeatures.Message);
        Assert.Contains("[2, 5, 10]", wrongFeatures.Message);
        var wrongRank = Assert.Throws<ArgumentException>(() => filter.call(randn(10)));
        Assert.Contains("[B, F, N] or [F, N]", wrongRank.Message);
        Assert.Contains("[10]", wrongRank.Message);
    }

    [Fact]
    public void Non_positive_sizes_fail_at_construction()
    {
        Assert.Contains("K (taps)", Assert.Throws<ArgumentOutOfRangeException>(() => new MimoFilter(0, 1, 1)).Message);
        Assert.Contains("F (input features)", Assert.Throws<ArgumentOutOfRangeException>(() => new MimoFilter(1, 0, 1)).Message);
        Assert.Contains("G (output features)", Assert.Throws<ArgumentOutOfRangeException>(() => new MimoFilter(1, 1, -3)).Message);
    }
}

public class MimoCnnTests
{
    [Fact]
    public void The_lab_denoiser_has_400_coefficients_and_keeps_the_shape()
    {
        using var cnn = new MimoCnn(2, new long[] { 40, 40 }, new long[] { 1, 5, 1 });
        Assert.Equal(400, cnn.ParameterCount);
        Assert.Equal(2, cnn.parameters().Count());
        using (no_grad())
            Assert.Equal(new long[] { 32, 1, 16000 }, cnn.call(randn(32, 1, 16000)).shape);
    }

    [Fact]
    public void Forward_equals_the_layers_composed_by_hand()
    {
        using var cnn = new MimoCnn(3, new long[] { 5, 3, 4 }, new long[] { 2, 4, 3, 1 });
        var x = randn(2, 2, 60);
        var h = cnn.Layers.Select(l => l.H.detach()).ToArray();
        var expected = ShiftRegisterConvolution.Filter3D(
            ShiftRegisterConvolution.Filter3D(ShiftRegisterConvolution.Filter3D(x, h[0]).tanh(), h[1]).tanh(), h[2]);
        TensorAssert.Close(expected, cnn.call(x).detach(), 1e-5);
    }

    [Fact]
    public void One_sgd_step_moves_every_coefficient()
    {
        manual_seed(4);
        using var cnn = new MimoCnn(2, new long[] { 6, 5 }, new long[] { 2, 3, 2 });
        var before = cnn.parameters().Select(p => p.detach().clone()).ToArray();
        var optimizer = optim.SGD(cnn.parameters(), 0.1);
        var loss = nn.functional.l1_loss(cnn.call(randn(4, 2, 50)), randn(4, 2, 50));
        loss.backward();
        optimizer.step();
        var after = cnn.parameters().ToArray();
        for (int p = 0; p < before.Length; p++)
        {
            var unchanged = (after[p].detach() == before[p]).sum().item<long>();
            Assert.True(unchanged == 0, $"layer {p}: {unchanged} of {before[p].numel()} coefficients did not move");
        }
    }

    [Fact]
    public void Save_and_load_restore_the_coefficients()
    {
        using var cnn = new MimoCnn(CnnSpecification.LabDenoiser);
        string path = Path.Combine(Path.GetTempPath(), $"mimo-{Guid.NewGuid():N}.bin");
        try
        {
            cnn.save(path);
            using var copy = new MimoCnn(CnnSpecification.LabDenoiser);
            copy.load(path);
            foreach (var (a, b) in cnn.parameters().Zip(copy.parameters()))
                TensorAssert.Close(a.detach(), b.detach(), 0);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(2, new long[] { 40 }, new long[] { 1, 5, 1 }, "taps has 1 entries but L = 2")]
    [InlineData(2, new long[] { 40, 40 }, new long[] { 1, 5 }, "features has 2 entries but L + 1 = 3")]
    [InlineData(2, new long[] { 40, 0 }, new long[] { 1, 5, 1 }, "taps[1] = 0")]
    [InlineData(2, new long[] { 40, 40 }, new long[] { 1, -5, 1 }, "features[1] = -5")]
    public void Wrong_specifications_name_the_mismatch(int L, long[] taps, long[] features, string message)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new MimoCnn(L, taps, features));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Wrong_input_names_expected_and_actual_shapes()
    {
        using var cnn = new MimoCnn(CnnSpecification.LabDenoiser);
        var e = Assert.Throws<ArgumentException>(() => cnn.call(randn(4, 2, 100)));
        Assert.Contains("[B, 1, N]", e.Message);
        Assert.Contains("[4, 2, 100]", e.Message);
    }
}

public class TanhTests
{
    [Fact]
    public void Equals_the_hyperbolic_tangent_and_its_derivative()
    {
        var x = (randn(1000, dtype: float64) * 4).requires_grad_();
        var y = Tanh.Apply(x);
        TensorAssert.Close(x.detach().tanh(), y.detach(), 1e-12);
        y.sum().backward();
        TensorAssert.Close(1 - x.detach().tanh().square(), x.grad!, 1e-12);
        Assert.Equal(new float[] { -1, 0, 1 }, Tanh.Apply(tensor(new float[] { -100, 0, 100 })).data<float>().ToArray());
    }

    [Fact]
    public void Float32_keeps_nan_and_takes_infinities_to_their_limits_in_the_vector_loop_and_its_tail()
    {
        // 19 values: two whole vectors of 8 (or four of 4) and a tail, the special values in both.
        var values = new float[19];
        values[1] = float.NaN; values[2] = float.PositiveInfinity; values[3] = float.NegativeInfinity; values[4] = 100; values[5] = -100;
        values[17] = float.NaN; values[18] = float.NegativeInfinity;
        var y = Tanh.Apply(tensor(values)).data<float>().ToArray();
        Assert.True(float.IsNaN(y[1]) && float.IsNaN(y[17]), string.Join(" ", y));
        Assert.Equal(new float[] { 0, 1, -1, 1, -1 }, new[] { y[0], y[2], y[3], y[4], y[5] });
        Assert.Equal(-1, y[18]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Float32_takes_the_vector_pass_and_still_equals_the_definition(int threads)
    {
        // 3·70001 elements: several work items of 65536 and a tail that is not a whole vector; a transposed view, so the
        // input is not contiguous. Expected values from float64's tanh and 1 − tanh², rounded to float32.
        using var _ = LibTorchThreads.Set(threads);
        var x64 = randn(70001, 3, dtype: float64) * 3;
        var x = x64.to_type(float32).t().requires_grad_();
        var y = Tanh.Apply(x);
        Assert.Equal(ScalarType.Float32, y.dtype);
        var exact = x.detach().to_type(float64).tanh();
        Assert.True((y.detach().to_type(float64) - exact).abs().max().item<double>() < 3e-7);
        var weights = randn(3, 70001, dtype: float32);
        (y * weights).sum().backward();
        var slope = (1 - exact.square()) * weights.to_type(float64);
        Assert.True((x.grad!.to_type(float64) - slope).abs().max().item<double>() < 1e-6 * (1 + weights.abs().max().item<float>()));
    }
}

public class InferenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_tiled_pass_through_all_layers_equals_the_training_pass_bit_for_bit(int threads)
    {
        // Lengths: shorter than the taps, one sample past a tile, several tiles and a partial one; specs: the lab's,
        // three layers of mixed widths, one layer, tanh after every layer. Same loops, same order of additions, same tanh.
        using var _ = LibTorchThreads.Set(threads);
        foreach (var spec in new[]
        {
            CnnSpecification.LabDenoiser,
            new CnnSpecification(new long[] { 5, 30, 3 }, new long[] { 2, 4, 3, 1 }, TanhPlacement.BetweenLayers),
            new CnnSpecification(new long[] { 50 }, new long[] { 1, 2 }, TanhPlacement.BetweenLayers),
            CnnSpecification.LabDenoiser with { Tanh = TanhPlacement.AfterEveryLayer },
        })
            foreach (int n in new[] { 1, 7, 1025, 2 * SimdConvolution.TileLength + 33 })
            {
                manual_seed(n);
                using var cnn = new MimoCnn(spec);
                var x = randn(3, spec.Features[0], n);
                Assert.True(TiledInference.Supports(x, cnn.Layers), spec.ToString());
                var training = cnn.call(x).detach();
                Tensor inference;
                using (no_grad()) inference = cnn.call(x);
                Assert.Equal(training.shape, inference.shape);
                Assert.True(training.data<float>().ToArray().SequenceEqual(inference.data<float>().ToArray()), $"{spec}, N = {n}: largest difference {(training - inference).abs().max().item<float>():E2}");
            }
    }

    [Fact]
    public void Layers_that_would_not_use_the_vector_loops_keep_the_layer_by_layer_pass()
    {
        using var cnn = new MimoCnn(CnnSpecification.LabDenoiser);
        var x = randn(2, 1, 300);
        Assert.True(TiledInference.Supports(x, cnn.Layers));
        Assert.False(TiledInference.Supports(x.to_type(float64), cnn.Layers));                       // float64: libtorch's algorithms
        cnn.Algorithm = ConvolutionAlgorithm.Fft;
        Assert.False(TiledInference.Supports(x, cnn.Layers));                                        // asked for another algorithm
        using var wide = new MimoCnn(new CnnSpecification(new long[] { CausalConvolution.SimdUpToTaps + 1 }, new long[] { 1, 1 }, TanhPlacement.BetweenLayers));
        Assert.False(TiledInference.Supports(x, wide.Layers));                                       // Auto picks the FFT above 64 taps
        wide.Algorithm = ConvolutionAlgorithm.Simd;
        Assert.True(TiledInference.Supports(x, wide.Layers));
    }

    [Theory]
    [InlineData(TanhPlacement.BetweenLayers)]
    [InlineData(TanhPlacement.AfterEveryLayer)]
    public void The_folded_inference_pass_equals_the_training_pass(TanhPlacement tanh)
    {
        // Under no_grad the network folds tanh into its filters (2σ(2z) − 1); it must compute the same function.
        foreach (var spec in new[]
        {
            CnnSpecification.LabDenoiser with { Tanh = tanh },
            new CnnSpecification(new long[] { 5, 30, 3 }, new long[] { 2, 4, 3, 1 }, tanh),
            new CnnSpecification(new long[] { 50 }, new long[] { 1, 2 }, tanh),
        })
        {
            manual_seed(3);
            using var cnn = new MimoCnn(spec);
            var x = randn(3, spec.Features[0], 700);
            var training = cnn.call(x).detach();          // parameters require gradients: the plain pass
            Tensor inference;
            using (no_grad()) inference = cnn.call(x);
            TensorAssert.Close(training, inference, 1e-5, spec.ToString());
            using (no_grad()) TensorAssert.Close(training[0], cnn.call(x[0]), 1e-5, "unbatched " + spec);
        }
    }
}
