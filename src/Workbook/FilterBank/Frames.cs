using static TorchSharp.torch;

namespace Workbook.FilterBank;

/// <summary>
/// Band signals cut into the gate network's frames: frame t holds samples tH … tH + H − 1 of every band, the last frame
/// filled out with silence. What the gates, the comb's correlation and the ideal gains all read a signal as.
/// </summary>
internal static class Frames
{
    /// <summary>Frames of <paramref name="hop"/> samples that cover <paramref name="samples"/> samples: ⌈N / H⌉.</summary>
    public static long Count(long samples, int hop) => (samples + hop - 1) / hop;

    /// <summary><c>[B, C, N]</c> → <c>[B, C, T, H]</c>, T = ⌈N / H⌉, zeros after the last sample.</summary>
    public static Tensor Of(Tensor signal, int hop)
    {
        long n = signal.shape[2], frames = Count(n, hop);
        // Whole frames need no copy: a block of `denoise` is whole frames, and a band signal there is 16 MB.
        var whole = frames * hop == n ? signal : nn.functional.pad(signal, [0, frames * hop - n]);
        return whole.reshape(signal.shape[0], signal.shape[1], frames, hop);
    }

    /// <summary>Every band's mean square over every frame, <c>[B, C, T]</c>.</summary>
    public static Tensor MeanSquare(Tensor signal, int hop)
    {
        using var scope = NewDisposeScope();
        return Of(signal, hop).square().mean([3]).MoveToOuterDisposeScope();
    }
}
