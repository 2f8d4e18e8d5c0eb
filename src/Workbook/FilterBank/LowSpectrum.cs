using static TorchSharp.torch;

namespace Workbook.FilterBank;

/// <summary>
/// The lowest bins of a causal short-time power spectrum: for every frame of <c>hop</c> samples, the power of bins
/// 0 … <c>bins − 1</c> of the DFT of the <c>window</c> samples that end with the frame, under a Hann window,
/// <c>P_k = |Σ_n w_n x_n e^{−2πikn/W}|² / Σ_n w_n²</c> (so white noise of variance σ² gives σ² in every bin).
/// <para>
/// Why: the filter bank's 48-tap bands are a third of a kilohertz wide, too wide to part mains hum or a fan's lines from
/// a voice's fundamental a hundred hertz above them; a 512-sample window at 16 kHz resolves 31 Hz. The gate network reads
/// these bins beside the bands' energies, so a gain can tell a steady line from a voice's harmonics.
/// </para>
/// <para>
/// Each bin is a pair of filters, the window times a cosine and times a sine, read every <c>hop</c> samples: so the
/// spectrum is computed as one strided convolution of the input with those 2·<c>bins</c> filters, which for a few dozen
/// bins is much faster than a whole FFT of every window.
/// </para>
/// </summary>
public static class LowSpectrum
{
    /// <summary>
    /// <c>[B, 1, N]</c> → <c>[B, bins, T]</c>, T = ⌈N / hop⌉: frame t's bins from samples tH + H − W … tH + H − 1 (zeros
    /// before the first sample and after the last), so frame t depends on no sample after its own.
    /// </summary>
    public static Tensor Power(Tensor input, int window, int hop, int bins)
    {
        using var scope = NewDisposeScope();
        long n = input.shape[2], frames = Frames.Count(n, hop);
        var filters = WindowedCosinesAndSines(window, bins, input.dtype, input.device);      // [2·bins, 1, W]
        var padded = nn.functional.pad(input, [window - hop, frames * hop - n]);
        var parts = nn.functional.conv1d(padded, filters, stride: hop).square();            // [B, 2·bins, T]
        var power = (parts.narrow(1, 0, bins) + parts.narrow(1, bins, bins)) / WindowEnergy(window);
        return power.MoveToOuterDisposeScope();
    }

    /// <summary>Σ_n w_n² of the periodic Hann window of <paramref name="window"/> samples.</summary>
    public static double WindowEnergy(int window) => Enumerable.Range(0, window).Sum(n => Math.Pow(Hann(n, window), 2));

    private static double Hann(int n, int window) => 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / window);

    /// <summary>
    /// The filters <c>[2·bins, 1, W]</c>: bin k's Hann-windowed cosine, then bin k's sine. conv1d correlates, so filter
    /// tap n meets sample n of the window (its oldest first), as in the DFT's sum.
    /// </summary>
    private static Tensor WindowedCosinesAndSines(int window, int bins, ScalarType type, Device device)
    {
        var values = new double[2 * bins * window];
        for (int k = 0; k < bins; k++)
            for (int n = 0; n < window; n++)
            {
                double angle = 2 * Math.PI * k * n / window, w = Hann(n, window);
                values[k * window + n] = w * Math.Cos(angle);
                values[(bins + k) * window + n] = w * Math.Sin(angle);
            }
        return tensor(values, [2 * bins, 1, window]).to(type, device);
    }
}
