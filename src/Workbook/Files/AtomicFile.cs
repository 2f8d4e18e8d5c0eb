using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Workbook.Files;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content: the bytes go to a
/// temporary file beside the target (same folder, so the final rename never crosses file systems), are flushed
/// to disk, and the temporary file then replaces the target in one rename. A failed write removes the
/// temporary file and leaves the target as it was. The folder must exist.
/// </summary>
/// <remarks>
/// <para>The rename would replace whatever the name points at, so the target is checked first
/// (<see cref="OutputFile.Resolve"/>): a symlink is followed and its final target replaced, and anything but a
/// regular file (a device such as <c>/dev/full</c>, a FIFO, a socket, a folder) is refused.</para>
/// <para>A process killed mid-write cannot delete its temporary file; the next write into the same folder removes
/// the ones whose process (the id in the name) is gone.</para>
/// </remarks>
public static partial class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string fullPath = OutputFile.Resolve(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        RemoveStaleTemporaries(folder);
        string temporary = TemporaryName(fullPath);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temporary); } catch (IOException) { /* best effort: the target is untouched either way */ }
            // .NET reports a write refused with EFBIG (a full file-size quota, RLIMIT_FSIZE, a file system's size limit)
            // as an ArgumentOutOfRangeException thrown inside System.IO (RandomAccess, or the file stream's strategy,
            // depending on how the write was buffered); it is an I/O error of this file.
            if (e is ArgumentOutOfRangeException && e.TargetSite?.DeclaringType?.Namespace?.StartsWith("System.IO", StringComparison.Ordinal) == true)
                throw new IOException($"{fullPath}: the write was refused: {e.Message.Split(" (Parameter")[0]}", e);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream => { using var writer = new StreamWriter(stream, leaveOpen: true); writer.Write(text); });

    /// <summary><c>.NAME.PID.GUID.tmp</c> beside <paramref name="fullPath"/>: hidden, and naming the process that owns it.</summary>
    internal static string TemporaryName(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>Deletes this program's temporary files in <paramref name="folder"/> whose process no longer runs.</summary>
    public static void RemoveStaleTemporaries(string folder)
    {
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(folder, ".*.tmp").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (string file in candidates)
        {
            var match = TemporaryPattern().Match(Path.GetFileName(file));
            if (!match.Success || !int.TryParse(match.Groups[1].Value, out int pid) || IsRunning(pid)) continue;
            try { File.Delete(file); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* someone else's to clean */ }
        }
    }

    /// <summary>True when a process with this id runs (it may be another program that reused the id: then the file stays).</summary>
    internal static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try { using var process = Process.GetProcessById(pid); return !process.HasExited; }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return false; }
    }

    [GeneratedRegex(@"^\..+\.(\d+)\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TemporaryPattern();
}
