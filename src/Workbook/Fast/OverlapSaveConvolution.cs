using static TorchSharp.torch;

namespace Workbook.Fast;

/// <summary>
/// Causal MIMO convolution by overlap-save: the signal is cut into frames of S samples that overlap by K − 1;
/// each frame is filtered through short spectra (length S), and the last S − K + 1 outputs of each frame, the ones
/// that wrap-around did not touch, are kept and laid end to end.
/// <para>
/// Short transforms cost less per sample than one transform of the whole clip (log₂ S instead of log₂ N
/// operations per sample, and they stay in the cache), so the lab's network denoises about half as fast again with
/// frames of 512 samples as with whole-clip transforms. Gradients flow through libtorch's autograd, which is slower here than
/// <see cref="FftConvolution"/>'s hand-written backward, so <see cref="ConvolutionAlgorithm.Auto"/> uses this
/// algorithm only when no gradient is needed.
/// </para>
/// </summary>
internal static class OverlapSaveConvolution
{
    /// <summary>Frame length for K taps: a power of two of at least 8·(K − 1), so at most 1/8 of each frame is overlap.</summary>
    public static long FrameLength(long taps)
    {
        long frame = 64;
        while (frame < 8 * (taps - 1)) frame *= 2;
        return frame;
    }

    /// <summary>True when frames are shorter than one transform of the whole clip would be.</summary>
    public static bool Pays(long n, long taps) => FrameLength(taps) < n + taps - 1;

    /// <param name="x">input <c>[B, F, N]</c></param>
    /// <param name="coefficients">taps <c>[K, F, G]</c></param>
    /// <returns><c>[B, G, N]</c></returns>
    public static Tensor Filter(Tensor x, Tensor coefficients)
    {
        long batch = x.shape[0], n = x.shape[2];
        long taps = coefficients.shape[0], outputs = coefficients.shape[2];
        long frame = FrameLength(taps), hop = frame - taps + 1;
        long frames = (n + hop - 1) / hop;
        // K − 1 zeros in front (time before 0), and enough behind to fill the last frame.
        var padded = nn.functional.pad(x, new long[] { taps - 1, frames * hop - n });
        var framed = padded.unfold(2, frame, hop);                                          // [B, F, frames, S] (a view)
        var signalSpectrum = fft.rfft(framed, frame, dim: 3);                              // [B, F, frames, S/2+1]
        var filterSpectrum = fft.rfft(coefficients.permute(1, 2, 0), frame, dim: 2).unsqueeze(2); // [F, G, 1, S/2+1]
        var outputSpectrum = CausalConvolution.SumOver(signalSpectrum.unsqueeze(2) * filterSpectrum, 1); // [B, G, frames, S/2+1]
        var valid = fft.irfft(outputSpectrum, frame, dim: 3).narrow(3, taps - 1, hop);     // [B, G, frames, hop]
        return valid.reshape(batch, outputs, frames * hop).narrow(2, 0, n);
    }
}
