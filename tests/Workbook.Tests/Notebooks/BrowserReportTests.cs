using System.Text.RegularExpressions;
using Workbook.Display;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// Opens the last notebook's HTML page (notebook 05: its live loss chart, frequency responses, spectrograms and players)
/// in headless Chromium (Debian's chromium, installed by scripts/install-prerequisites.sh), with no network, and checks
/// that Plotly drew the charts, the loss chart's legend is there and so are the audio players.
/// </summary>
[Collection("Notebooks")]
public class BrowserReportTests(NotebookRunFixture run)
{
    [SkippableFact]
    public void Chromium_renders_the_loss_plot_and_shows_the_audio_players()
    {
        string chromium = Chromium.Require();
        string name = Repository.Notebooks.Select(Path.GetFileNameWithoutExtension).Last()!;
        string page = Path.Combine(run.OutputDirectory, name + ".html");
        Assert.True(File.Exists(page), run.Describe());
        string url = new Uri(page).AbsoluteUri;
        string profile = Directory.CreateTempSubdirectory("workbook-chromium-").FullName;
        try
        {
            var dom = Repository.Run(chromium, Chromium.Arguments(profile).Append("--dump-dom").Append(url), Repository.Root, TimeSpan.FromMinutes(3));
            Assert.False(dom.TimedOut, "chromium did not finish");
            string html = dom.Output;
            Assert.True(html.Contains("</html>"), "no DOM dumped: " + dom.Error);
            // Plotly marks a drawn chart's div js-plotly-plot and draws SVG with class main-svg.
            int drawn = Regex.Matches(html, "class=\"[^\"]*" + PlotlyHtml.ChartClass + "[^\"]*js-plotly-plot").Count;
            Assert.True(drawn >= 2, $"{drawn} Plotly charts were drawn");
            Assert.Contains("main-svg", html);
            // Drawn interactively, each chart has let go of its static picture (shown only where scripts do not run).
            Assert.DoesNotContain($"class=\"{PlotlyHtml.StaticPictureClass}\"", html);
            Assert.Matches(">" + Regex.Escape(LossPlot.TrainName) + "<", html);   // legend entries of the loss chart
            Assert.Matches(">" + Regex.Escape(LossPlot.TestName) + "<", html);
            Assert.True(Regex.Matches(html, "<audio controls").Count >= 3, "three audio players");

            string screenshot = Path.Combine(run.OutputDirectory, name + ".png");
            File.Delete(screenshot);
            Repository.Run(chromium, Chromium.Arguments(profile).Append($"--screenshot={screenshot}").Append(url), Repository.Root, TimeSpan.FromMinutes(3));
            Assert.True(File.Exists(screenshot) && new FileInfo(screenshot).Length > 20_000, "a screenshot of the page");
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        }
    }
}
