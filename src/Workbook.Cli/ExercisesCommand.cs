using Workbook.Notebooks.Coursework;

namespace Workbook.Cli;

/// <summary><c>exercises [--out DIR]</c>: writes the student versions of the notebooks (default <c>notebooks/exercises/</c>).</summary>
internal static class ExercisesCommand
{
    public static int Run(Arguments arguments)
    {
        string root = RunCommand.RepositoryRoot();
        string output = Path.GetFullPath(arguments.Text("out", Path.Combine(root, "notebooks", "exercises")));
        arguments.RejectUnknown();
        foreach (string written in StudentVersion.WriteAll(Path.Combine(root, "notebooks"), output))
            Console.WriteLine($"wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), written)}");
        return 0;
    }
}
