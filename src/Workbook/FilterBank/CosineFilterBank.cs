using static TorchSharp.torch;

namespace Workbook.FilterBank;

/// <summary>
/// The filter bank <see cref="FilterBankCnn"/> starts from: C band-pass filters of K taps, evenly spaced from 0 to the
/// Nyquist frequency, each a Hann window times a cosine at its band's centre, <c>a_c[k] = w[k] cos(π (c + ½)(k − (K−1)/2) / C)</c>,
/// with a passband gain of 1. The synthesis filters are the same shapes, scaled so that analysis then synthesis, summed
/// over the bands, passes the band with a gain of 1 and a delay of K − 1 samples (symmetric filters have linear phase:
/// each delays every frequency by (K − 1)/2), flat but within a band's width of 0 Hz (up to +3 dB) and of the Nyquist
/// frequency (where an even-length symmetric filter falls to zero).
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
    public static (Tensor Analysis, Tensor Synthesis) Design(int bands, int taps)
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
        // Tap-major, as MimoFilter stores them: element k·C + c is tap k of band c.
        var analysis = new float[taps * bands];
        var synthesis = new float[taps * bands];
        for (int c = 0; c < bands; c++)
            for (int k = 0; k < taps; k++)
            {
                analysis[k * bands + c] = (float)filters[c, k];
                synthesis[k * bands + c] = (float)(filters[c, k] * scale);
            }
        return (tensor(analysis).view(taps, 1, bands), tensor(synthesis).view(taps, bands, 1));
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
