using System.Runtime.InteropServices;
using Workbook.Data;
using Workbook.Files;

namespace Workbook.ModelFiles;

/// <summary>
/// One training run's output folder, kept consistent: the model, history and plot in it always come from the same
/// successful run, whenever the process is killed. A run builds its files in a private staging folder inside it
/// (<c>.run-PID-…</c>) and publishes them together at the end; a second run into a folder in use is refused.
/// </summary>
/// <remarks>
/// <para>Publishing is one rename. The published names (<c>model.cnn</c>, …) are symbolic links to
/// <c>.published/model.cnn</c>, …, and <c>.published</c> is itself a link to the folder of the published run
/// (<c>.published-…</c>). A run renames its staging folder to such a folder, then replaces the <c>.published</c> link by
/// a new one with <c>rename(2)</c>, which the kernel does atomically: at every instant every name shows the old run's
/// file or every name the new run's. The links are relative, so the folder can be moved or copied (<c>cp -r</c>
/// copies them as links); <c>evaluate --model DIR/model.cnn</c> opens the file through them.</para>
/// <para>A folder written before runs published this way holds the files themselves: the first publication copies
/// them into a folder of their own and points <c>.published</c> at it before any name becomes a link, so that the
/// switch from files to links shows the same content throughout.</para>
/// <para>The lock is an OS lock on <c>.workbook.lock</c> (.NET takes <c>flock</c> for <see cref="FileShare.None"/>):
/// the kernel releases it when the process ends however it ends, so a killed run never leaves the folder locked.
/// The lock file itself stays; it is empty and harmless.</para>
/// <para>What killed runs leave is removed by the next run into the folder (it holds the lock, so no other run can own
/// it): staging folders (a killed run's history is kept as <c>interrupted-history.csv</c>), published folders the link
/// no longer names, and half-made links.</para>
/// </remarks>
public sealed class RunFolder : IDisposable
{
    public const string LockName = ".workbook.lock";

    /// <summary>The link to the published run's folder; the published names link through it.</summary>
    public const string PublishedLink = ".published";

    private const string StagingPrefix = ".run-", PublishedPrefix = ".published-", LinkPrefix = ".link-";

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
            ClearWhatKilledRunsLeft(folder);
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

    private static void ClearWhatKilledRunsLeft(string folder)
    {
        foreach (string stale in Directory.EnumerateDirectories(folder, StagingPrefix + "*").ToList())
        {
            string history = Path.Combine(stale, "history.csv");
            if (File.Exists(history)) File.Move(history, Path.Combine(folder, "interrupted-history.csv"), overwrite: true);
            Directory.Delete(stale, recursive: true);
        }
        foreach (string link in Directory.EnumerateFileSystemEntries(folder, LinkPrefix + "*").ToList()) File.Delete(link);
        string? current = PublishedFolder(folder);
        foreach (string published in Directory.EnumerateDirectories(folder, PublishedPrefix + "*").ToList())
            if (Path.GetFileName(published) != current && FileIdentity.OfLink(published) is { Kind: FileKind.Directory })
                Directory.Delete(published, recursive: true);
        AtomicFile.RemoveStaleTemporaries(folder);
    }

    /// <summary>The name of the folder <see cref="PublishedLink"/> points at, or null when there is none.</summary>
    private static string? PublishedFolder(string folder)
    {
        string link = Path.Combine(folder, PublishedLink);
        return FileIdentity.OfLink(link) is { Kind: FileKind.SymbolicLink } ? new FileInfo(link).LinkTarget : null;
    }

    /// <summary>True when <paramref name="name"/> shows a file (through its links: File.Exists is true for a dangling link).</summary>
    public bool Shows(string name) => FileIdentity.Of(Published(name)) is { Kind: FileKind.Regular };

    /// <summary>Where this run writes <paramref name="name"/> until it publishes it.</summary>
    public string Staged(string name) => Path.Combine(Staging, name);

    /// <summary>The published path of <paramref name="name"/>.</summary>
    public string Published(string name) => Path.Combine(Folder, name);

