using Workbook.Files;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// Where output folders may go. Compared by file identity (device and inode) rather than by spelling, so a symlink or
/// a different spelling of the same folder is seen through.
/// </summary>
public static class FolderPlaces
{
    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies somewhere inside it (it need not exist yet).</summary>
    public static bool IsWithin(string path, string folder)
    {
        if (FileIdentity.Of(Path.GetFullPath(folder)) is not { Kind: FileKind.Directory })   // not there yet: by spelling
        {
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
            string candidate = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            return candidate == full || candidate.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        }
        for (var at = Path.GetFullPath(path); at != null; at = Path.GetDirectoryName(at))
            if (FileIdentity.Of(at) != null && FileIdentity.SameFile(at, folder)) return true;
        return false;
    }

    /// <summary>
    /// Refuses an output folder for <c>grade</c> that would mix grades with what is graded: inside (or holding) a
    /// submission, whose files the output would overwrite, or inside the instructor's notebooks.
    /// </summary>
    /// <exception cref="ArgumentException">one line naming the folder and the clash</exception>
    public static void CheckGradeOutput(string output, IEnumerable<string> submissions, string instructorFolder)
    {
        if (IsWithin(output, instructorFolder))
            throw new ArgumentException($"--out {output}: inside the instructor's notebooks ({instructorFolder}); choose a folder outside them");
        foreach (string submission in submissions)
        {
            if (IsWithin(output, submission))
                throw new ArgumentException($"--out {output}: inside the submission {submission}, whose files it would overwrite; choose a folder outside every submission");
            if (IsWithin(submission, output))
                throw new ArgumentException($"--out {output}: it holds the submission {submission}, whose files it would overwrite; choose a folder beside the submissions");
        }
    }

    /// <summary>
    /// Refuses an output folder for the student versions inside the instructor's notebooks (they would overwrite the
    /// source), except its own <c>exercises</c> folder, where the student versions belong.
    /// </summary>
    /// <exception cref="ArgumentException">one line naming the folder</exception>
    public static void CheckStudentVersionOutput(string output, string instructorFolder)
    {
        if (IsWithin(output, instructorFolder) && !IsWithin(output, Path.Combine(instructorFolder, "exercises")))
            throw new ArgumentException($"--out {output}: inside the instructor's notebooks ({instructorFolder}), which it would overwrite; " +
                "the student versions go to notebooks/exercises/ or a folder outside notebooks/");
    }
}
