using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Evaluation;

/// <summary>
/// The best causal linear FIR filter in the least-squares sense (the Wiener solution): the P taps w that
/// minimise Σ_clips ‖y − w ∗ x‖² over the training clips. What a CNN adds is what it does beyond this.
/// <para>
/// The normal equations R w = r use the exact correlations of the zero-started clips,
/// R[i, j] = Σ_n x[n−i]·x[n−j] and r[i] = Σ_n x[n−i]·y[n] (n from 0 to N−1), computed lag by lag with
/// cumulative sums instead of a P·N data matrix per clip, and solved in float64.
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
        long n = x.shape[1];
        var R = new double[P * P];
        var r = new double[P];
        for (int lag = 0; lag < P && lag < n; lag++)
        {
            // Σ over clips of x[m]·x[m+lag], cumulated over m: R[i, i+lag] is that sum up to m = N−1−(i+lag).
            var products = (x.narrow(1, 0, n - lag) * x.narrow(1, lag, n - lag)).sum(0L, keepdim: false);
            var cumulative = products.cumsum(0).cpu().data<double>().ToArray();
            for (int i = 0; i + lag < P; i++)
            {
                long last = n - 1 - (i + lag);
                double value = last >= 0 ? cumulative[last] : 0;
                R[i * P + i + lag] = value;
                R[(i + lag) * P + i] = value;
            }
            // r[lag] = Σ_m x[m]·y[m+lag]
            r[lag] = (x.narrow(1, 0, n - lag) * y.narrow(1, lag, n - lag)).sum().item<double>();
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
