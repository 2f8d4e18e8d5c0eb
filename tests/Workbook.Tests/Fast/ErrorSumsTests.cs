using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Fast;

/// <summary>The error sums behind every L1 and MSE the workbook reports, against their definition in libtorch.</summary>
public class ErrorSumsTests
{
    /// <summary>The definition: the float32 difference, in float64, its absolute values and squares summed.</summary>
    private static (double Absolute, double Squared) Definition(Tensor output, Tensor target)
    {
        using var scope = NewDisposeScope();
        var error = (output - target).to(float64);
        return (error.abs().sum().item<double>(), error.square().sum().item<double>());
    }

    private static ErrorSums Summed(Tensor output, Tensor target)
    {
        var sums = new ErrorSums();
        sums.Add(output, target);
        return sums;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(65_535)]
    [InlineData(65_536 * 3 + 5)]   // several chunks and a tail
    public void The_means_are_the_definitions_on_float32_clips(int n)
    {
        manual_seed(n);
        using var output = randn(1, 1, n) * 0.3f;
        using var target = randn(1, 1, n) * 0.3f;
        var (absolute, squared) = Definition(output, target);
        var sums = Summed(output, target);
        Assert.Equal(absolute / n, sums.MeanAbsolute, 1e-12 * Math.Max(1, absolute / n));
        Assert.Equal(squared / n, sums.MeanSquared, 1e-12 * Math.Max(1, squared / n));
    }

    [Fact]
    public void The_sums_do_not_depend_on_the_thread_count()
    {
        manual_seed(3);
        using var output = randn(20, 1, 16_000);
        using var target = randn(20, 1, 16_000);
        (double, double) With(int threads)
        {
            using var _ = LibTorchThreads.Set(threads);
            var sums = Summed(output, target);
            return (sums.MeanAbsolute, sums.MeanSquared);
        }
        Assert.Equal(With(1), With(2));   // bit for bit: chunk sums are added in chunk order
    }

    [Fact]
    public void Several_batches_add_up_to_the_whole()
    {
        manual_seed(4);
        using var output = randn(6, 2, 1000);
        using var target = randn(6, 2, 1000);
        var whole = Summed(output, target);
        var parts = new ErrorSums();
        parts.Add(output.narrow(0, 0, 4), target.narrow(0, 0, 4));
        parts.Add(output.narrow(0, 4, 2), target.narrow(0, 4, 2));
        Assert.Equal(whole.MeanAbsolute, parts.MeanAbsolute, 1e-12);
        Assert.Equal(whole.MeanSquared, parts.MeanSquared, 1e-12);
    }

    [Fact]
    public void Strided_float64_and_broadcast_inputs_give_the_definition_too()
    {
        manual_seed(5);
        using var wide = randn(3, 1000, 2);
        using var strided = wide.transpose(1, 2);            // [3, 2, 1000], not contiguous
        using var target = randn(3, 2, 1000);
        using var row = randn(1, 1, 1000);                   // broadcast over the batch and channels
        foreach (var (output, against) in new[] { (strided, target), (strided.to(float64), target.to(float64)), (target, row) })
        {
            var (absolute, squared) = Definition(output, against);
            long count = (output - against).numel();
            var sums = Summed(output, against);
            Assert.Equal(absolute / count, sums.MeanAbsolute, 1e-12);
            Assert.Equal(squared / count, sums.MeanSquared, 1e-12);
        }
    }

    [Fact]
    public void A_nan_or_infinite_output_shows_in_both_means()
    {
        using var output = zeros(1, 1, 100);
        using var target = zeros(1, 1, 100);
        output[0, 0, 37] = tensor(float.NaN);
        var sums = Summed(output, target);
        Assert.True(double.IsNaN(sums.MeanAbsolute) && double.IsNaN(sums.MeanSquared));
        output[0, 0, 37] = tensor(float.PositiveInfinity);
        sums = Summed(output, target);
        Assert.True(double.IsPositiveInfinity(sums.MeanAbsolute) && double.IsPositiveInfinity(sums.MeanSquared));
    }
}
