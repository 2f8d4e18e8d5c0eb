using System.Text.Json;
using Plotly.NET;
using Workbook.Training;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Workbook.Hosting;

namespace Workbook.Display;

/// <summary>The training and test L1 loss per epoch, as a Plotly chart (train and test curves).</summary>
public static class LossPlot
{
    /// <summary>The trace names, so tests and readers can find the curves.</summary>
    public const string TrainName = "train L1", TestName = "test L1";

    /// <summary>A chart of train and test L1 per epoch; optional horizontal lines mark baselines (name → loss).</summary>
    public static GenericChart Chart(IEnumerable<EpochResult> epochs, string title = "L1 loss per epoch", IReadOnlyDictionary<string, double>? baselines = null)
    {
        var list = epochs.ToList();
        var x = list.Select(e => e.Epoch).ToArray();
        var traces = new List<GenericChart>
        {
            CSharpChart.Line<int, double, string>(x, list.Select(e => e.TrainL1), Name: TrainName, ShowMarkers: true),
            CSharpChart.Line<int, double, string>(x, list.Select(e => e.TestL1), Name: TestName, ShowMarkers: true),
        };
        if (baselines != null && list.Count > 0)
        {
            int first = Math.Min(1, x.Min()), last = Math.Max(x.Max(), 2);
            foreach (var (name, loss) in baselines)
                traces.Add(CSharpChart.Line<int, double, string>(new[] { first, last }, new[] { loss, loss }, Name: name));
        }
        return SignalPlot.Build(title, "epoch", "mean L1 loss", traces);
    }

    /// <summary>A complete HTML page with the loss chart and plotly.js inline: it opens in a browser with no network.</summary>
    /// <remarks>
    /// The figure is written here as plotly.js JSON, not through Plotly.NET's chart objects: <c>train</c> writes this
    /// page after its last epoch, and on a 2-core machine the first use of that F# library (building the chart and
    /// serialising it) took longer than starting the process and loading the data together. The page draws the same
    /// curves, titles and size as <see cref="Chart"/>, in the colours of Plotly.NET's default template.
    /// </remarks>
    public static string ToStandaloneHtml(IEnumerable<EpochResult> epochs, string title) =>
        PlotlyHtml.Page(title, PlotlyHtml.InlineFigure(FigureJson(epochs.ToList(), title)));

