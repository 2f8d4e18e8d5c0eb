using Workbook.Data;
using Workbook.Networks;
using Workbook.Tests.Notebooks;
using Workbook.Training;
using Workbook.FilterBank;
using Workbook.ModelFiles;

namespace Workbook.Tests.Cli;

/// <summary>
/// <c>train --recipe filter-bank</c> as the README promises it: the improved CNN's model file, history and plot written
/// together, a model that <c>evaluate</c> and <c>denoise</c> take like the lab's, the lab's architecture options refused,
/// and a diverged run that keeps the previous model.
/// </summary>
public sealed class FilterBankTrainCommandTests : IDisposable
{
    private readonly ScratchFolder folder = new("train-improved-");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void One_epoch_writes_an_improved_model_that_evaluate_and_denoise_take_and_a_diverged_run_keeps_it()
    {
        string run = Path.Combine(folder, "run");
        var trained = CommandLine.RunWithin(TimeSpan.FromMinutes(5), "train", "--recipe", "filter-bank", "--epochs", "1", "--out", run);
        Assert.True(trained.ExitCode == 0, trained.Output + trained.Error);
        Assert.Contains("recipe filter-bank:", trained.Output);
        Assert.Contains($"; {FilterBankCnnSpecification.Default.ParameterCount} coefficients", trained.Output);
        string model = Path.Combine(run, "model.cnn");
        Assert.True(FilterBankModelFile.IsImprovedModel(model));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "history.csv")).Length);   // the header and one epoch
        Assert.True(File.Exists(Path.Combine(run, "loss.html")));

        var scored = CommandLine.RunWithin(TimeSpan.FromMinutes(5), "evaluate", "--model", model);
        Assert.True(scored.ExitCode == 0, scored.Output + scored.Error);
        Assert.Contains("improved CNN", scored.Output);

        string input = Path.Combine(folder, "voice.wav");
        var samples = Enumerable.Range(0, 22050).Select(n => (float)(0.3 * Math.Sin(2 * Math.PI * 300 * n / 22050.0))).ToArray();
        WavAudio.Write(input, samples, 22050);
        var denoised = CommandLine.RunWithin(TimeSpan.FromMinutes(5), "denoise", "--model", model, input, "-o", Path.Combine(folder, "out.wav"));
        Assert.True(denoised.ExitCode == 0, denoised.Output + denoised.Error);
        Assert.Contains("22050 samples at 22050 Hz", denoised.Output);

        var before = File.ReadAllBytes(model);
        var diverged = CommandLine.RunWithin(TimeSpan.FromMinutes(5), "train", "--recipe", "filter-bank", "--epochs", "1", "--lr", "1e30", "--out", run);
        Assert.True(diverged.ExitCode == 1, diverged.Output + diverged.Error);
        Assert.Contains("training diverged at epoch 1", diverged.Error);
        Assert.Contains("is the previous run's, untouched", diverged.Error);
        Assert.Equal(before, File.ReadAllBytes(model));
        Assert.True(File.Exists(Path.Combine(run, "diverged-history.csv")));
    }

    [Fact]
    public void The_lab_architecture_options_are_refused_with_the_improved_recipe()
    {
        var refused = CommandLine.RunWithin(TimeSpan.FromMinutes(5), "train", "--recipe", "improved", "--taps", "8,8", "--out", Path.Combine(folder, "never"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--recipe improved has its own network", refused.Error);
        Assert.False(Directory.Exists(Path.Combine(folder, "never", "model.cnn")));
    }
}
