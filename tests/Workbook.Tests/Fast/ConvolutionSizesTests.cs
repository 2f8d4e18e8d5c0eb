using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Fast;

/// <summary>
/// The sizes the fast convolutions choose (block, frame and FFT lengths, and which algorithm Auto stands for),
/// checked against the rules their documentation states, written out here independently.
/// </summary>
public class ConvolutionSizesTests
{
    [Fact]
    public void Blocks_are_about_half_the_taps_and_at_least_8_samples()
    {
        // Documented: M = ⌈K/2⌉, but never below 8 (so that P = 1 + ⌈(K−1)/M⌉ = 3 for long filters).
        foreach (long taps in new long[] { 1, 2, 15, 16, 17, 18, 40, 41, 1000 })
        {
            long expected = Math.Max(8, (long)Math.Ceiling(taps / 2.0));
            Assert.Equal(expected, BlockToeplitzConvolution.BlockLength(taps));
        }
    }

    [Fact]
    public void Frames_are_the_smallest_power_of_two_of_at_least_64_and_8_times_the_overlap()
    {
        foreach (long taps in new long[] { 1, 2, 8, 9, 10, 40, 41, 64, 65, 129 })
        {
            long frame = OverlapSaveConvolution.FrameLength(taps);
            Assert.True((frame & (frame - 1)) == 0, $"K={taps}: {frame} is not a power of two");
            Assert.True(frame >= 64 && frame >= 8 * (taps - 1), $"K={taps}: {frame} is too short");
            Assert.True(frame == 64 || frame / 2 < 8 * (taps - 1), $"K={taps}: {frame / 2} would do");
        }
        Assert.Equal(64, OverlapSaveConvolution.FrameLength(9));     // 8·8 = 64 exactly
        Assert.Equal(128, OverlapSaveConvolution.FrameLength(10));   // 8·9 = 72
        Assert.Equal(512, OverlapSaveConvolution.FrameLength(40));   // the lab's 40 taps: 8·39 = 312
    }

    [Fact]
    public void Overlap_save_pays_only_when_its_frames_are_shorter_than_one_whole_transform()
    {
        // Frame 512 for 40 taps; one whole transform needs N + K − 1 points.
        Assert.False(OverlapSaveConvolution.Pays(473, 40));   // 473 + 39 = 512: no shorter
        Assert.True(OverlapSaveConvolution.Pays(474, 40));    // 513 > 512
        Assert.False(OverlapSaveConvolution.Pays(100, 40));
    }

    [Fact]
    public void An_fft_length_must_be_positive()
    {
        Assert.Equal(1, CausalConvolution.FastFftLength(1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CausalConvolution.FastFftLength(0));
        Assert.Equal("minimum", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => CausalConvolution.FastFftLength(-5));
    }

    [Theory]
    [InlineData(15, 2, 2, ConvolutionAlgorithm.Direct)]      // short, several channels each way: conv1d
    [InlineData(16, 2, 2, ConvolutionAlgorithm.OverlapSave)] // FftFromTaps = 16 taps: spectra from here on
    [InlineData(15, 1, 2, ConvolutionAlgorithm.OverlapSave)] // one input channel: never conv1d
    [InlineData(15, 2, 1, ConvolutionAlgorithm.OverlapSave)] // one output channel: never conv1d
    public void Auto_uses_conv1d_only_below_16_taps_between_several_channels(long taps, long inputs, long outputs, ConvolutionAlgorithm expected)
    {
        // float64: the vector loops (float32 only) would take every one of these sizes.
        Assert.Equal(expected, CausalConvolution.Choose(randn(new long[] { 1, inputs, 4000 }, dtype: float64), randn(new long[] { taps, inputs, outputs }, dtype: float64)));
    }

    [Fact]
    public void Auto_uses_the_fft_when_the_signal_needs_gradients_too()
    {
        // Beyond the vector loops' 64 taps (and in float64, at any length) the spectral algorithms take over.
        var x = randn(1, 1, 4000).requires_grad_();
        Assert.Equal(ConvolutionAlgorithm.Fft, CausalConvolution.Choose(x, randn(CausalConvolution.SimdUpToTaps + 1, 1, 2)));
        using (no_grad()) Assert.Equal(ConvolutionAlgorithm.OverlapSave, CausalConvolution.Choose(x, randn(CausalConvolution.SimdUpToTaps + 1, 1, 2)));
        var x64 = randn(new long[] { 1, 1, 4000 }, dtype: float64).requires_grad_();
        Assert.Equal(ConvolutionAlgorithm.Fft, CausalConvolution.Choose(x64, randn(new long[] { 40, 1, 2 }, dtype: float64)));
    }

    [Fact]
    public void Summing_over_a_channel_axis_of_size_one_or_more_is_the_sum()
    {
        var one = randn(2, 1, 5);
        TensorAssert.Close(one.sum(1L, keepdim: false), CausalConvolution.SumOver(one, 1), 0);
        var three = randn(2, 3, 5);
        TensorAssert.Close(three.sum(1L, keepdim: false), CausalConvolution.SumOver(three, 1), 1e-6);
        TensorAssert.Close(three.sum(2L, keepdim: false), CausalConvolution.SumOver(three, 2), 1e-6);
    }
}
