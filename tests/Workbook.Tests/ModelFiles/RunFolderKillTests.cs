using Workbook.ModelFiles;

namespace Workbook.Tests.ModelFiles;

/// <summary>
/// A publication stopped after each of its steps, as <c>kill -9</c> would stop it (no clean-up runs; the kernel releases
/// the lock): the folder shows one run whole, the previous one or the new one, never a mix; the next run clears up and
/// publishes. From an empty folder, from one of files a run published before links, and from a published run.
/// </summary>
public sealed class RunFolderKillTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("runfolder-kill-").FullName;
    private string folder = "";

    private static readonly string[] Names = ["model.cnn", "history.csv", "loss.html"];

    public void Dispose() => Directory.Delete(root, recursive: true);

    private void PublishWhole(string run)
    {
        using var r = RunFolder.Open(folder);
        foreach (string name in Names) File.WriteAllText(r.Staged(name), $"{run} {name}");
        r.Publish(Names);
    }

    /// <summary>The run every published name shows ("none": all absent); fails when the names disagree or a file's
    /// content is not exactly what its run wrote.</summary>
    private string ShownRun()
    {
        var shown = Names.Select(n => Path.Combine(folder, n)).Select(p => Workbook.Files.FileIdentity.Of(p) is { Kind: Workbook.Files.FileKind.Regular } ? File.ReadAllText(p) : "none").ToList();
        var runs = shown.Select(text => text.Split(' ')[0]).Distinct().ToList();
        Assert.True(runs.Count == 1, $"mixed runs: {string.Join(", ", shown)}");
        if (runs[0] != "none")
            for (int i = 0; i < Names.Length; i++) Assert.Equal($"{runs[0]} {Names[i]}", shown[i]);
        return runs[0];
    }

    private void Prepare(string layout)
    {
        folder = Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (layout == "files")
            foreach (string name in Names) File.WriteAllText(Path.Combine(folder, name), $"old {name}");
        if (layout == "published") PublishWhole("old");
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("files")]
    [InlineData("published")]
    public void A_kill_after_any_step_of_a_publication_leaves_one_run_whole_and_the_next_run_publishes(string layout)
    {
        string old = layout == "empty" ? "none" : "old";
        int count = int.MaxValue;
        for (int stop = 0; stop <= count; stop++)
        {
            Prepare(layout);
            var run = RunFolder.Open(folder);
            foreach (string name in Names) File.WriteAllText(run.Staged(name), $"new {name}");
            var steps = run.PublicationSteps(Names);
            count = steps.Count;
            foreach (var (_, step) in steps.Take(stop)) step();
            run.Abandon();

            string shown = ShownRun();
            // Until the link is switched the old run shows, from then on the new one.
            int switchStep = steps.ToList().FindLastIndex(s => s.What.StartsWith($"point {RunFolder.PublishedLink} at", StringComparison.Ordinal));
            Assert.Equal(stop > switchStep ? "new" : old, shown);

            // The next run clears up what the kill left, changes nothing shown, and publishes whole.
            using (RunFolder.Open(folder)) { }
            Assert.Equal(shown, ShownRun());
            var entries = Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).ToList();
            Assert.DoesNotContain(entries, e => e!.StartsWith(".run-") || e.StartsWith(".link-"));
            Assert.True(entries.Count(e => e!.StartsWith(".published-")) <= 1, string.Join(", ", entries));
            PublishWhole("next");
            Assert.Equal("next", ShownRun());
            Assert.Single(Directory.GetDirectories(folder, ".published-*"));
        }
        Assert.True(count >= 3, $"{count} steps");
    }

    [Fact]
    public void A_published_file_is_read_through_its_name_and_a_reader_keeps_what_it_opened()
    {
        folder = Path.Combine(root, "reader");
        PublishWhole("old");
        using var reader = new StreamReader(Path.Combine(folder, "model.cnn"));
        PublishWhole("new");
        Assert.Equal("old model.cnn", reader.ReadToEnd());   // the old run's folder is gone, its open file still reads
        Assert.Equal("new", ShownRun());
    }
}
