using Plotly.NET;
using Plotly.NET.CSharp;
using static TorchSharp.torch;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbook.Display;

/// <summary>Plotly charts of signals: stems for short sequences, lines for waveforms.</summary>
public static class SignalPlot
{
    /// <summary>One or more short signals against the sample index n, as markers joined by lines (a stem-like view).</summary>
    public static GenericChart Samples(string title, params (string Name, float[] Values)[] signals) =>
        Build(title, "sample n", "value", signals.Select(s =>
            CSharpChart.Line<int, float, string>(Enumerable.Range(0, s.Values.Length), s.Values, Name: s.Name, ShowMarkers: true)));

    /// <summary>Like the array overload, from tensors with one non-singleton axis.</summary>
    public static GenericChart Samples(string title, params (string Name, Tensor Values)[] signals) =>
        Samples(title, signals.Select(s => (s.Name, ToArray(s.Values))).ToArray());

    /// <summary>Waveforms against time in seconds (long signals are reduced to at most <paramref name="maxPoints"/> points per trace).</summary>
    public static GenericChart Waveforms(string title, IEnumerable<AudioClip> clips, int maxPoints = 4000) =>
        Build(title, "time (s)", "amplitude", clips.Select(c =>
        {
            int step = Math.Max(1, c.Samples.Length / maxPoints);
            var indices = Enumerable.Range(0, (c.Samples.Length + step - 1) / step).Select(i => i * step).ToArray();
            return CSharpChart.Line<double, float, string>(indices.Select(i => (double)i / c.SampleRate), indices.Select(i => c.Samples[i]), Name: c.Title);
        }), height: 350);

    /// <summary>Waveforms of the given clips, in one chart.</summary>
    public static GenericChart Waveforms(string title, params AudioClip[] clips) => Waveforms(title, (IEnumerable<AudioClip>)clips);

    internal static GenericChart Build(string title, string xTitle, string yTitle, IEnumerable<GenericChart> traces, int height = 400) =>
        Plotly.NET.Chart.withTitle(title, TitleFont: null).Invoke(
            GenericChart.combine(traces)
                .WithXAxisStyle<double, double, string>(TitleText: xTitle)
                .WithYAxisStyle<double, double, string>(TitleText: yTitle)
                .WithSize(Width: 800, Height: height));

    internal static float[] ToArray(Tensor values)
    {
        using var flat = values.detach().cpu().to(float32).flatten();
        return flat.data<float>().ToArray();
    }
}
