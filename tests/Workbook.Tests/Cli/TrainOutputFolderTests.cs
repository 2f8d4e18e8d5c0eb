using System.Diagnostics;
using Workbook.Data;
using Workbook.Tests.Notebooks;
using Workbook.Training;
using Workbook.ModelFiles;

namespace Workbook.Tests.Cli;

/// <summary>
/// One consistent run per <c>--out</c> folder: a diverged, concurrent or killed run never replaces or mixes with the
/// previous run's model, history and plot, and leaves no private files behind.
/// </summary>
public sealed class TrainOutputFolderTests : IDisposable
{
    private readonly ScratchFolder folder = new("train-out-");

    public void Dispose() => folder.Dispose();

    private string[] Train(string data, string output, params string[] more) =>
        new[] { "train", "--data", data, "--test-count", "4", "--taps", "8,8", "--out", output }.Concat(more).ToArray();

    private string Data() => SyntheticPairs.WriteWavFolder(folder, 12, 2000);

    /// <summary>The published files' bytes, by name: what must not change.</summary>
    private static Dictionary<string, byte[]> Snapshot(string run) =>
        new[] { "model.cnn", "history.csv", "loss.html" }.ToDictionary(n => n, n => File.ReadAllBytes(Path.Combine(run, n)));

    private static void AssertUnchanged(Dictionary<string, byte[]> before, string run)
    {
        foreach (var (name, bytes) in before) Assert.True(bytes.SequenceEqual(File.ReadAllBytes(Path.Combine(run, name))), $"{name} changed");
        Assert.Empty(Directory.GetDirectories(run, ".run-*"));                                  // no staging folder left
        Assert.Empty(Directory.GetFiles(run, "*.tmp"));
    }

    [Fact]
    public void A_diverged_run_exits_non_zero_keeps_its_history_apart_and_leaves_the_previous_model()
    {
        string data = Data(), run = Path.Combine(folder, "run");
        var good = CommandLine.Run(Train(data, run, "--epochs", "2"));
        Assert.True(good.ExitCode == 0, good.Output + good.Error);
        var before = Snapshot(run);

        var diverged = CommandLine.Run(Train(data, run, "--epochs", "2", "--lr", "1e6"));
        Assert.Equal(1, diverged.ExitCode);
        Assert.Contains("training diverged at epoch", diverged.Error);
        Assert.Single(diverged.Error.Trim().Split('\n'));
        string kept = Path.Combine(run, "diverged-history.csv");
        Assert.Contains($"Kept {kept}", diverged.Error);
        Assert.Contains("is the previous run's, untouched", diverged.Error);
        Assert.StartsWith(TrainingHistory.CsvHeader, File.ReadAllText(kept));
        AssertUnchanged(before, run);
    }

    [Fact]
    public void A_second_run_into_a_folder_in_use_is_refused_and_the_lock_goes_with_its_holder()
    {
        string run = Path.Combine(folder, "run");
        using (RunFolder.Open(run))
        {
            var second = Assert.Throws<IOException>(() => RunFolder.Open(run));
            Assert.Contains("another run is writing to this folder", second.Message);
            var cli = CommandLine.Run(Train(Path.Combine(folder, "not-needed"), run, "--epochs", "1"));
            Assert.Equal(1, cli.ExitCode);
            Assert.Contains("another run is writing to this folder", cli.Error);
            Assert.Single(cli.Error.Trim().Split('\n'));
        }
        using (RunFolder.Open(run)) { }   // released on dispose
        Assert.Empty(Directory.GetDirectories(run, ".run-*"));
    }

    [Fact]
    public void A_killed_run_leaves_the_previous_run_whole_and_the_next_run_clears_up_after_it()
    {
        string data = Data(), run = Path.Combine(folder, "run");
        Assert.Equal(0, CommandLine.Run(Train(data, run, "--epochs", "1")).ExitCode);
        var before = Snapshot(run);

        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string word in new[] { Repository.CliDll }.Concat(Train(data, run, "--epochs", "100000"))) start.ArgumentList.Add(word);
        start.Environment["WORKBOOK_THREADS"] = "1";
        using (var process = Process.Start(start)!)
        {
            // Killed (SIGKILL: no clean-up code runs) once it has written an epoch's history into its staging folder.
            var clock = Stopwatch.StartNew();
            while (!Directory.GetDirectories(run, ".run-*").Any(d => File.Exists(Path.Combine(d, "history.csv"))) && clock.Elapsed < TimeSpan.FromMinutes(2))
                Thread.Sleep(50);
            process.Kill();
            process.WaitForExit();
        }
        foreach (var (name, bytes) in before) Assert.True(bytes.SequenceEqual(File.ReadAllBytes(Path.Combine(run, name))), $"{name} changed");
        Assert.NotEmpty(Directory.GetDirectories(run, ".run-*"));

        var next = CommandLine.Run(Train(data, run, "--epochs", "1", "--seed", "2"));
        Assert.True(next.ExitCode == 0, next.Output + next.Error);
        Assert.Empty(Directory.GetDirectories(run, ".run-*"));
        Assert.Empty(Directory.GetFiles(run, "*.tmp"));
        Assert.StartsWith(TrainingHistory.CsvHeader + "\n1,", File.ReadAllText(Path.Combine(run, "interrupted-history.csv")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "history.csv")).Length);
    }
}
