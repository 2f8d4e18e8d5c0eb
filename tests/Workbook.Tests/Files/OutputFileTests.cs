using System.Diagnostics;
using Workbook.Data;
using Workbook.Files;

namespace Workbook.Tests.Files;

/// <summary>Outputs never destroy anything: devices, FIFOs, the input under another name, stale temporary files.</summary>
public sealed class OutputFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("output-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void File_identity_agrees_with_the_file_system()
    {
        string a = Path.Combine(folder, "a.wav");
        File.WriteAllBytes(a, new byte[1234]);
        var identity = FileIdentity.Of(a)!.Value;
        Assert.Equal(FileKind.Regular, identity.Kind);
        Assert.Equal(1234, identity.Size);
        Assert.NotEqual(0, identity.Inode);
        Assert.Equal(FileKind.Directory, FileIdentity.Of(folder)!.Value.Kind);
        Assert.Null(FileIdentity.Of(Path.Combine(folder, "missing")));
        if (!OperatingSystem.IsWindows()) Assert.Equal(FileKind.CharacterDevice, FileIdentity.Of("/dev/null")!.Value.Kind);
    }

    [Fact]
    public void A_device_a_fifo_or_a_folder_is_refused_and_left_as_it_was()
    {
        if (OperatingSystem.IsWindows()) return;
        string fifo = Path.Combine(folder, "pipe.wav");
        Process.Start("mkfifo", fifo).WaitForExit();
        foreach (string target in new[] { "/dev/null", fifo, folder })
        {
            var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(target, "data"));
            Assert.Contains("refusing to write over", e.Message);
            Assert.Contains(target, e.Message);
        }
        Assert.Equal(FileKind.Fifo, FileIdentity.OfLink(fifo)!.Value.Kind);
        Assert.Equal(FileKind.CharacterDevice, FileIdentity.OfLink("/dev/null")!.Value.Kind);
        Assert.Equal(new[] { fifo }, Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void The_input_is_recognised_through_a_symlink_a_hard_link_and_a_symlinked_folder()
    {
        string input = Path.Combine(folder, "orig.wav");
        File.WriteAllText(input, "the recording");
        string alias = Path.Combine(folder, "alias.wav");
        File.CreateSymbolicLink(alias, input);
        string hard = Path.Combine(folder, "hard.wav");
        Process.Start("ln", new[] { input, hard }).WaitForExit();
        string linkedFolder = Path.Combine(folder, "linked");
        Directory.CreateSymbolicLink(linkedFolder, folder);

        foreach (var (output, source) in new[] { (input, alias), (alias, input), (hard, input), (Path.Combine(linkedFolder, "orig.wav"), input) })
        {
            var e = Assert.Throws<IOException>(() => OutputFile.Prepare(output, source));
            Assert.Contains("refusing to overwrite the input", e.Message);
        }
        Assert.Equal("the recording", File.ReadAllText(input));
        // A different file is fine, and a symlink output is written through: the link stays and shows the new content.
        string other = Path.Combine(folder, "other.wav");
        File.WriteAllText(other, "old");
        string otherLink = Path.Combine(folder, "other-link.wav");
        File.CreateSymbolicLink(otherLink, other);
        Assert.Equal(other, OutputFile.Prepare(otherLink, input));
        AtomicFile.WriteAllText(otherLink, "new");
        Assert.Equal(FileKind.SymbolicLink, FileIdentity.OfLink(otherLink)!.Value.Kind);
        Assert.Equal("new", File.ReadAllText(other));
    }

    [Fact]
    public void A_missing_or_read_only_folder_is_reported_before_any_work()
    {
        var missing = Assert.Throws<DirectoryNotFoundException>(() => OutputFile.Prepare(Path.Combine(folder, "no", "out.wav")));
        Assert.Contains("does not exist", missing.Message);
        // /proc is read-only even for root.
        if (!OperatingSystem.IsWindows())
            Assert.Contains("cannot write in the folder", Assert.Throws<IOException>(() => OutputFile.Prepare("/proc/out.wav")).Message);
    }

    [Fact]
    public void A_failed_write_leaves_no_temporary_file_and_a_killed_writers_file_is_removed_by_the_next_write()
    {
        string target = Path.Combine(folder, "model.cnn");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(target, s => { s.WriteByte(1); throw new InvalidOperationException("crash"); }));
        Assert.Empty(Directory.GetFileSystemEntries(folder));

        // A process that has exited cannot own a temporary file any more; one that runs (this one) still does.
        using var exited = Process.Start("true")!;
        exited.WaitForExit();
        string stale = Path.Combine(folder, $".model.cnn.{exited.Id}.{Guid.NewGuid():N}.tmp");
        string live = Path.Combine(folder, $".model.cnn.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string foreign = Path.Combine(folder, ".someone-elses.tmp");
        foreach (string f in new[] { stale, live, foreign }) File.WriteAllText(f, "half");
        AtomicFile.WriteAllText(target, "whole");
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(foreign));
        Assert.Equal("whole", File.ReadAllText(target));
    }
}
