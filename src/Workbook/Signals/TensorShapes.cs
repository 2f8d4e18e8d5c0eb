using TorchSharp;
using static TorchSharp.torch;

namespace Workbook.Signals;

/// <summary>
/// The workbook lays signals out as <c>[batch, features, time]</c> = <c>[B, F, N]</c>.
/// These helpers accept an unbatched <c>[F, N]</c> as well and say exactly what is wrong otherwise.
/// </summary>
public static class TensorShapes
{
    /// <summary>Formats a shape the way PyTorch prints it: <c>[32, 1, 16000]</c>.</summary>
    public static string Describe(long[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Formats a tensor's shape: <c>[32, 1, 16000]</c>.</summary>
    public static string Describe(Tensor t) => Describe(t.shape);

    /// <summary>
    /// Returns <paramref name="signal"/> as <c>[B, F, N]</c> (adding a batch axis to an unbatched <c>[F, N]</c>),
    /// after checking its rank and, when given, its feature count.
    /// </summary>
    /// <param name="signal">a <c>[B, F, N]</c> or <c>[F, N]</c> tensor</param>
    /// <param name="expectedFeatures">the F the caller needs, or null to accept any</param>
    /// <param name="what">what the tensor is, for the error message</param>
    /// <param name="wasBatched">false when the input was <c>[F, N]</c>, so the caller can drop the batch axis again</param>
    public static Tensor AsBatch(Tensor signal, long? expectedFeatures, string what, out bool wasBatched)
    {
        if (signal.dim() != 2 && signal.dim() != 3)
            throw new ArgumentException(
                $"{what} must be [B, F, N] or [F, N] (batch, features, time), but has shape {Describe(signal)}");
        wasBatched = signal.dim() == 3;
        long features = signal.shape[wasBatched ? 1 : 0];
        if (expectedFeatures is long f && features != f)
        {
            string expected = wasBatched ? $"[B, {f}, N]" : $"[{f}, N]";
            throw new ArgumentException(
                $"{what} must have {f} feature channel{(f == 1 ? "" : "s")}, shape {expected}, but has shape {Describe(signal)}");
        }
        if (!signal.is_floating_point())
            throw new ArgumentException($"{what} must be a floating-point tensor, but has dtype {signal.dtype}");
        return wasBatched ? signal.alias() : signal.unsqueeze(0);
    }
}
