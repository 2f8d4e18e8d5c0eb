using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Evaluation;

/// <summary>
/// The best causal linear FIR filter in the least-squares sense (the Wiener solution): the P taps w that
/// minimise Σ_clips ‖y − w ∗ x‖² over the training clips. What a CNN adds is what it does beyond this.
/// <para>
/// The normal equations R w = r use the exact correlations of the zero-started clips,
/// R[i, j] = Σ_n x[n−i]·x[n−j] and r[i] = Σ_n x[n−i]·y[n] (n from 0 to N−1), computed with FFTs plus an exact
/// correction at the clip ends instead of a P·N data matrix per clip, and solved in float64.
/// </para>
/// </summary>
public sealed class WienerFilter : IDenoiser
{
    /// <summary>The default filter length: twice the taps of one layer of the lab's CNN.</summary>
    public const int DefaultTaps = 80;

    private readonly Tensor taps;

    private WienerFilter(Tensor taps) => this.taps = taps;

    /// <summary>The fitted taps w_0 … w_{P−1}, float64 <c>[P]</c>.</summary>
    public Tensor Taps => taps;

    public string Name => $"linear FIR ({taps.shape[0]} taps, least squares)";

    /// <summary>Fits P taps to the pairs <paramref name="noisy"/> → <paramref name="clean"/>, both <c>[Q, 1, N]</c>.</summary>
    public static WienerFilter Fit(Tensor noisy, Tensor clean, int P = DefaultTaps)
    {
        if (P < 1) throw new ArgumentOutOfRangeException(nameof(P), P, "a filter needs at least one tap");
        if (noisy.dim() != 3 || noisy.shape[1] != 1 || !noisy.shape.SequenceEqual(clean.shape))
            throw new ArgumentException(
                $"the Wiener filter needs single-channel pairs [Q, 1, N]; got noisy [{string.Join(", ", noisy.shape)}] and clean [{string.Join(", ", clean.shape)}]");
        using var scope = NewDisposeScope();
        var x = noisy.to(float64).squeeze(1);
        var y = clean.to(float64).squeeze(1);
        int n = (int)x.shape[1], clips = (int)x.shape[0];
        int lags = Math.Min(P, n);

        // Full-length correlations through the spectrum (zero-padded to 2N, so nothing wraps around):
        // c[d] = Σ_q Σ_m x[m]·x[m+d] and r[d] = Σ_q Σ_m x[m]·y[m+d], for d = 0 … P−1.
        long length = CausalConvolution.FastFftLength(2L * n);
        var X = fft.rfft(x, length, dim: 1);
        var Y = fft.rfft(y, length, dim: 1);
        var autocorrelation = fft.irfft((X.conj() * X).sum(0L, keepdim: false), length).narrow(0, 0, lags).data<double>().ToArray();
        var r = new double[P];
        fft.irfft((X.conj() * Y).sum(0L, keepdim: false), length).narrow(0, 0, lags).data<double>().ToArray().CopyTo(r, 0);

        // R[i, j] (i ≤ j, d = j − i) sums x[m]·x[m+d] only for m ≤ N−1−j: c[d] minus the i products that reach
        // past the end of the clip. Those involve only each clip's last P samples.
        int tailLength = Math.Min(P, n);
        var tails = x.narrow(1, n - tailLength, tailLength).contiguous().data<double>().ToArray(); // [Q, T]
        var R = new double[P * P];
        for (int i = 0; i < lags; i++)
            for (int j = i; j < lags; j++)
            {
                int d = j - i;
                double beyond = 0;
                // m runs from N−j to N−1−d; in tail coordinates u = m − (N − T).
                for (int q = 0; q < clips; q++)
                {
                    int offset = q * tailLength;
                    for (int u = tailLength - j; u <= tailLength - 1 - d; u++) beyond += tails[offset + u] * tails[offset + u + d];
                }
                R[i * P + j] = R[j * P + i] = autocorrelation[d] - beyond;
            }
        var normal = tensor(R).view(P, P);
        var rhs = tensor(r);
        // A whisper of ridge keeps R invertible when P exceeds what the data can pin down (e.g. P > N).
        var ridge = 1e-9 * Math.Max(normal.diagonal().mean().item<double>(), 1e-12);
        var w = linalg.solve(normal + ridge * eye(P, dtype: float64), rhs);
        return new WienerFilter(w.MoveToOuterDisposeScope());
    }

    public Tensor Denoise(Tensor noisy)
    {
        using var _ = no_grad();
        using var coefficients = taps.to(noisy.dtype).to(noisy.device).view(-1, 1, 1);
        return CausalConvolution.Filter(noisy, coefficients);
    }
}
