using static TorchSharp.torch;

namespace Workbook.FilterBank;

/// <summary>
/// What a filter bank could take away if its gate network knew the answer: every band's gain in every frame computed from
/// the clean voice and the noise themselves, <c>g = √(S / (S + N))</c> (S and N the band's mean square of the clean part
/// and of the noise over the frame), the gain that best keeps the voice's energy and drops the noise's when both share a
/// band. It is an upper bound for a trained gate on that bank, not a denoiser: it needs the clean voice. If even these
/// gains leave a noise in, no training of the gate will take it out; the bank itself must change.
/// </summary>
public static class IdealBandGains
{
    /// <summary>
    /// <paramref name="noisy"/>, <c>[B, 1, N]</c>, through the residual filter bank of <see cref="FilterBankCnn"/> with ideal
    /// gains: <c>y = S^{K−1} x + Σ_c s_c * ((g_c − 1) ⊙ (a_c * x))</c>, in step with the input (the cascade's delay of K − 1
    /// samples taken out, the end followed by silence, as <see cref="FilterBankCnn"/>'s <c>forward</c> does).
    /// </summary>
    /// <param name="analysis">analysis filters <c>[K, 1, C]</c> (<see cref="CosineFilterBank.Design"/>'s layout)</param>
    /// <param name="synthesis">synthesis filters <c>[K, C, 1]</c></param>
    /// <param name="hop">samples per frame over which a gain holds</param>
    /// <param name="noisy">the noisy clips</param>
    /// <param name="clean">their clean voices; the noise is <c>noisy − clean</c></param>
    public static Tensor Denoise(Tensor analysis, Tensor synthesis, int hop, Tensor noisy, Tensor clean)
    {
        if (hop < 1) throw new ArgumentOutOfRangeException(nameof(hop), hop, "a frame needs at least one sample");
        if (!noisy.shape.SequenceEqual(clean.shape) || noisy.dim() != 3 || noisy.shape[1] != 1)
            throw new ArgumentException($"noisy and clean must both be [B, 1, N], not [{string.Join(", ", noisy.shape)}] and [{string.Join(", ", clean.shape)}]");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int taps = (int)analysis.shape[0], latency = taps - 1;
        long n = noisy.shape[2], frames = (n + latency + hop - 1) / hop;
        // y[n] = Σ_k h_k x[n − k]: a convolution with the taps reversed over the input with K − 1 zeros in front.
        var analysisWeight = analysis.permute(2, 1, 0).flip(2);     // [C, 1, K]
        var synthesisWeight = synthesis.permute(2, 1, 0).flip(2);   // [1, C, K]
        Tensor Bands(Tensor x) => nn.functional.conv1d(nn.functional.pad(x, [latency, frames * hop - n]), analysisWeight);
        var noisyBands = Bands(noisy);
        var cleanBands = Bands(clean);
        // The filters are linear: the noise's bands are the noisy bands less the clean ones.
        var gains = OfFrames(cleanBands, noisyBands - cleanBands, hop).repeat_interleave(hop, 2);   // [B, C, frames·hop]
        var correction = nn.functional.conv1d(nn.functional.pad((gains - 1) * noisyBands, [latency, 0]), synthesisWeight);
        // The delayed path plus the correction, then moved back into step: output n is the cascade's output n + K − 1.
        var delayed = nn.functional.pad(noisy, [latency, frames * hop - n - latency]) + correction;
        return delayed.narrow(2, latency, n).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The ideal gain of every band in every frame, <c>[B, C, T]</c>: <c>√(S / (S + N))</c>, S and N the mean squares of
    /// the voice's and the noise's band signals over the frame's <paramref name="hop"/> samples (frame t: samples tH …
    /// tH + H − 1, the last frame filled out with silence). A frame where both are silent gets 0.
    /// </summary>
    /// <param name="speechBands">the clean voice's band signals, <c>[B, C, N]</c></param>
    /// <param name="noiseBands">the noise's band signals, <c>[B, C, N]</c></param>
    public static Tensor OfFrames(Tensor speechBands, Tensor noiseBands, int hop)
    {
        if (hop < 1) throw new ArgumentOutOfRangeException(nameof(hop), hop, "a frame needs at least one sample");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var speech = Frames.MeanSquare(speechBands, hop);
        var noise = Frames.MeanSquare(noiseBands, hop);
        return (speech / (speech + noise).clamp_min(1e-20)).sqrt().MoveToOuterDisposeScope();
    }
}
