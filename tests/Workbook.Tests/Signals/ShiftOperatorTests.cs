using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Tests.Signals;

public class ShiftOperatorTests
{
    [Fact]
    public void Shift_delays_by_one_sample_and_fills_with_zero()
    {
        var x = tensor(new float[] { 1, 2, 3, 4 });
        TensorAssert.Equal(new float[] { 0, 1, 2, 3 }, ShiftOperator.Shift(x));
        TensorAssert.Equal(new float[] { 0, 0, 0, 1 }, ShiftOperator.Shift(x, 3));
        TensorAssert.Equal(new float[] { 0, 0, 0, 0 }, ShiftOperator.Shift(x, 7));
        TensorAssert.Equal(new float[] { 1, 2, 3, 4 }, ShiftOperator.Shift(x, 0));
    }

    [Fact]
    public void Shift_k_times_equals_shift_by_k()
    {
        var x = randn(2, 3, 10);
        var repeated = ShiftOperator.Shift(ShiftOperator.Shift(ShiftOperator.Shift(x)));
        TensorAssert.Close(ShiftOperator.Shift(x, 3), repeated, 0);
    }

    [Fact]
    public void Each_clip_and_channel_is_shifted_on_its_own_time_axis()
    {
        // Two clips of two channels. The lab's Python rolls the flattened tensor (the last sample of one
        // row enters the next) and zeroes signal[:, 0] (a whole feature channel). S does neither.
        var x = arange(1, 17, dtype: float32).reshape(2, 2, 4);
        var shifted = ShiftOperator.Shift(x);
        var expected = tensor(new float[] { 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15 }).reshape(2, 2, 4);
        TensorAssert.Close(expected, shifted, 0);
    }

    [Fact]
    public void A_negative_shift_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ShiftOperator.Shift(ones(3), -1));
        Assert.Contains("k >= 0", e.Message);
    }
}
