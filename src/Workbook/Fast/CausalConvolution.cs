using TorchSharp;
using static TorchSharp.torch;
using Workbook.Signals;

namespace Workbook.Fast;

/// <summary>
/// Fast causal MIMO convolution, the same operator as <see cref="ShiftRegisterConvolution.Filter3D"/>:
/// <c>y[b, g, n] = Σ_k Σ_f H[k, f, g] · x[b, f, n − k]</c> (x taken as zero before time 0).
/// Autograd flows through every algorithm, so layers can use it for training.
/// </summary>
public static class CausalConvolution
{
    /// <summary>
    /// Below this many taps, a filter with several input and several output channels uses libtorch's conv1d
    /// (<see cref="ConvolutionAlgorithm.Direct"/>); everything else goes through spectra. conv1d wins for short filters
    /// between several channels, but loses to the spectral algorithms even at 8 taps when one side has a single channel
    /// (figures: docs/performance.md, "Why the fast path chooses as it does").
    /// </summary>
    public const long FftFromTaps = 16;

    /// <summary>
    /// Filters <paramref name="signal"/> (<c>[B, F, N]</c> or <c>[F, N]</c>) with <paramref name="coefficients"/>
    /// (<c>[K, F, G]</c>). Returns <c>[B, G, N]</c> (or <c>[G, N]</c>).
    /// </summary>
    public static Tensor Filter(Tensor signal, Tensor coefficients, ConvolutionAlgorithm algorithm = ConvolutionAlgorithm.Auto)
    {
        MimoShapes.Check(signal, coefficients);
        if (algorithm == ConvolutionAlgorithm.Auto)
            algorithm = Choose(signal, coefficients);
        if (algorithm == ConvolutionAlgorithm.ShiftRegister)
            return ShiftRegisterConvolution.Filter3D(signal, coefficients);

        using var scope = NewDisposeScope();
        var x = TensorShapes.AsBatch(signal, coefficients.shape[1], "signal", out bool wasBatched);
        var y = algorithm switch
        {
            ConvolutionAlgorithm.Fft => FftConvolution.Filter(x, coefficients),
            ConvolutionAlgorithm.Blocked => BlockToeplitzConvolution.Filter(x, coefficients),
            ConvolutionAlgorithm.OverlapSave => OverlapSaveConvolution.Filter(x, coefficients),
            ConvolutionAlgorithm.Simd => SimdConvolution.Filter(x, coefficients),
            _ => ByConv1d(x, coefficients),
        };
        if (!wasBatched) y = y.squeeze(0);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Up to this many taps <see cref="ConvolutionAlgorithm.Simd"/> computes float32 on the CPU; above, the spectral
    /// algorithms take over. Both costs grow with F·G, the vector loops' also with K, so the crossing is a number of taps:
    /// the vector loops stay ahead of the spectral algorithms up to somewhere between 40 and 80 taps, whatever the
    /// channel counts, and fall behind by 160 (figures: docs/performance.md, "Why the fast path chooses as it does").
    /// </summary>
    public const long SimdUpToTaps = 64;

    /// <summary>The algorithm <see cref="ConvolutionAlgorithm.Auto"/> stands for, given the sizes, types and whether gradients are needed.</summary>
    public static ConvolutionAlgorithm Choose(Tensor signal, Tensor coefficients)
    {
        long taps = coefficients.shape[0], n = signal.shape[^1];
        long inputs = coefficients.shape[1], outputs = coefficients.shape[2];
        if (taps <= SimdUpToTaps && SimdConvolution.Supports(signal, coefficients))
            return ConvolutionAlgorithm.Simd;
        if (taps < FftFromTaps && inputs > 1 && outputs > 1) return ConvolutionAlgorithm.Direct;
        bool gradients = is_grad_enabled() && (signal.requires_grad || coefficients.requires_grad);
        return !gradients && OverlapSaveConvolution.Pays(n, taps) ? ConvolutionAlgorithm.OverlapSave : ConvolutionAlgorithm.Fft;
    }

    /// <summary>Sums over a dimension (the channels of a spectral product); over a dimension of size 1 that is a view, not a pass over the data.</summary>
    internal static Tensor SumOver(Tensor t, long dim) => t.shape[dim] == 1 ? t.squeeze(dim) : t.sum(dim, keepdim: false);

    /// <summary>conv1d computes a cross-correlation, so the taps are reversed; K−1 zeros in front make it causal.</summary>
    static Tensor ByConv1d(Tensor x, Tensor coefficients)
    {
        long taps = coefficients.shape[0];
        var weight = coefficients.permute(2, 1, 0).flip(2);          // [G, F, K], tap k at position K−1−k
        var padded = nn.functional.pad(x, new long[] { taps - 1, 0 });
        return nn.functional.conv1d(padded, weight);
    }

    /// <summary>
    /// The smallest length ≥ <paramref name="minimum"/> with no prime factor above 7. FFT time depends on the
    /// factors of the length: a length with large prime factors (16039 = 43·373) takes several times longer than a
    /// nearby one built from 2, 3, 5 and 7 (16128 = 2⁸·3²·7).
    /// </summary>
    public static long FastFftLength(long minimum)
    {
        if (minimum < 1) throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "an FFT length must be positive");
        for (long candidate = minimum; ; candidate++)
        {
            long rest = candidate;
            foreach (long prime in new long[] { 2, 3, 5, 7 })
                while (rest % prime == 0) rest /= prime;
            if (rest == 1) return candidate;
        }
    }
}
