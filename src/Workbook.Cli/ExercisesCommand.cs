using System.CommandLine;
using Workbook.Notebooks.Coursework;

namespace Workbook.Cli;

/// <summary><c>exercises [--out DIR]</c>: writes the student kit (<see cref="StudentKit"/>; default <c>notebooks/exercises/</c>).</summary>
internal static class ExercisesCommand
{
    public static Command Create()
    {
        var output = Options.Text("--out", null, "folder to write them to [default: notebooks/exercises/]", "DIR");
        var command = new Command("exercises", "write the student kit: the student notebooks (solutions replaced by stubs, hidden checks removed), a README and the library without the answers as a local NuGet package") { output };
        command.SetAction(parsed =>
        {
            string root = RunCommand.RepositoryRoot();
            string folder = Path.GetFullPath(parsed.GetValue(output) ?? Path.Combine(root, "notebooks", "exercises"));
            FolderPlaces.CheckStudentVersionOutput(folder, Path.Combine(root, "notebooks"));   // one line, exit 1
            foreach (string written in StudentKit.Write(root, folder, Console.Out))
                Console.WriteLine($"wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), written)}");
            return 0;
        });
        return command;
    }
}
