using Workbook.Data;
using Workbook.Files;

namespace Workbook.ModelFiles;

/// <summary>
/// One training run's output folder, kept consistent: the model, history and plot in it always come from the same
/// successful run. A run builds its files in a private staging folder inside it (<c>.run-PID-…</c>) and publishes
/// them together at the end; a second run into a folder in use is refused.
/// </summary>
/// <remarks>
/// <para>The lock is an OS lock on <c>.workbook.lock</c> (.NET takes <c>flock</c> for <see cref="FileShare.None"/>):
/// the kernel releases it when the process ends however it ends, so a killed run never leaves the folder locked.
/// The lock file itself stays; it is empty and harmless.</para>
/// <para>Staging folders left by killed runs are removed by the next run into the folder (it holds the lock, so
/// no other run can own them); a killed run's history is kept as <c>interrupted-history.csv</c>.</para>
/// </remarks>
public sealed class RunFolder : IDisposable
{
    public const string LockName = ".workbook.lock";
    private const string StagingPrefix = ".run-";

    private readonly FileStream lockFile;

    /// <summary>The output folder.</summary>
    public string Folder { get; }

    /// <summary>The private folder where this run writes its files until <see cref="Publish"/>.</summary>
    public string Staging { get; }

    private RunFolder(string folder, FileStream lockFile, string staging)
    {
        Folder = folder;
        this.lockFile = lockFile;
        Staging = staging;
    }

    /// <summary>Creates <paramref name="folder"/> if needed, checks it takes files, locks it and clears what killed runs left.</summary>
    /// <exception cref="IOException">the folder cannot be created or written, or another run holds it</exception>
    public static RunFolder Open(string folder)
    {
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{folder}: cannot create the output folder ({e.Message})", e);
        }
        OutputFile.RequireWritableFolder(folder, folder);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(folder, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"{folder}: another run is writing to this folder (it holds {Path.Combine(folder, LockName)}); wait for it to end or choose another --out", e);
        }
        try
        {
            foreach (string stale in Directory.EnumerateDirectories(folder, StagingPrefix + "*").ToList())
            {
                string history = Path.Combine(stale, "history.csv");
                if (File.Exists(history)) File.Move(history, Path.Combine(folder, "interrupted-history.csv"), overwrite: true);
                Directory.Delete(stale, recursive: true);
            }
            AtomicFile.RemoveStaleTemporaries(folder);
            string staging = Path.Combine(folder, $"{StagingPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            return new RunFolder(folder, lockFile, staging);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Where this run writes <paramref name="name"/> until it publishes it.</summary>
    public string Staged(string name) => Path.Combine(Staging, name);

    /// <summary>The published path of <paramref name="name"/>.</summary>
    public string Published(string name) => Path.Combine(Folder, name);

    /// <summary>
    /// Moves the staged files into the folder, each under its published name (a rename each, so readers never see a
    /// half-written file). Every target is checked before the first move, so a bad one stops the publication whole.
    /// </summary>
    /// <param name="files">staged name → published name</param>
    /// <returns>the published paths, in order</returns>
    public IReadOnlyList<string> Publish(params (string Staged, string Published)[] files)
    {
        var moves = files.Where(f => File.Exists(Staged(f.Staged)))
            .Select(f => (From: Staged(f.Staged), To: OutputFile.Resolve(Published(f.Published)), Shown: Published(f.Published))).ToList();
        foreach (var (from, to, _) in moves) File.Move(from, to, overwrite: true);
        return moves.Select(m => m.Shown).ToList();
    }

    /// <summary>Removes the staging folder (whatever was not published) and releases the lock.</summary>
    public void Dispose()
    {
        try { Directory.Delete(Staging, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the next run removes it */ }
        lockFile.Dispose();
    }
}