    /// <summary>
    /// Publishes the staged files under their own names, all at once (see the remarks): each of
    /// <paramref name="names"/> shows this run's file afterwards, or is absent when this run staged none.
    /// </summary>
    /// <returns>the published paths of the files this run staged, in order</returns>
    public IReadOnlyList<string> Publish(params string[] names)
    {
        foreach (var (_, step) in PublicationSteps(names)) step();
        return names.Where(n => Shows(n)).Select(Published).ToList();
    }

    /// <summary>
    /// The steps of <see cref="Publish"/>, each a single file-system operation, so that a test can stop after any of
    /// them as a kill would and check that the folder shows one run whole.
    /// </summary>
    internal IReadOnlyList<(string What, Action Step)> PublicationSteps(params string[] names)
    {
        var steps = new List<(string, Action)>();
        string? previous = PublishedFolder(Folder);
        var notLinked = names.Where(n => new FileInfo(Published(n)).LinkTarget != Path.Combine(PublishedLink, n)).ToList();
        if (previous == null && notLinked.Any(Shows))
        {
            // The files of a run published before links: copied into a published folder of their own (which the next
            // run removes if a kill leaves it half made: the link does not name it yet), which the link then names,
            // so that turning each name into a link changes nothing anyone reads.
            string adopted = $"{PublishedPrefix}{Guid.NewGuid():N}";
            steps.Add(($"copy the files in place into {adopted}", () =>
            {
                Directory.CreateDirectory(Path.Combine(Folder, adopted));
                foreach (string name in names.Where(Shows))
                    File.Copy(Published(name), Path.Combine(Folder, adopted, name));
            }));
            steps.Add(($"point {PublishedLink} at {adopted}", () => Link(PublishedLink, adopted)));
            previous = adopted;
        }
        foreach (string name in notLinked)
            steps.Add(($"make {name} a link through {PublishedLink}", () => Link(name, Path.Combine(PublishedLink, name))));

        string next = $"{PublishedPrefix}{Path.GetFileName(Staging)[StagingPrefix.Length..]}";
        steps.Add(($"rename the staging folder to {next}", () => Directory.Move(Staging, Path.Combine(Folder, next))));
        steps.Add(($"point {PublishedLink} at {next}", () => Link(PublishedLink, next)));
        if (previous != null)
            steps.Add(($"remove {previous}", () => Directory.Delete(Path.Combine(Folder, previous), recursive: true)));
        return steps;
    }

    /// <summary>Makes <paramref name="name"/> a link to <paramref name="target"/> in one rename over whatever it was.</summary>
    private void Link(string name, string target)
    {
        string temporary = Path.Combine(Folder, $"{LinkPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(temporary, target);
        // rename(2) itself: File.Move refuses a link to a folder, and Directory.Move will not replace.
        if (Rename(temporary, Path.Combine(Folder, name)) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            File.Delete(temporary);
            throw new IOException($"{Published(name)}: cannot publish the run ({Marshal.GetPInvokeErrorMessage(error)})");
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);

    /// <summary>
    /// Moves staged files into the folder under other names, one rename each: for what a run keeps that is not a
    /// published run (a diverged run's history and plot beside the previous model). Every target is checked first.
    /// </summary>
    /// <param name="files">staged name → name in the folder</param>
    /// <returns>the paths written, in order</returns>
    public IReadOnlyList<string> Keep(params (string Staged, string Kept)[] files)
    {
        var moves = files.Where(f => File.Exists(Staged(f.Staged)))
            .Select(f => (From: Staged(f.Staged), To: OutputFile.Resolve(Published(f.Kept)), Shown: Published(f.Kept))).ToList();
        foreach (var (from, to, _) in moves) File.Move(from, to, overwrite: true);
        return moves.Select(m => m.Shown).ToList();
    }

    /// <summary>Releases the lock and nothing else, as a killed process would (for tests of what a kill leaves).</summary>
    internal void Abandon() => lockFile.Dispose();

    /// <summary>Removes the staging folder (whatever was not published) and releases the lock.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the next run removes it */ }
        lockFile.Dispose();
    }
}
