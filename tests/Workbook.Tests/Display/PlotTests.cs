using System.Text.RegularExpressions;
using Workbook.Display;
using Workbook.Display.StaticCharts;
using Workbook.Training;

namespace Workbook.Tests.Display;

public class PlotTests
{
    private static readonly EpochResult[] Epochs =
    {
        new(1, 0.05, 0.06, 0.01, 0.012, TimeSpan.FromSeconds(1)),
        new(2, 0.04, 0.045, 0.008, 0.009, TimeSpan.FromSeconds(1)),
        new(3, 0.03, 0.035, 0.006, 0.007, TimeSpan.FromSeconds(1)),
    };

    [Fact]
    public void Loss_chart_has_a_train_and_a_test_curve_with_one_point_per_epoch()
    {
        string figure = Plotly.NET.GenericChart.toFigureJson(LossPlot.Chart(Epochs, "loss"));
        Assert.Contains($"\"name\":\"{LossPlot.TrainName}\"", figure);
        Assert.Contains($"\"name\":\"{LossPlot.TestName}\"", figure);
        Assert.Contains("\"y\":[0.05,0.04,0.03]", figure);
        Assert.Contains("\"y\":[0.06,0.045,0.035]", figure);
    }

    [Fact]
    public void Standalone_loss_page_carries_plotly_js_once_and_needs_no_network()
    {
        string page = LossPlot.ToStandaloneHtml(Epochs, "Training <run>");
        Assert.StartsWith("<!DOCTYPE html>", page);
        Assert.Contains("Training &lt;run&gt;", page);
        Assert.True(page.Length > 3_000_000, "plotly.js (about 3.5 MB) is inline");
        Assert.Single(Regex.Matches(page, Regex.Escape(PlotlyHtml.PlotlyJs[..200])));
        Assert.DoesNotContain("<script src=", page);
        Assert.Contains(PlotlyHtml.ChartClass, page);
    }

    [Fact]
    public void Standalone_loss_page_draws_both_curves_with_the_charts_names_and_axes()
    {
        string page = LossPlot.ToStandaloneHtml(Epochs, "Training </script> run");
        Assert.DoesNotContain(PlotlyHtml.CdnAddress, page);                // plotly.js is inline: no fallback to fetch it
        var match = Regex.Match(page, @"var figure = (.*);\n  window\.Plotly\.newPlot");
        Assert.True(match.Success, "the page draws one figure with its inline plotly.js");
        using var figure = System.Text.Json.JsonDocument.Parse(match.Groups[1].Value.Replace("<\\/", "</"));
        var data = figure.RootElement.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        foreach (var (trace, name, expected) in new[] { (data[0], LossPlot.TrainName, Epochs.Select(e => e.TrainL1)), (data[1], LossPlot.TestName, Epochs.Select(e => e.TestL1)) })
        {
            Assert.Equal(name, trace.GetProperty("name").GetString());
            Assert.Equal(new[] { 1.0, 2.0, 3.0 }, trace.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
            Assert.Equal(expected, trace.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        }
        var layout = figure.RootElement.GetProperty("layout");
        Assert.Equal("Training </script> run", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("epoch", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("mean L1 loss", layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Single(Regex.Matches(page, "</script>"), m => m.Index < page.IndexOf("</head>", StringComparison.Ordinal));   // the title closed no script early
    }

    [Fact]
    public void A_chart_fragment_cannot_close_its_script_early()

    {
        var chart = SignalPlot.Samples("</script><b>x</b>", ("a", new[] { 1f, 2f }));
        string html = PlotlyHtml.Fragment(chart);
        Assert.Single(Regex.Matches(html, "</script>"));
    }

    [Fact]
    public void Live_plot_collects_epochs_outside_a_notebook()
    {
        var live = new LiveLossPlot().Show();
        foreach (var e in Epochs) live.Add(new Workbook.Training.EpochLosses(e.Epoch, e.TrainL1, e.TestL1));
        Assert.Equal(3, live.Epochs.Count);
        Assert.Contains(LossPlot.TestName, Plotly.NET.GenericChart.toFigureJson(live.Chart));
    }

    [Fact]
    public void The_live_plots_figure_draws_what_the_plotly_net_chart_draws_baselines_included()
    {
        // The notebook displays the figure written without Plotly.NET; its traces must be the chart's, point for point.
        var live = new LiveLossPlot("live");
        live.Baselines["identity baseline (test)"] = 0.041;
        foreach (var e in Epochs) live.Add(new EpochLosses(e.Epoch, e.TrainL1, e.TestL1));
        using var ours = System.Text.Json.JsonDocument.Parse(live.Figure.FigureJson);
        using var theirs = System.Text.Json.JsonDocument.Parse(Plotly.NET.GenericChart.toFigureJson(live.Chart));
        var (data, expected) = (ours.RootElement.GetProperty("data"), theirs.RootElement.GetProperty("data"));
        Assert.Equal(3, expected.GetArrayLength());
        Assert.Equal(expected.GetArrayLength(), data.GetArrayLength());
        for (int t = 0; t < data.GetArrayLength(); t++)
        {
            Assert.Equal(expected[t].GetProperty("name").GetString(), data[t].GetProperty("name").GetString());
            Assert.Equal(expected[t].GetProperty("mode").GetString(), data[t].GetProperty("mode").GetString());
            foreach (string axis in new[] { "x", "y" })
                Assert.Equal(expected[t].GetProperty(axis).EnumerateArray().Select(v => v.GetDouble()), data[t].GetProperty(axis).EnumerateArray().Select(v => v.GetDouble()));
        }
        Assert.Equal("live", ours.RootElement.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Contains("<svg", StaticChart.Svg(live.Figure.FigureJson));
        Assert.Contains(PlotlyHtml.ChartClass, PlotlyHtml.Fragment(live.Figure.FigureJson));
    }
}
