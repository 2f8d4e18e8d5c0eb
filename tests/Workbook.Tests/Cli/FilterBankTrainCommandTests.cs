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
        var trained = CommandLine.RunWithin(TimeSpan.FromMinutes(5), "train", "--recipe", "filter-bank", "--epochs", "1", "--synthesized-clips", "0",
            "--gain-loss-power", "0.5", "--out", run);
        Assert.True(trained.ExitCode == 0, trained.Output + trained.Error);
        Assert.Contains("recipe filter-bank:", trained.Output);
        Assert.Contains("+ 10 × the gain loss of gains to the power 0.5", trained.Output);
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
        var diverged = CommandLine.RunWithin(TimeSpan.FromMinutes(5), "train", "--recipe", "filter-bank", "--epochs", "1", "--synthesized-clips", "0", "--lr", "1e30", "--out", run);
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

    [Fact]
    public void The_recipes_own_options_are_refused_with_the_lab_recipe_and_a_power_of_zero_is_refused()
    {
        var lab = CommandLine.RunWithin(TimeSpan.FromMinutes(5), "train", "--gain-loss-power", "0.5", "--out", Path.Combine(folder, "never"));
        Assert.Equal(2, lab.ExitCode);
        Assert.Contains("--gain-loss-power belong to --recipe filter-bank", lab.Error);
        var zero = CommandLine.RunWithin(TimeSpan.FromMinutes(5), "train", "--recipe", "filter-bank", "--gain-loss-power", "0", "--out", Path.Combine(folder, "never"));
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--gain-loss-power", zero.Error);
        Assert.False(Directory.Exists(Path.Combine(folder, "never")));
    }

    [SkippableFact]
    public void Synthesized_clips_join_the_bundled_training_clips_and_a_missing_synthesiser_is_one_line()
    {
        RequiredTool.Require(File.Exists("/usr/bin/espeak-ng") && File.Exists("/usr/bin/festival"), "espeak-ng or Festival is not installed",
            $"apt-get install espeak-ng {Workbook.Data.Speech.Festival.Packages}, or scripts/install-prerequisites.sh");
        string cache = Path.Combine(folder, "cache");
        var environment = new Dictionary<string, string> { ["WORKBOOK_THREADS"] = "1", ["XDG_CACHE_HOME"] = cache };
        string[] arguments = [Repository.CliDll, "train", "--recipe", "filter-bank", "--synthesized-clips", "4", "--epochs", "1", "--out", Path.Combine(folder, "run")];
        var trained = Repository.Run("dotnet", arguments, Repository.Root, TimeSpan.FromMinutes(5), environment);
        Assert.True(trained.ExitCode == 0, trained.Output + trained.Error);
        Assert.Contains("training speech: 4 synthesized clips", trained.Output);
        Assert.Contains("254 train (250 bundled, 4 synthesized), 50 test", trained.Output);
        Assert.Contains("4 synthesized clips (speech seed 1, 30% reverberant)", trained.Output);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(cache, "workbook", "synthesized-speech"), "*.clip").Length);

        // Without the synthesisers on PATH (and nothing cached under this cache folder): one line naming the program.
        environment["XDG_CACHE_HOME"] = Path.Combine(folder, "empty-cache");
        environment["PATH"] = Path.Combine(folder, "no-programs");
        var missing = Repository.Run(Path.Combine(Path.GetDirectoryName(Environment.ProcessPath!)!, "dotnet") is var dotnet && File.Exists(dotnet) ? dotnet : "dotnet",
            arguments, Repository.Root, TimeSpan.FromMinutes(5), environment);
        Assert.Equal(1, missing.ExitCode);
        Assert.Matches(@"workbook: (espeak-ng|festival) is not installed: synthesized training speech needs it \(apt-get install [a-z0-9 -]+, or scripts/install-prerequisites.sh\)", missing.Error);
        Assert.Single(missing.Error.Trim().Split('\n'));
    }
}
