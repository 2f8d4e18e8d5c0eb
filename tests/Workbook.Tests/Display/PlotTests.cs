using System.Text.RegularExpressions;
using Workbook.Display;
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
}
