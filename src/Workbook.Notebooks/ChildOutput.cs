using System.Globalization;
using System.Text;
using Workbook.Files;

namespace Workbook.Notebooks;

/// <summary>
/// Reads what a notebook's process leaves behind without trusting it: the code it ran may be a student's, which can
/// print gigabytes, hand its output pipe to a process that never ends, or leave a link or a pipe where a file should be.
/// </summary>
public static class ChildOutput
{
    /// <summary>The largest executed notebook the parent reads (its outputs included).</summary>
    public const long MaxNotebookBytes = 64L * 1024 * 1024;

    /// <summary>How long the pipes may stay open once the process has ended (a process it started may hold them).</summary>
    public static readonly TimeSpan PipeGrace = TimeSpan.FromSeconds(5);

    /// <summary>The text read so far when the pipe closes, or after <see cref="PipeGrace"/> whatever still holds it open.</summary>
    public static async Task<string> WithinGraceAsync(Task<string> reading)
    {
        if (await Task.WhenAny(reading, Task.Delay(PipeGrace)) == reading) return await reading;
        return "(the output stayed open after the process ended: a process it started still holds it)";
    }

    /// <summary>
    /// The text of a file the process wrote, or null when there is none. Only a regular file is read, and only up to
    /// <paramref name="maxBytes"/>: a link, a pipe or a device in its place, or a larger file, is an error that names it.
    /// </summary>
    /// <exception cref="InvalidDataException">the path holds something other than a regular file, or too large a file</exception>
    public static string? ReadFile(string path, long maxBytes = MaxNotebookBytes)
    {
        var identity = FileIdentity.OfLink(path);
        if (identity == null) return null;
        if (identity.Value.Kind != FileKind.Regular)
            throw new InvalidDataException($"{Path.GetFileName(path)} is {FileIdentity.Describe(identity.Value.Kind)}, not a file");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length > maxBytes) throw new InvalidDataException($"{Path.GetFileName(path)} is {Megabytes(stream.Length)}, more than the {Megabytes(maxBytes)} the grader reads");
        var bytes = new byte[stream.Length];
        int total = 0, read;
        while (total < bytes.Length && (read = stream.Read(bytes, total, bytes.Length - total)) > 0) total += read;
        return Encoding.UTF8.GetString(bytes, 0, total);
    }

    public static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB");
}
