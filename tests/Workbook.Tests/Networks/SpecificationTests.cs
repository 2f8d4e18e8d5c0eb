using Workbook.Networks;
using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Networks;

/// <summary>What a <see cref="CnnSpecification"/> says about a network, checked against the network it builds.</summary>
public class SpecificationTests
{
    [Fact]
    public void The_parameter_count_is_the_sum_of_K_times_F_in_times_F_out()
    {
        var specification = new CnnSpecification(new long[] { 5, 3, 4 }, new long[] { 2, 4, 3, 1 });
        Assert.Equal(5 * 2 * 4 + 3 * 4 * 3 + 4 * 3 * 1, specification.ParameterCount);
        using var cnn = new MimoCnn(specification);
        Assert.Equal(cnn.parameters().Sum(p => p.numel()), specification.ParameterCount);
        Assert.Equal(3, specification.Layers);
    }

    [Fact]
    public void Specifications_are_equal_by_value_and_differ_in_any_field()
    {
        var a = new CnnSpecification(new long[] { 40, 40 }, new long[] { 1, 5, 1 });
        var same = new CnnSpecification(new List<long> { 40, 40 }, new List<long> { 1, 5, 1 });
        Assert.Equal(a, same);
        Assert.Equal(a.GetHashCode(), same.GetHashCode());
        Assert.Equal(CnnSpecification.LabDenoiser, a);
        Assert.NotEqual(a, new CnnSpecification(new long[] { 40, 39 }, new long[] { 1, 5, 1 }));
        Assert.NotEqual(a, new CnnSpecification(new long[] { 40, 40 }, new long[] { 1, 6, 1 }));
        Assert.NotEqual(a, a with { Tanh = TanhPlacement.AfterEveryLayer });
        Assert.False(a.Equals(null));
    }

    [Fact]
    public void The_description_names_taps_features_and_the_tanh_placement()
    {
        Assert.Equal("taps [40, 40], features [1, 5, 1], tanh between layers", CnnSpecification.LabDenoiser.ToString());
        Assert.Equal("taps [3], features [2, 1], tanh after every layer",
            new CnnSpecification(new long[] { 3 }, new long[] { 2, 1 }, TanhPlacement.AfterEveryLayer).ToString());
    }

    [Fact]
    public void A_network_needs_at_least_one_layer()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MimoCnn(0, Array.Empty<long>(), new long[] { 1 }));
        Assert.Contains("at least one layer", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SingleChannelCnn(0, Array.Empty<long>()));
        // A one-layer network is allowed (the boundary).
        using var one = new MimoCnn(1, new long[] { 1 }, new long[] { 1, 1 });
        Assert.Single(one.Layers);
    }

    [Fact]
    public void A_tap_or_feature_count_of_one_is_enough()
    {
        using var cnn = new MimoCnn(2, new long[] { 1, 1 }, new long[] { 1, 1, 1 });
        Assert.Equal(2, cnn.ParameterCount);
        Assert.Contains("features[0] = 0", Assert.Throws<ArgumentException>(() => new MimoCnn(1, new long[] { 1 }, new long[] { 0, 1 })).Message);
        Assert.Contains("features[1] = 0", Assert.Throws<ArgumentException>(() => new MimoCnn(1, new long[] { 1 }, new long[] { 1, 0 })).Message);
        Assert.Contains("taps[0] = 0", Assert.Throws<ArgumentException>(() => new MimoCnn(1, new long[] { 0 }, new long[] { 1, 1 })).Message);
    }

    [Fact]
    public void Each_layer_is_built_with_its_own_taps_and_features()
    {
        using var cnn = new MimoCnn(3, new long[] { 5, 3, 4 }, new long[] { 2, 4, 3, 1 });
        Assert.Equal(new[] { (5L, 2L, 4L), (3L, 4L, 3L), (4L, 3L, 1L) }, cnn.Layers.Select(l => (l.K, l.F, l.G)));
        using var single = new SingleChannelCnn(3, new long[] { 4, 1, 2 });
        Assert.Equal(new long[] { 4, 1, 2 }, single.Layers.Select(l => l.K));
        Assert.Equal(TanhPlacement.BetweenLayers, single.Tanh);
    }

    [Fact]
    public void Setting_the_algorithm_of_a_network_sets_it_on_every_layer()
    {
        using var cnn = new MimoCnn(CnnSpecification.LabDenoiser) { Algorithm = ConvolutionAlgorithm.Blocked };
        Assert.All(cnn.Layers, l => Assert.Equal(ConvolutionAlgorithm.Blocked, l.Algorithm));
        using var single = new SingleChannelCnn(2, new long[] { 3, 2 }) { Algorithm = ConvolutionAlgorithm.Fft };
        Assert.All(single.Layers, l => Assert.Equal(ConvolutionAlgorithm.Fft, l.Algorithm));
    }

    [Fact]
    public void A_single_channel_layer_takes_N_1_by_N_and_B_by_1_by_N_inputs()
    {
        using var layer = new ConvolutionLayer(3);
        Assert.Equal(3, layer.K);
        var x = randn(1, 1, 12);
        var expected = ShiftRegisterConvolution.Filter(x, ones(3));
        TensorAssert.Close(expected, layer.call(x), 1e-6);
        TensorAssert.Close(expected[0], layer.call(x[0]), 1e-6);
        TensorAssert.Close(expected[0, 0], layer.call(x[0, 0]), 1e-6);
        Assert.Equal(new long[] { 12 }, layer.call(x[0, 0]).shape);
    }
}
