using Workbook.Training;
using Workbook.ModelFiles;

namespace Workbook.Tests.ModelFiles;

/// <summary>What a run folder replaces or removes that an earlier run left: an older interrupted history, a killed run's
/// staging folder with files still in it, a dead writer's temporary file, and the previous run's published files.</summary>
public sealed class RunFolderReplacesTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"runfolder-replaces-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_killed_runs_history_replaces_an_older_one_and_its_other_files_go()
    {
        string dead = Path.Combine(folder, ".run-99999-dead");
        Directory.CreateDirectory(dead);
        File.WriteAllText(Path.Combine(folder, "interrupted-history.csv"), "older");
        File.WriteAllText(Path.Combine(dead, "history.csv"), "newer");
        File.WriteAllText(Path.Combine(dead, "model.tmp"), "half a model");
        // A temporary file of a writer that no longer runs (a process id above Linux's largest).
        string temporary = Path.Combine(folder, $".model.cnn.99999999.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, "half");

        using var run = RunFolder.Open(folder);
        Assert.Equal("newer", File.ReadAllText(Path.Combine(folder, "interrupted-history.csv")));
        Assert.False(Directory.Exists(dead));
        Assert.False(File.Exists(temporary));
    }

    [Fact]
    public void Publishing_replaces_the_previous_runs_files()
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "model.cnn"), "previous");
        using var run = RunFolder.Open(folder);
        File.WriteAllText(run.Staged("model.cnn"), "next");
        Assert.Equal(new[] { run.Published("model.cnn") }, run.Publish("model.cnn"));
        Assert.Equal("next", File.ReadAllText(Path.Combine(folder, "model.cnn")));
    }
}
