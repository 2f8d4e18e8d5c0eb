using Workbook.Training;
using Workbook.ModelFiles;

namespace Workbook.Tests.ModelFiles;

/// <summary>The output folder of a training run, through the library (the command line's tests go through <c>train</c>).</summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"runfolder-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_run_stages_its_files_privately_and_publishes_them_under_their_names()
    {
        using (var run = RunFolder.Open(Path.Combine(folder, "new", "nested")))
        {
            Assert.True(Directory.Exists(run.Staging));
            Assert.Equal(run.Folder, Path.GetDirectoryName(run.Staging));
            Assert.StartsWith(".run-" + Environment.ProcessId + "-", Path.GetFileName(run.Staging));
            File.WriteAllText(run.Staged("model.cnn"), "model");
            File.WriteAllText(run.Staged("history.csv"), "history");
            var published = run.Publish("model.cnn", "history.csv", "loss.html");
            Assert.Equal(new[] { run.Published("model.cnn"), run.Published("history.csv") }, published);
            Assert.Equal("model", File.ReadAllText(Path.Combine(run.Folder, "model.cnn")));
            Assert.False(run.Shows("loss.html"));
            Assert.False(Directory.Exists(run.Staging));
        }
        // The names are links through .published to the published run's folder; no staging folder is left.
        string output = Path.Combine(folder, "new", "nested");
        var left = Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Single(left, n => n!.StartsWith(".published-"));
        Assert.Equal(new[] { RunFolder.PublishedLink, RunFolder.LockName, "history.csv", "loss.html", "model.cnn" }, left.Where(n => !n!.StartsWith(".published-")));
        Assert.Equal(".published/model.cnn", new FileInfo(Path.Combine(output, "model.cnn")).LinkTarget);
        Assert.DoesNotContain(left, n => n!.StartsWith(".run-"));
    }

    [Fact]
    public void A_second_run_into_a_folder_in_use_is_refused_and_the_folder_is_free_again_after_the_first()
    {
        using (RunFolder.Open(folder))
        {
            var e = Assert.Throws<IOException>(() => RunFolder.Open(folder));
            Assert.Contains("another run is writing to this folder", e.Message);
        }
        using var again = RunFolder.Open(folder);
        Assert.True(Directory.Exists(again.Staging));
    }

    [Fact]
    public void A_killed_runs_staging_folder_is_removed_and_its_history_kept()
    {
        Directory.CreateDirectory(Path.Combine(folder, ".run-99999-dead"));
        File.WriteAllText(Path.Combine(folder, ".run-99999-dead", "history.csv"), "epoch,train_l1\n1,0.5\n");
        Directory.CreateDirectory(Path.Combine(folder, ".run-99998-empty"));
        Directory.CreateDirectory(Path.Combine(folder, "results"));   // not a staging folder: kept
        using var run = RunFolder.Open(folder);
        Assert.Equal("epoch,train_l1\n1,0.5\n", File.ReadAllText(Path.Combine(folder, "interrupted-history.csv")));
        Assert.False(Directory.Exists(Path.Combine(folder, ".run-99999-dead")));
        Assert.False(Directory.Exists(Path.Combine(folder, ".run-99998-empty")));
        Assert.True(Directory.Exists(Path.Combine(folder, "results")));
    }

    [Fact]
    public void Disposing_a_run_removes_what_it_did_not_publish()
    {
        string staging;
        using (var run = RunFolder.Open(folder))
        {
            staging = run.Staging;
            File.WriteAllText(run.Staged("model.cnn"), "unpublished");
        }
        Assert.False(Directory.Exists(staging));
        Assert.False(File.Exists(Path.Combine(folder, "model.cnn")));
    }

    [Fact]
    public void A_folder_that_cannot_be_created_is_named()
    {
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "a-file");
        File.WriteAllText(file, "");
        var e = Assert.Throws<IOException>(() => RunFolder.Open(Path.Combine(file, "out")));
        Assert.Contains("cannot create the output folder", e.Message);
    }
}
