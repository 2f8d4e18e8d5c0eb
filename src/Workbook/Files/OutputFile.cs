namespace Workbook.Files;

/// <summary>
/// Checks an output path before any work is done, so that a long job never ends in "cannot write", and so that
/// writing can never destroy something that is not a previous output: the input, a device, a pipe.
/// </summary>
public static class OutputFile
{
    /// <summary>
    /// The path a write to <paramref name="path"/> really replaces: the final target when it is a symlink (the link
    /// stays and shows the new content), otherwise the full path.
    /// </summary>
    /// <exception cref="IOException">the path names something other than a regular file (a device, FIFO, socket or folder)</exception>
    public static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        if (FileIdentity.OfLink(full) is { Kind: FileKind.SymbolicLink })
        {
            FileSystemInfo? target;
            try { target = File.ResolveLinkTarget(full, returnFinalTarget: true); }
            catch (IOException e) { throw new IOException($"{path}: cannot follow the symbolic link ({e.Message})", e); }
            if (target != null) full = Path.GetFullPath(target.FullName);
        }
        if (FileIdentity.Of(full) is { Kind: not FileKind.Regular } existing)
            throw new IOException($"{path}: refusing to write over {FileIdentity.Describe(existing.Kind)}; the output must be a regular file");
        return full;
    }

    /// <summary>
    /// Checks that <paramref name="path"/> may be written: it is (or will be) a regular file, it is none of
    /// <paramref name="inputs"/> (compared by device and inode, so symlinks, hard links and symlinked folders
    /// are seen through), and its folder exists and takes a new file. Returns the path a write replaces.
    /// </summary>
    /// <exception cref="IOException">any of these fails; the message names the path and the reason</exception>
    public static string Prepare(string path, params string[] inputs)
    {
        string resolved = Resolve(path);
        foreach (string input in inputs)
            if (FileIdentity.SameFile(resolved, input))
                throw new IOException($"{path}: refusing to overwrite the input {input} (it is the same file); choose another output with -o");
        string folder = Path.GetDirectoryName(resolved)!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{path}: the folder {folder} does not exist");
        RequireWritableFolder(folder, path);
        return resolved;
    }

    /// <summary>Creates and deletes a temporary file in <paramref name="folder"/>: the only test that also sees read-only mounts and root.</summary>
    public static void RequireWritableFolder(string folder, string forPath)
    {
        string probe = AtomicFile.TemporaryName(Path.Combine(Path.GetFullPath(folder), "write-test"));
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write)) { }
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{forPath}: cannot write in the folder {folder} ({e.Message})", e);
        }
    }
}
