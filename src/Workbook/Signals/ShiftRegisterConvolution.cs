using TorchSharp;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Signals;

/// <summary>
/// The lab's definition of convolution, written exactly as the equations read: a shift register
/// that delays the input one sample at a time and adds up the weighted delays.
/// <list type="bullet">
///   <item>single channel: <c>y = Σ_{k=0}^{K-1} h_k S^k x</c></item>
///   <item>MIMO: <c>Y = Σ_{k=0}^{K-1} (S^k X) H_k</c>, X of size N×F, H_k of size F×G, Y of size N×G</item>
/// </list>
/// This is the reference every faster implementation is tested against. It costs K shifts, so it is
/// slow for long filters; use <see cref="FastPath.Filter"/> for work.
/// </summary>
public static class ShiftRegisterConvolution
{
    /// <summary>
    /// Single-channel filter. <paramref name="signal"/> is <c>[..., N]</c> (any leading axes, each filtered
    /// on its own), <paramref name="taps"/> is <c>[K]</c>. Returns <c>[..., N]</c>.
    /// </summary>
    public static Tensor Filter(Tensor signal, Tensor taps)
    {
        if (taps.dim() != 1)
            throw new ArgumentException($"taps must be a vector [K], but has shape {TensorShapes.Describe(taps)}", nameof(taps));
        using var scope = NewDisposeScope();
        var output = zeros_like(signal);
        for (long k = 0; k < taps.shape[0]; k++)
            output = output + taps[k] * ShiftOperator.Shift(signal, k);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// MIMO filter. <paramref name="signal"/> is <c>[B, F, N]</c> or <c>[F, N]</c>; <paramref name="coefficients"/>
    /// is <c>[K, F, G]</c> (H_k = coefficients[k]). Returns <c>[B, G, N]</c> (or <c>[G, N]</c>).
    /// </summary>
    public static Tensor Filter3D(Tensor signal, Tensor coefficients)
    {
        MimoShapes.Check(signal, coefficients);
        using var scope = NewDisposeScope();
        var x = TensorShapes.AsBatch(signal, coefficients.shape[1], "signal", out bool wasBatched);
        Tensor? output = null;
        for (long k = 0; k < coefficients.shape[0]; k++)
        {
            // In the lab's orientation (time × features), S^k X is [B, N, F] and (S^k X) H_k is a matrix product.
            var delayed = ShiftOperator.Shift(x, k).transpose(1, 2);
            var term = matmul(delayed, coefficients[k]);              // [B, N, F] × [F, G] = [B, N, G]
            output = output is null ? term : output + term;
        }
        var y = output!.transpose(1, 2);
        if (!wasBatched) y = y.squeeze(0);
        return y.contiguous().MoveToOuterDisposeScope();
    }
}
