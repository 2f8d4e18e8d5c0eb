using System.Text.RegularExpressions;
using Workbook.Display;

namespace Workbook.Tests.Notebooks;

/// <summary>What the notebooks showed when the runner executed them (see <see cref="NotebookRunFixture"/>).</summary>
[Collection("Notebooks")]
public class NotebookRunTests(NotebookRunFixture run)
{
    private static readonly string[] Names = Repository.Notebooks.Select(Path.GetFileNameWithoutExtension).ToArray()!;

    [Fact]
    public void Every_notebook_ran_without_a_failed_cell()
    {
        Assert.False(run.Result.TimedOut, run.Describe());
        Assert.True(run.Result.ExitCode == 0, run.Describe());
        foreach (string name in Names)
        {
            var line = run.Result.Output.Split('\n').SingleOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
            Assert.True(line != null, $"no line for {name}\n{run.Describe()}");
            Assert.Matches(@"\d+ cells +\d+\.\d s  ok\s*$", line);
        }
    }

    [Fact]
    public void The_runner_writes_each_executed_notebook_with_its_metadata_a_page_each_and_an_index()
    {
        string index = File.ReadAllText(Path.Combine(run.OutputDirectory, "index.html"));
        foreach (string name in Names)
        {
            var executed = run.Executed(name);
            Assert.Equal(".net-csharp", (string?)executed["metadata"]!["kernelspec"]!["name"]);
            Assert.Equal("csharp", (string?)executed["metadata"]!["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]);
            var codeCells = executed["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code").ToList();
            Assert.All(codeCells, c => Assert.NotNull(c!["execution_count"]));
            Assert.Contains(codeCells, c => c!["outputs"]!.AsArray().Count > 0);
            Assert.True(File.Exists(Path.Combine(run.OutputDirectory, name + ".html")), name);
            Assert.Contains($"href=\"{name}.html\"", index);
        }
    }

    [Fact]
    public void Task_4_shows_a_loss_chart_with_train_and_test_curves_and_beats_the_identity_baseline()
    {
        var outputs = NotebookRunFixture.HtmlOutputs(run.Executed(Names[3])).ToList();
        var lossFigures = outputs.SelectMany(NotebookRunFixture.Figures).Select(NotebookRunFixture.Traces)
            .Where(t => t.ContainsKey(LossPlot.TrainName) && t.ContainsKey(LossPlot.TestName)).ToList();
        // One chart of the run (the live one, holding every epoch after its updates), and one of the errata's tanh-everywhere run.
        Assert.Equal(2, lossFigures.Count);
        var final = lossFigures[0];
        Assert.Equal(20, final[LossPlot.TestName].Length);
        Assert.Equal(20, final[LossPlot.TrainName].Length);
        var identity = final.Single(t => t.Key.StartsWith("identity", StringComparison.Ordinal)).Value;
        Assert.True(final[LossPlot.TestName][^1] < identity[0],
            $"final test L1 {final[LossPlot.TestName][^1]} is not below the identity baseline's {identity[0]}");
        // The per-epoch table and the final values, printed.
        Assert.Contains(outputs, h => h.Contains(Table.CssClass) && h.Contains("train L1") && h.Contains(">20</td>"));
        string text = string.Join("\n", run.Executed(Names[3])["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? new System.Text.Json.Nodes.JsonArray())
            .Select(o => Workbook.Notebooks.JupyterOutputs.Join(o!["text"])));
        Assert.Contains($"test L1 {final[LossPlot.TestName][^1]:F5}", text);
    }

    [Fact]
    public void Every_chart_in_an_executed_notebook_carries_its_interactive_version_and_a_static_picture()
    {
        int charts = 0;
        foreach (string name in Names)
            foreach (var output in ChartOutputs.In(run.Executed(name)))
            {
                ChartOutputs.AssertInteractiveAndStatic(output, $"{name}.ipynb");
                charts++;
            }
        Assert.True(charts >= 6, $"{charts} charts in the executed notebooks");
        // The live loss chart, updated after every epoch, ends with all 20 epochs in its picture too.
        var live = ChartOutputs.In(run.Executed(Names[3])).Select(o => ChartOutputs.AssertInteractiveAndStatic(o, Names[3]))
            .First(svg => svg.Descendants().Any(e => e.Value == LossPlot.TrainName));
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(20, live.Descendants(ns + "polyline").First().Attribute("points")!.Value.Split(' ').Length);
    }

    [Fact]
    public void Task_4_plays_at_least_three_clips_and_shows_a_comparison_table()
    {
        var outputs = NotebookRunFixture.HtmlOutputs(run.Executed(Names[3])).ToList();
        int players = outputs.Sum(h => Regex.Matches(h, "<audio controls").Count);
        Assert.True(players >= 3, $"{players} audio players");
        Assert.Contains(outputs, h => h.Contains(Table.CssClass) && h.Contains("identity") && h.Contains("CNN"));
    }

    [Fact]
    public void Beyond_the_lab_compares_five_denoisers_shows_responses_spectrograms_and_players_of_each_noise_kind()
    {
        var notebook = run.Executed(Names[4]);
        var outputs = NotebookRunFixture.HtmlOutputs(notebook).ToList();
        Assert.Contains(outputs, h => h.Contains(Table.CssClass) && h.Contains("identity") && h.Contains("least squares")
                                      && h.Contains("STFT Wiener") && h.Contains("lab CNN") && h.Contains("improved CNN"));
        int heatmaps = outputs.SelectMany(NotebookRunFixture.Figures).Count(f => f["data"]!.AsArray().Any(t => (string?)t!["type"] == "heatmap"));
        Assert.Equal(4 * 5, heatmaps);   // noisy, clean, FIR, improved CNN for each of the five noise kinds
        int players = outputs.Sum(h => Regex.Matches(h, "<audio controls").Count);
        Assert.True(players >= 4 * 5, $"{players} audio players");
        Assert.Contains(outputs, h => h.Contains("frequency (Hz)") && h.Contains("least-squares FIR"));
        string text = string.Join("\n", notebook["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? new System.Text.Json.Nodes.JsonArray())
            .Select(o => Workbook.Notebooks.JupyterOutputs.Join(o!["text"])));
        Assert.Matches(@"improved CNN: \d+ coefficients, \d+ epochs in \d+ s", text);
    }

    [Fact]
    public void Every_html_page_is_self_contained_with_plotly_js_once()
    {
        string marker = PlotlyHtml.PlotlyJs[..200];
        foreach (string name in Names)
        {
            string page = File.ReadAllText(Path.Combine(run.OutputDirectory, name + ".html"));
            Assert.Single(Regex.Matches(page, Regex.Escape(marker)));
            Assert.Contains(PlotlyHtml.ChartClass, page);
            Assert.DoesNotContain("<script src=", page);
            Assert.DoesNotContain("<link ", page);
        }
        string task4 = File.ReadAllText(Path.Combine(run.OutputDirectory, Names[3] + ".html"));
        Assert.True(Regex.Matches(task4, "<audio controls").Count >= 3);
    }
}
