using static TorchSharp.torch;

namespace Workbook.FilterBank;

/// <summary>
/// RNNoise's pitch filter, made causal: the input one pitch period back, <c>p(n) = x(n − T)</c>, whose bands the network
/// may add to the input's bands with a gain of their own.
/// <para>
/// Why: a voiced sound repeats every pitch period T, noise does not. Where a band holds harmonics of the voice,
/// <c>X_b + P_b</c> adds the voice to itself (twice the amplitude) and the noise to other noise (√2 times, on average):
/// half of each passes the voice as before and the noise about 3 dB weaker. That is a comb whose teeth sit on the
/// harmonics, finer than any band a 48-tap filter can make, with no look-ahead: T is taken from the past only.
/// </para>
/// <para>
/// The period comes from the spectrum the gate network already reads (<see cref="LowSpectrum"/>): the autocorrelation of
/// a window is the inverse transform of its power spectrum, so <c>r(τ) = Σ_{k ≥ 1} P_k cos(2πkτ/W)</c> over the lowest
/// bins is the autocorrelation of the window's lowest kilohertz, the band where a voice's harmonics are strongest. Its
/// peak over the lags a voice can have is the period.
/// </para>
/// </summary>
public static class PitchComb
{
    /// <summary>
    /// The period every frame is combed with, <c>[B, T]</c> of lags in samples: the lag τ in <paramref name="shortestLag"/>
    /// … <paramref name="longestLag"/> at which the autocorrelation of the window that ends where the frame begins peaks,
    /// from that window's spectrum (<c>[B, bins, T]</c> of <see cref="LowSpectrum.Power"/> with a
    /// <paramref name="window"/>-sample window: frame t's window ends with frame t, so frame t takes frame t − 1's).
    /// Frame 0 takes silence's: every lag alike, the first, the shortest, as after a long silence. A choice, not a
    /// function with a gradient: the network learns what to do with the period, not the period.
    /// </summary>
    public static Tensor Periods(Tensor power, int window, int shortestLag, int longestLag)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long bins = power.shape[1], frames = power.shape[2];
        var cosines = LagCosines(window, (int)bins, shortestLag, longestLag, power.dtype, power.device);   // [bins − 1, lags]
        // Bin 0 (the mean) adds the same to every lag: left out. A silent frame goes in front.
        var earlier = nn.functional.pad(power.narrow(1, 1, bins - 1), [1, 0]).narrow(2, 0, frames);
        var autocorrelation = matmul(earlier.transpose(1, 2), cosines);                                 // [B, T, lags]
        return (autocorrelation.argmax(2) + shortestLag).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>[B, 1, N]</c> → <c>[B, 1, N]</c>: every sample of frame t is the input one period of frame t earlier,
    /// <c>p(n) = x(n − T_t)</c> (zeros before the first sample). With the periods of <see cref="Periods"/>, found before
    /// the frame begins, p depends on no sample after n.
    /// </summary>
    public static Tensor OnePeriodBack(Tensor input, Tensor periods, int hop, int longestLag)
    {
        using var scope = NewDisposeScope();
        long n = input.shape[2];
        var lag = periods.repeat_interleave(hop, 1).narrow(1, 0, n);                                   // [B, N]
        var index = arange(n, dtype: ScalarType.Int64, device: input.device).unsqueeze(0) + longestLag - lag;
        var padded = nn.functional.pad(input, [longestLag, 0]).squeeze(1);                           // [B, longest + N]
        return padded.gather(1, index).unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// How alike two band signals are within every frame: <c>Σ a·b / √(Σ a² Σ b²)</c> over each frame's samples,
    /// <c>[B, C, T]</c> in −1 … 1 (0 where either is silent). Near 1 where a band holds a voice that repeats with the
    /// period, near 0 where it holds noise: what tells the gate network where the comb helps.
    /// </summary>
    public static Tensor Correlation(Tensor a, Tensor b, int hop)
    {
        using var scope = NewDisposeScope();
        var fa = Frames.Of(a, hop);
        var fb = Frames.Of(b, hop);
        var energies = fa.square().sum([3]) * fb.square().sum([3]);
        return ((fa * fb).sum([3]) / (energies + FilterBankCnn.EnergyFloor * FilterBankCnn.EnergyFloor).sqrt()).MoveToOuterDisposeScope();
    }

    /// <summary><c>cos(2πkτ/W)</c> for bins k = 1 … bins − 1 and lags τ, <c>[bins − 1, lags]</c>.</summary>
    private static Tensor LagCosines(int window, int bins, int shortestLag, int longestLag, ScalarType type, Device device)
    {
        int lags = longestLag - shortestLag + 1;
        var values = new double[(bins - 1) * lags];
        for (int k = 1; k < bins; k++)
            for (int j = 0; j < lags; j++)
                values[(k - 1) * lags + j] = Math.Cos(2 * Math.PI * k * (shortestLag + j) / window);
        return tensor(values, [bins - 1, lags]).to(type, device);
    }
}
