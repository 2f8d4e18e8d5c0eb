using Plotly.NET;
using NWaves.Transforms;
using NWaves.Windows;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbook.Display;

/// <summary>
/// Spectrograms as Plotly heatmaps: power in dB of 512-sample Hann frames every 128 samples (NWaves' STFT), time in
/// seconds across, frequency in Hz up, the same colour scale for every clip of one call so that they compare.
/// </summary>
public static class SpectrogramPlot
{
    public const int WindowSize = 512, Hop = 128;

    /// <summary>The power spectrogram in dB, <c>[frequency bin][frame]</c>, bins 0 … WindowSize/2.</summary>
    public static double[][] PowerDb(float[] samples)
    {
        var frames = new Stft(WindowSize, Hop, WindowType.Hann).Spectrogram(samples, normalize: false);
        int bins = WindowSize / 2 + 1;
        var db = new double[bins][];
        for (int k = 0; k < bins; k++)
        {
            db[k] = new double[frames.Count];
            for (int t = 0; t < frames.Count; t++) db[k][t] = Math.Round(10 * Math.Log10(frames[t][k] + 1e-10), 1);   // 0.1 dB: finer than any colour step, and a sixth of the page
        }
        return db;
    }

    /// <summary>One heatmap per clip, stacked; everything more than 80 dB below the loudest bin of all the clips is shown at that floor.</summary>
    public static IReadOnlyList<GenericChart> Of(string title, params AudioClip[] clips)
    {
        var spectrograms = clips.Select(c => PowerDb(c.Samples.ToArray())).ToArray();
        double top = spectrograms.Max(s => s.Max(row => row.Length == 0 ? double.NegativeInfinity : row.Max()));
        return clips.Select((clip, i) =>
        {
            var z = spectrograms[i];
            var times = Enumerable.Range(0, z[0].Length).Select(t => (double)t * Hop / clip.SampleRate).ToArray();
            var frequencies = Enumerable.Range(0, z.Length).Select(k => (double)k * clip.SampleRate / WindowSize).ToArray();
            var heatmap = CSharpChart.Heatmap<double, double, double, string>(
                zData: z.Select(row => row.Select(v => Math.Max(v, top - 80))), X: times, Y: frequencies, Name: clip.Title);
            return SignalPlot.Build($"{title}: {clip.Title}", "time (s)", "frequency (Hz)", [heatmap], height: 300);
        }).ToArray();
    }
}
