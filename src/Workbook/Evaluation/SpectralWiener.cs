using NWaves.Transforms;
using NWaves.Windows;
using static TorchSharp.torch;

namespace Workbook.Evaluation;

/// <summary>
/// The classic non-learned method: a Wiener filter in the short-time Fourier domain, with the a-priori SNR estimated
/// by the decision-directed rule (Ephraim and Malah, 1984), and the noise spectrum estimated from the clip itself.
/// <list type="number">
///   <item>STFT (NWaves: the full 512-point spectrum, whose mirrored bins get the same gains, so the output stays real; Hann windows of <see cref="WindowSize"/> samples, hop <see cref="Hop"/>).</item>
///   <item>Noise power per frequency bin: the <see cref="NoiseQuantile"/> quantile of the bin's power over the clip's
///   frames, divided by −ln(1 − q), which is what that quantile of the power of Gaussian noise alone is (the power of
///   a bin of Gaussian noise is exponentially distributed). Speech is loud in only some frames, so a low quantile
///   sees mostly noise (quantile-based noise estimation, Stahl et al., 2000).</item>
///   <item>Per frame t and bin k: a-posteriori SNR γ = |X|²/N, a-priori SNR ξ = α·|Ŝ_{t−1}|²/N + (1 − α)·max(γ − 1, 0),
///   gain G = max(ξ/(1 + ξ), <see cref="GainFloor"/>), Ŝ = G·X.</item>
///   <item>Inverse STFT by overlap-add, cut to the clip's length.</item>
/// </list>
/// Unlike the networks it is not causal: it looks at the whole clip for the noise, and each frame at 32 ms of signal.
/// </summary>
public sealed class SpectralWiener : IDenoiser
{
    public const int WindowSize = 512, Hop = 128;
    public const double NoiseQuantile = 0.25, Smoothing = 0.98, GainFloor = 0.1;

    public string Name => "STFT Wiener (NWaves, decision-directed)";

    public Tensor Denoise(Tensor noisy)
    {
        if (noisy.dim() != 3 || noisy.shape[1] != 1)
            throw new ArgumentException($"the spectral Wiener filter takes mono clips [Q, 1, N], not [{string.Join(", ", noisy.shape)}]");
        int clips = (int)noisy.shape[0], length = (int)noisy.shape[2];
        var samples = noisy.detach().cpu().to(float32).contiguous().data<float>().ToArray();
        var output = new float[samples.Length];
        Parallel.For(0, clips, q =>
        {
            var clean = DenoiseClip(samples.AsSpan(q * length, length).ToArray());
            clean.AsSpan(0, Math.Min(length, clean.Length)).CopyTo(output.AsSpan(q * length, length));
        });
        return tensor(output, dtype: noisy.dtype).view(clips, 1, length).to(noisy.device);
    }

    /// <summary>One clip, any length; the result is as long as the input.</summary>
    public static float[] DenoiseClip(float[] x)
    {
        var stft = new Stft(WindowSize, Hop, WindowType.Hann);
        // A window of zeros on each side: the inverse divides by the windows' overlap, which is tiny at the very ends of
        // the signal, where it would amplify the changes the gains make into spikes.
        var padded = new float[x.Length + 2 * WindowSize];
        x.CopyTo(padded, WindowSize);
        var frames = stft.Direct(padded);
        if (frames.Count == 0) return (float[])x.Clone();
        int bins = frames[0].Item1.Length;
        var noise = NoisePower(frames, bins);
        var previousClean = new double[bins];
        foreach (var (re, im) in frames)
        {
            for (int k = 0; k < bins; k++)
            {
                double power = (double)re[k] * re[k] + (double)im[k] * im[k];
                double posteriori = power / noise[k];
                double priori = Smoothing * previousClean[k] / noise[k] + (1 - Smoothing) * Math.Max(posteriori - 1, 0);
                double gain = Math.Max(priori / (1 + priori), GainFloor);
                re[k] = (float)(re[k] * gain);
                im[k] = (float)(im[k] * gain);
                previousClean[k] = gain * gain * power;
            }
        }
        var y = stft.Inverse(frames, perfectReconstruction: true);
        var result = new float[x.Length];
        Array.Copy(y, WindowSize, result, 0, Math.Min(x.Length, y.Length - WindowSize));
        return result;
    }

    /// <summary>Per bin, the noise power estimated from the low quantile of the frames' power (never zero).</summary>
    private static double[] NoisePower(List<(float[], float[])> frames, int bins)
    {
        var noise = new double[bins];
        var powers = new double[frames.Count];
        double unbias = -Math.Log(1 - NoiseQuantile);
        for (int k = 0; k < bins; k++)
        {
            for (int t = 0; t < frames.Count; t++)
            {
                var (re, im) = frames[t];
                powers[t] = (double)re[k] * re[k] + (double)im[k] * im[k];
            }
            Array.Sort(powers);
            noise[k] = Math.Max(powers[(int)(NoiseQuantile * (frames.Count - 1))] / unbias, 1e-12);
        }
        return noise;
    }
}
