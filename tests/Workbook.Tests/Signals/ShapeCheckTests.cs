using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Signals;

/// <summary>Every shape a convolution refuses is refused with a message that names what was given and what was expected.</summary>
public class ShapeCheckTests
{
    [Fact]
    public void Coefficients_that_are_not_K_by_F_by_G_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => CausalConvolution.Filter(randn(1, 2, 10), randn(4, 2)));
        Assert.Contains("[K, F, G]", e.Message);
        Assert.Contains("[4, 2]", e.Message);
        Assert.Equal("coefficients", e.ParamName);
    }

    [Theory]
    [InlineData(new long[] { 10 })]
    [InlineData(new long[] { 1, 1, 1, 10 })]
    public void A_signal_that_is_not_B_F_N_or_F_N_is_refused(long[] shape)
    {
        foreach (var filter in new Func<Tensor, Tensor, Tensor>[] { (x, h) => CausalConvolution.Filter(x, h), ShiftRegisterConvolution.Filter3D })
        {
            var e = Assert.Throws<ArgumentException>(() => filter(randn(shape), randn(3, 1, 1)));
            Assert.Contains("[B, F, N] or [F, N]", e.Message);
            Assert.Contains(TensorShapes.Describe(shape), e.Message);
            Assert.Equal("signal", e.ParamName);
        }
    }

    [Fact]
    public void An_unbatched_signal_with_the_wrong_feature_count_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => CausalConvolution.Filter(randn(3, 10), randn(4, 2, 1)));
        Assert.Contains("3 feature channels", e.Message);
        Assert.Contains("F = 2", e.Message);
    }

    [Fact]
    public void As_batch_adds_a_batch_axis_only_to_an_unbatched_signal()
    {
        var unbatched = randn(2, 7);
        var batch = TensorShapes.AsBatch(unbatched, 2, "x", out bool wasBatched);
        Assert.False(wasBatched);
        Assert.Equal(new long[] { 1, 2, 7 }, batch.shape);
        var batched = randn(3, 2, 7);
        Assert.Equal(new long[] { 3, 2, 7 }, TensorShapes.AsBatch(batched, null, "x", out wasBatched).shape);
        Assert.True(wasBatched);
    }

    [Fact]
    public void As_batch_names_the_expected_feature_count_in_the_callers_layout()
    {
        var batched = Assert.Throws<ArgumentException>(() => TensorShapes.AsBatch(randn(3, 2, 7), 1, "the input", out _));
        Assert.Equal("the input must have 1 feature channel, shape [B, 1, N], but has shape [3, 2, 7]", batched.Message);
        var unbatched = Assert.Throws<ArgumentException>(() => TensorShapes.AsBatch(randn(2, 7), 4, "the input", out _));
        Assert.Equal("the input must have 4 feature channels, shape [4, N], but has shape [2, 7]", unbatched.Message);
    }

    [Fact]
    public void As_batch_refuses_integer_tensors_and_wrong_ranks()
    {
        var integer = Assert.Throws<ArgumentException>(() => TensorShapes.AsBatch(ones(new long[] { 1, 4 }, dtype: int64), 1, "x", out _));
        Assert.Contains("floating-point", integer.Message);
        var rank = Assert.Throws<ArgumentException>(() => TensorShapes.AsBatch(randn(4), null, "x", out _));
        Assert.Contains("[4]", rank.Message);
    }

    [Fact]
    public void Single_channel_taps_must_be_a_vector()
    {
        var e = Assert.Throws<ArgumentException>(() => ShiftRegisterConvolution.Filter(randn(10), randn(2, 2)));
        Assert.Contains("[K]", e.Message);
        Assert.Contains("[2, 2]", e.Message);
    }

    [Fact]
    public void A_scalar_has_no_time_axis_to_shift()
    {
        var e = Assert.Throws<ArgumentException>(() => ShiftOperator.Shift(tensor(1f), 1));
        Assert.Contains("scalar", e.Message);
    }

    [Fact]
    public void Shifting_by_exactly_the_length_leaves_only_zeros_of_the_same_shape()
    {
        var x = randn(2, 5) + 10;
        var shifted = ShiftOperator.Shift(x, 5);
        Assert.Equal(new long[] { 2, 5 }, shifted.shape);
        Assert.Equal(0, shifted.abs().sum().item<float>());
    }
}