    /// <summary>The loss chart as a plotly.js figure: <c>{"data": [train, test, baselines…], "layout": {…}}</c>; a non-finite
    /// loss is a gap (null). Baselines are horizontal lines over the epochs, as in <see cref="Chart"/>.</summary>
    internal static string FigureJson(IReadOnlyList<EpochResult> epochs, string title, IReadOnlyDictionary<string, double>? baselines = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            void Numbers(string name, IEnumerable<double> values)
            {
                json.WriteStartArray(name);
                foreach (double value in values)
                    if (double.IsFinite(value)) json.WriteNumberValue(value); else json.WriteNullValue();
                json.WriteEndArray();
            }
            void Title(string name, string text)
            {
                json.WriteStartObject(name);
                json.WriteString("text", text);
                json.WriteEndObject();
            }
            json.WriteStartObject();
            json.WriteStartArray("data");
            foreach (var (name, loss) in new (string, Func<EpochResult, double>)[] { (TrainName, e => e.TrainL1), (TestName, e => e.TestL1) })
            {
                json.WriteStartObject();
                json.WriteString("type", "scatter");
                json.WriteString("name", name);
                json.WriteString("mode", "lines+markers");
                Numbers("x", epochs.Select(e => (double)e.Epoch));
                Numbers("y", epochs.Select(loss));
                json.WriteEndObject();
            }
            if (baselines != null && epochs.Count > 0)
            {
                int first = Math.Min(1, epochs.Min(e => e.Epoch)), last = Math.Max(epochs.Max(e => e.Epoch), 2);
                foreach (var (name, loss) in baselines)
                {
                    json.WriteStartObject();
                    json.WriteString("type", "scatter");
                    json.WriteString("name", name);
                    json.WriteString("mode", "lines");
                    Numbers("x", new double[] { first, last });
                    Numbers("y", new[] { loss, loss });
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();
            json.WriteStartObject("layout");
            Title("title", title);
            json.WriteNumber("width", 800);
            json.WriteNumber("height", 400);
            // The look of Plotly.NET's default template (the notebooks' charts), reduced to what a 2-D line chart uses.
            json.WriteString("paper_bgcolor", "rgba(255, 255, 255, 1.0)");
            json.WriteString("plot_bgcolor", "rgba(229, 236, 246, 1.0)");
            json.WriteStartObject("font");
            json.WriteString("color", "rgba(42, 63, 95, 1.0)");
            json.WriteEndObject();
            json.WriteStartArray("colorway");
            foreach (string colour in new[] { "#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A" }) json.WriteStringValue(colour);
            json.WriteEndArray();
            json.WriteString("hovermode", "closest");
            foreach (var (axis, text) in new[] { ("xaxis", "epoch"), ("yaxis", "mean L1 loss") })
            {
                json.WriteStartObject(axis);
                Title("title", text);
                json.WriteString("gridcolor", "rgba(255, 255, 255, 1.0)");
                json.WriteString("linecolor", "rgba(255, 255, 255, 1.0)");
                json.WriteString("zerolinecolor", "rgba(255, 255, 255, 1.0)");
                json.WriteBoolean("automargin", true);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}


/// <summary>
/// A loss chart written as plotly.js JSON by the workbook (<see cref="LossPlot.FigureJson"/>), displayed in a notebook
/// like a Plotly.NET chart (an interactive chart over a static picture). Displaying it takes about a millisecond, where
/// serialising a Plotly.NET chart takes a good part of an epoch, which a chart redrawn after every epoch would pay each time.
/// </summary>
public sealed record LossFigure(string FigureJson);

/// <summary>
/// A loss chart that redraws itself after every epoch in a notebook: <see cref="Show"/> displays it once and
/// <see cref="Add"/> replaces the displayed chart (through .NET Interactive's <c>DisplayedValue.Update</c>).
/// Outside a notebook (a test, the command line) it only collects the epochs. Pass <see cref="Add"/> as the
/// trainer's per-epoch callback.
/// </summary>
public sealed class LiveLossPlot
{
    private readonly List<EpochResult> epochs = new();
    private Microsoft.DotNet.Interactive.Formatting.DisplayedValue? displayed;

    public LiveLossPlot(string title = "L1 loss per epoch (updates while training)") => Title = title;

    public string Title { get; }

    /// <summary>Horizontal reference lines (name → loss), e.g. the identity baseline.</summary>
    public Dictionary<string, double> Baselines { get; } = new();

    public IReadOnlyList<EpochResult> Epochs => epochs;

    /// <summary>The chart as it is now, as a Plotly.NET chart.</summary>
    public GenericChart Chart => LossPlot.Chart(epochs, Title, Baselines);

    /// <summary>The chart as it is now, as what the notebook displays (the same curves, written without Plotly.NET).</summary>
    public LossFigure Figure => new(LossPlot.FigureJson(epochs, Title, Baselines));

    /// <summary>Displays the (empty) chart in the running notebook cell; does nothing outside a notebook.</summary>
    public LiveLossPlot Show()
    {
        if (Microsoft.DotNet.Interactive.KernelInvocationContext.Current is { } context)
            displayed = Microsoft.DotNet.Interactive.KernelInvocationContextExtensions.Display(context, Figure, NotebookSetup.ChartMimeTypes);
        return this;
    }

    /// <summary>
    /// Runs a training run while this chart follows it, and returns what the run returns. The chart redraws from the
    /// kernel's threads while the run calls libtorch; TorchSharp hands libtorch numbers that only the garbage collector's
    /// finalizer frees, so a collection mid-call could free one in use. The run is therefore kept free of collections
    /// (<see cref="Fast.CollectorPause"/>), which is invisible to the run itself.
    /// </summary>
    public T Watch<T>(Func<T> training) => Fast.CollectorPause.During(training);

    /// <summary>
    /// Adds one epoch's train and test L1 (what a training loop reports) and redraws the displayed chart. One method, no
    /// overloads: a notebook passes <c>live.Add</c> as the loop's callback, and an overloaded method group would not convert.
    /// </summary>
    public void Add(EpochLosses epoch)
    {
        epochs.Add(new EpochResult(epoch.Epoch, epoch.TrainL1, epoch.TestL1, double.NaN, double.NaN, TimeSpan.Zero));
        displayed?.Update(Figure);
    }
}
