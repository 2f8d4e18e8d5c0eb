using static TorchSharp.torch;

namespace Workbook.FilterBank;

/// <summary>
/// The filter bank <see cref="FilterBankCnn"/> starts from: C band-pass filters of K taps, evenly spaced from 0 to the
/// Nyquist frequency, each a Hann window times a cosine at its band's centre, <c>a_c[k] = w[k] cos(π (c + ½)(k − (K−1)/2) / C)</c>,
/// with a passband gain of 1. The synthesis filters are the same shapes, scaled so that analysis then synthesis, summed
/// over the bands, passes the band with a gain of 1 and a delay of K − 1 samples (symmetric filters have linear phase:
/// each delays every frequency by (K − 1)/2), flat but within a band's width of each end. Near the Nyquist frequency an
/// even-length symmetric filter falls to zero. Near 0 Hz the lowest band overlaps its own mirror image, and the bank
/// passes 0 Hz twice over (+6 dB, falling to a gain of 1 at about 400 Hz at 16 kHz): a gate that closes the lowest
/// bands there takes away twice the input, so mains hum and rumble, which live there, cannot be closed on. Ideal gains
/// (<see cref="IdealBandGains"/>) took 5.2 dB of noise away at 0 dB input on held-out voices with this bank, 8.2 dB with
/// it flattened (<c>flatAtZeroHertz</c>: the synthesis filters get the smallest change, in the least-squares sense, that
/// makes the cascade's gain 1 from 0 Hz to half the Nyquist frequency; the lowest two bands' filters take it). Networks
/// trained from the flattened bank did no better than from this one (docs/beyond-the-lab.md), whose lowest bands learn.
/// <para>Why not random filters, as the lab's layers start: with the gates closed at the start the filters get no
/// gradient until the gates open, and trained from random numbers they stayed broadband mixtures (measured: no band
/// held more than a third of its energy in any kilohertz), so no gain could take one band's noise away without the
/// rest. The recipe keeps all but the lowest bands as designed (<see cref="FilterBankTrainingOptions.LearnedBands"/>):
/// left to learn, they drift towards 0 Hz and hiss goes untouched (docs/beyond-the-lab.md).</para>
/// </summary>
public static class CosineFilterBank
{
    /// <summary>The analysis filters, <c>[K, 1, C]</c>, and the synthesis filters, <c>[K, C, 1]</c>, in the layout of
    /// <see cref="Networks.MimoFilter.H"/>.</summary>
    /// <param name="bands">C, the number of bands</param>
    /// <param name="taps">K, the taps of every filter</param>
    /// <param name="flatAtZeroHertz">correct the synthesis filters so that the bank passes 0 Hz with a gain of 1 too
    /// (false: as <see cref="FilterBankCnn"/> starts, +6 dB at 0 Hz)</param>
    public static (Tensor Analysis, Tensor Synthesis) Design(int bands, int taps, bool flatAtZeroHertz = false)
    {
        if (bands < 1) throw new ArgumentOutOfRangeException(nameof(bands), bands, "a filter bank needs at least one band");
        if (taps < 1) throw new ArgumentOutOfRangeException(nameof(taps), taps, "a filter needs at least one tap");
        var filters = new double[bands, taps];
        double centre = (taps - 1) / 2.0;
        for (int c = 0; c < bands; c++)
        {
            double sum = 0;
            for (int k = 0; k < taps; k++)
            {
                double window = taps == 1 ? 1 : 0.5 - 0.5 * Math.Cos(2 * Math.PI * (k + 0.5) / taps);
                filters[c, k] = window * Math.Cos(Math.PI * (c + 0.5) * (k - centre) / bands);
                sum += window;
            }
            // A cosine's passband gain is half its window's sum: divide by that for a gain of 1.
            for (int k = 0; k < taps; k++) filters[c, k] /= sum / 2;
        }
        double scale = 1 / PowerSumAtMidband(filters, bands, taps);
        var scaled = new double[bands, taps];
        for (int c = 0; c < bands; c++)
            for (int k = 0; k < taps; k++) scaled[c, k] = filters[c, k] * scale;
        var flat = flatAtZeroHertz ? FlattenedLowBand(filters, scaled, bands, taps) : scaled;
        // Tap-major, as MimoFilter stores them: element k·C + c is tap k of band c.
        var analysis = new float[taps * bands];
        var synthesis = new float[taps * bands];
        for (int c = 0; c < bands; c++)
            for (int k = 0; k < taps; k++)
            {
                analysis[k * bands + c] = (float)filters[c, k];
                synthesis[k * bands + c] = (float)flat[c, k];
            }
        return (tensor(analysis).view(taps, 1, bands), tensor(synthesis).view(taps, bands, 1));
    }

    /// <summary>
    /// The synthesis filters plus the smallest change that makes the cascade's gain 1 at <c>4K</c> frequencies from
    /// 0 Hz to half the Nyquist frequency. With symmetric filters the cascade's response, its delay of K − 1 taken out, is
    /// real and linear in the synthesis taps: <c>G(ω) = Σ_c Σ_j s_c[j] b_c,j(ω)</c>, <c>b_c,j(ω) = Σ_k a_c[k] cos ω(j + k − K + 1)</c>.
    /// The change is <c>Bᵀz</c> with <c>(BBᵀ + I/μ) z = 1 − G</c> (ridge least squares, μ large): it stays symmetric, and
    /// it falls on the bands whose analysis filters reach down to where the error is, the lowest.
    /// </summary>
    private static double[,] FlattenedLowBand(double[,] analysis, double[,] synthesis, int bands, int taps)
    {
        const double Mu = 1e4;
        int points = 4 * taps, unknowns = bands * taps;
        using var scope = NewDisposeScope();
        var b = new double[points * unknowns];
        var s = new double[unknowns];
        for (int c = 0; c < bands; c++)
            for (int j = 0; j < taps; j++) s[c * taps + j] = synthesis[c, j];
        for (int i = 0; i < points; i++)
        {
            double omega = Math.PI / 2 * i / (points - 1);
            for (int c = 0; c < bands; c++)
                for (int j = 0; j < taps; j++)
                {
                    double sum = 0;
                    for (int k = 0; k < taps; k++) sum += analysis[c, k] * Math.Cos(omega * (j + k - (taps - 1)));
                    b[i * unknowns + c * taps + j] = sum;
                }
        }
        var B = tensor(b, dtype: ScalarType.Float64).view(points, unknowns);
        var current = tensor(s, dtype: ScalarType.Float64);
        var z = linalg.solve(B.matmul(B.t()) + eye(points, dtype: ScalarType.Float64) / Mu, 1 - B.matmul(current));
        var corrected = (current + B.t().matmul(z)).data<double>().ToArray();
        var result = new double[bands, taps];
        for (int c = 0; c < bands; c++)
            for (int j = 0; j < taps; j++) result[c, j] = corrected[c * taps + j];
        return result;
    }

    /// <summary>Σ_c |A_c(f)|² at half the Nyquist frequency: the whole bank's gain before scaling, flat but for the
    /// bands' overlap with their mirror images near 0 Hz and the Nyquist frequency.</summary>
    private static double PowerSumAtMidband(double[,] filters, int bands, int taps)
    {
        double omega = Math.PI / 2, total = 0;
        for (int c = 0; c < bands; c++)
        {
            double re = 0, im = 0;
            for (int k = 0; k < taps; k++)
            {
                re += filters[c, k] * Math.Cos(omega * k);
                im -= filters[c, k] * Math.Sin(omega * k);
            }
            total += re * re + im * im;
        }
        return total;
    }
}
