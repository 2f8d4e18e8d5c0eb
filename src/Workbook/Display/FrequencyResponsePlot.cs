using Plotly.NET;
using static TorchSharp.torch;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbook.Display;

/// <summary>
/// Magnitude frequency responses of FIR filters, |H(e^{jω})| = |Σ_k h_k e^{−jωk}| in dB against frequency in Hz:
/// what a filter does to each frequency, the picture of a learned filter that its taps do not give.
/// </summary>
public static class FrequencyResponsePlot
{
    /// <summary>Points of the frequency grid from 0 to half the sample rate.</summary>
    public const int Points = 513;

    /// <summary>|H| in dB at <see cref="Points"/> frequencies from 0 to fs/2 (a 1024-point DFT of the zero-padded taps).</summary>
    public static double[] MagnitudeDb(IReadOnlyList<float> taps)
    {
        using var scope = NewDisposeScope();
        var h = tensor(taps.Select(t => (double)t).ToArray());
        var spectrum = fft.rfft(h, 2 * (Points - 1));
        return (20 * (spectrum.abs() + 1e-12).log10()).data<double>().ToArray();
    }

    /// <summary>One trace per filter, named; frequencies for <paramref name="sampleRate"/>.</summary>
    public static GenericChart Of(string title, int sampleRate, IEnumerable<(string Name, float[] Taps)> filters, int height = 450)
    {
        var frequencies = Enumerable.Range(0, Points).Select(i => i * (sampleRate / 2.0) / (Points - 1)).ToArray();
        return SignalPlot.Build(title, "frequency (Hz)", "magnitude (dB)", filters.Select(f =>
            CSharpChart.Line<double, double, string>(frequencies, MagnitudeDb(f.Taps), Name: f.Name)), height);
    }
}
