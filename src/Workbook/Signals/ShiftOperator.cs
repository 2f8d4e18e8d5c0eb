using TorchSharp;
using static TorchSharp.torch;

namespace Workbook.Signals;

/// <summary>
/// The causal shift (delay) operator S of the lab: <c>S x = [0, x_0, x_1, ..., x_{N-2}]</c>.
/// It moves every sample one step later along the time axis and fills the start with zero, so
/// applying it k times delays a signal by k samples: <c>(S^k x)_n = x_{n-k}</c> (zero for n &lt; k).
/// </summary>
/// <remarks>
/// The shift acts on the last (time) axis only, separately for every batch entry and feature channel.
/// (The lab's Python rolls the flattened tensor, which moves samples from one clip into the next,
/// and zeroes <c>signal[:, 0]</c>, which is feature channel 0 of a batched tensor. Neither is S.)
/// </remarks>
public static class ShiftOperator
{
    /// <summary>
    /// Returns <c>S^k x</c>: <paramref name="signal"/> delayed by <paramref name="k"/> samples along its last axis,
    /// with the first k samples set to zero. Works for any shape <c>[..., N]</c>; k ≥ N gives all zeros.
    /// </summary>
    public static Tensor Shift(Tensor signal, long k = 1)
    {
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "the causal shift needs k >= 0");
        if (signal.dim() < 1) throw new ArgumentException("a signal needs a time axis, but this tensor is a scalar", nameof(signal));
        long n = signal.shape[^1];
        if (k == 0) return signal.alias();
        if (k >= n) return zeros_like(signal);
        // Keep the first N-k samples and put k zeros in front of them.
        var kept = signal.narrow(-1, 0, n - k);
        var padShape = (long[])signal.shape.Clone();
        padShape[^1] = k;
        using var pad = zeros(padShape, signal.dtype, signal.device);
        return cat(new[] { pad, kept }, -1);
    }
}
