using System.CommandLine;
using System.Globalization;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;

namespace Workbook.Cli;

/// <summary>
/// <c>grade SUBMISSION... [--out DIR] [--timeout-minutes 5]</c>: grades each submission folder against the instructor
/// notebooks and writes <c>DIR/grades.csv</c>, <c>DIR/grades.json</c> and <c>DIR/SUBMISSION/feedback.html</c>.
/// Prints one line per submission; exits 0 when grading ran, whatever the marks.
/// </summary>
internal static class GradeCommand
{
    public static Command Create()
    {
        var submissions = new Argument<string[]>("SUBMISSION") { Description = "a folder of one student's notebooks (the folder name is the student)", Arity = ArgumentArity.ZeroOrMore };
        var output = Options.Text("--out", null, "where grades.csv, grades.json and feedback pages go [default: artifacts/grades]", "DIR");
        var minutes = Options.Number("--timeout-minutes", 5, "a notebook running longer is stopped and its exercise scores 0", exclusiveMinimum: 0);
        var command = new Command("grade", "grade folders of students' notebooks against notebooks/") { submissions, output, minutes };
        command.SetAction(parsed => Run(parsed.GetValue(submissions) ?? [], parsed.GetValue(output), parsed.GetValue(minutes)));
        return command;
    }

    private static int Run(string[] submissions, string? outputOption, double minutes)
    {
        if (submissions.Length == 0) throw new UsageException("grade needs at least one submission folder");
        foreach (string submission in submissions)
            if (!Directory.Exists(submission)) throw new UsageException($"{submission}: no such folder (a submission is a folder of a student's notebooks)");
        string root = RunCommand.RepositoryRoot();
        string output = Path.GetFullPath(outputOption ?? Path.Combine(root, "artifacts", "grades"));

        var options = new GradingOptions(Path.Combine(root, "notebooks"), output, TimeSpan.FromMinutes(minutes),
            NotebookHostProcess.For(continueAfterError: true));
        var grades = Terminal.WithProgress($"grading {submissions.Length} submission(s)", submissions.Length, progress =>
        {
            var log = progress.LinesAsSteps();   // the grader prints one line per submission
            return submissions.Select(s => Grader.GradeAsync(s, options, log).GetAwaiter().GetResult()).ToList();
        });
        GradeReport.Write(output, grades);
        Console.WriteLine($"wrote {Path.Combine(output, "grades.csv")}, grades.json and {grades.Count} feedback page(s); limit {minutes.ToString(CultureInfo.InvariantCulture)} min per notebook");
        return 0;
    }
}
